import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { LINK_VALID_MINUTES } from '@/lib/domain/accounts';
import { sealLinkToken } from './account-links-seal';
import { recordAudit } from './audit';
import { getDb, withTransaction } from './db';
import { AppError } from './errors';
import { recordEvent } from './outbox';
import { checkNewPassword, hashPassword } from './passwords';
import { createSession, type SessionFor } from './sessions';
import { countLinkRequest } from './throttle';

/**
 * Activating online access and "Forgot password" (SPEC §11): a one-time link, valid 30
 * minutes, by email through the outbox.
 *
 * Neither request tells whether an account exists: the answer is the same sentence, and the
 * work is the same. Every request, matched or not, makes a random 32-byte token, writes its
 * sha256 to account_tokens (with no subscriber and no user when nothing matched: such a row
 * can never be redeemed) and writes one `account_link` event to the outbox in the same
 * transaction (with no recipient when nothing matched: no delivery). Only the email itself,
 * sent later by the outbox job, differs. Both are throttled like sign-in (throttle.ts).
 */

export const LINK_SENT_MESSAGE =
  'If those details match an account, we have sent an email with a link to set a password. It works once, for 30 minutes. Check your inbox (and the spam folder).';
export const LINK_INVALID_MESSAGE =
  'This link has expired or has already been used. Ask for a new one: links work once, for 30 minutes.';
const THROTTLED_MESSAGE =
  'Too many requests from here for now. For your security, wait 15 minutes and try again, or contact support.';

export type LinkPurpose = 'activate' | 'reset';

type Match = { subscriberId: number | null; userId: number | null; email: string; name: string } | undefined;

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

async function requestLink(
  purpose: LinkPurpose,
  throttleKey: string,
  clientAddress: string,
  find: (db: Queryable) => Promise<Match>,
): Promise<{ message: string }> {
  const allowed = await countLinkRequest(await getDb(), throttleKey, clientAddress);
  if (!allowed.allowed) throw new AppError('throttled', THROTTLED_MESSAGE);
  const token = randomBytes(32).toString('base64url');
  await withTransaction(async (tx) => {
    const match = await find(tx);
    // Links that ended over a day ago go on the way (the table stays small), whoever asks.
    await tx.delete(s.accountTokens).where(lt(s.accountTokens.expiresAt, sql`now() - interval '1 day'`));
    await tx.insert(s.accountTokens).values({
      purpose,
      tokenHash: hashLinkToken(token),
      subscriberId: match?.subscriberId ?? null,
      userId: match?.userId ?? null,
      expiresAt: sql`now() + make_interval(mins => ${LINK_VALID_MINUTES})`,
    });
    await recordEvent(tx, {
      type: 'account_link',
      // Not tied to the subscriber's stream: the same statements whether or not anything matched.
      subscriberId: null,
      emailTo: match?.email ?? null,
      payload: {
        purpose,
        subscriberName: match?.name ?? '',
        validMinutes: LINK_VALID_MINUTES,
        sealedToken: sealLinkToken(token),
      },
    });
  });
  return { message: LINK_SENT_MESSAGE };
}

/** "Activate online access": the account number and the email address on file. */
export function requestActivation(
  input: { accountNumber: string; email: string },
  clientAddress: string,
): Promise<{ message: string }> {
  const accountNumber = input.accountNumber.trim().toUpperCase();
  const email = input.email.trim().toLowerCase();
  return requestLink('activate', `${accountNumber}:${email}`, clientAddress, async (db) => {
    const row = (
      await db
        .select({
          subscriberId: s.subscribers.id,
          email: s.subscribers.email,
          name: s.subscribers.name,
          userId: s.users.id,
          disabled: s.users.disabled,
        })
        .from(s.subscribers)
        .leftJoin(s.users, eq(s.users.subscriberId, s.subscribers.id))
        .where(and(eq(s.subscribers.accountNumber, accountNumber), sql`lower(${s.subscribers.email}) = ${email}`))
        .limit(1)
    )[0];
    // A disabled account gets no link (support disabled it on purpose).
    if (!row?.email || row.disabled) return undefined;
    return { subscriberId: row.subscriberId, userId: row.userId, email: row.email, name: row.name };
  });
}

/** "Forgot password": the email address the account signs in with (subscribers and staff). */
export function requestPasswordReset(input: { email: string }, clientAddress: string): Promise<{ message: string }> {
  const email = input.email.trim().toLowerCase();
  return requestLink('reset', email, clientAddress, async (db) => {
    const row = (
      await db
        .select({
          userId: s.users.id,
          subscriberId: s.users.subscriberId,
          name: s.users.name,
          disabled: s.users.disabled,
        })
        .from(s.users)
        .where(eq(s.users.email, email))
        .limit(1)
    )[0];
    if (!row || row.disabled) return undefined;
    return { subscriberId: row.subscriberId, userId: row.userId, email, name: row.name };
  });
}

/** Whether a link can still be used (the page shows the form or says why not); never uses it up. */
export async function linkPurpose(token: string): Promise<LinkPurpose | null> {
  const db = await getDb();
  const row = (
    await db
      .select({ purpose: s.accountTokens.purpose })
      .from(s.accountTokens)
      .where(
        and(
          eq(s.accountTokens.tokenHash, hashLinkToken(token)),
          isNull(s.accountTokens.usedAt),
          sql`${s.accountTokens.expiresAt} > now()`,
          or(sql`${s.accountTokens.subscriberId} is not null`, sql`${s.accountTokens.userId} is not null`),
        ),
      )
      .limit(1)
  )[0];
  return row?.purpose ?? null;
}

export interface LinkRedeemed {
  purpose: LinkPurpose;
  /** A subscriber is signed in at once (this session); staff sign in with their second factor. */
  session: SessionFor | null;
}

/**
 * Sets the password through a one-time link: the link is used up (and every other open link of
 * the same account with it), the password replaced (which ends the account's other sessions:
 * the users_end_sessions trigger) or, for an activation, the online account created. A bad
 * password is refused before the link is touched, so the person can try another.
 */
export async function redeemLink(token: string, password: string): Promise<LinkRedeemed> {
  const check = await checkNewPassword(password);
  if (!check.ok) throw new AppError('invalid', check.message, { password: [check.message] });
  const passwordHash = await hashPassword(password);
  return withTransaction(async (tx) => {
    const link = (
      await tx
        .select()
        .from(s.accountTokens)
        .where(
          and(
            eq(s.accountTokens.tokenHash, hashLinkToken(token)),
            isNull(s.accountTokens.usedAt),
            sql`${s.accountTokens.expiresAt} > now()`,
          ),
        )
        .for('update')
        .limit(1)
    )[0];
    if (!link || (link.subscriberId === null && link.userId === null))
      throw new AppError('invalid', LINK_INVALID_MESSAGE);

    let userId = link.userId;
    if (userId === null && link.subscriberId !== null) {
      // Activated meanwhile through another link: that account's password is set.
      userId =
        (await tx.select({ id: s.users.id }).from(s.users).where(eq(s.users.subscriberId, link.subscriberId)))[0]?.id ??
        null;
    }
    let user: {
      id: number;
      email: string;
      name: string;
      role: SessionFor['role'];
      subscriberId: number | null;
      sv: number;
    };
    if (userId !== null) {
      const [u] = await tx
        .update(s.users)
        .set({ passwordHash })
        .where(and(eq(s.users.id, userId), eq(s.users.disabled, false)))
        .returning({
          id: s.users.id,
          email: s.users.email,
          name: s.users.name,
          role: s.users.role,
          subscriberId: s.users.subscriberId,
          sv: s.users.sessionVersion,
        });
      if (!u) throw new AppError('invalid', LINK_INVALID_MESSAGE);
      user = u;
    } else {
      const sub = (await tx.select().from(s.subscribers).where(eq(s.subscribers.id, link.subscriberId!)))[0];
      if (!sub?.email) throw new AppError('invalid', LINK_INVALID_MESSAGE);
      const [u] = await tx
        .insert(s.users)
        .values({
          email: sub.email.toLowerCase(),
          name: sub.name,
          passwordHash,
          role: 'subscriber',
          subscriberId: sub.id,
        })
        .onConflictDoNothing()
        .returning({
          id: s.users.id,
          email: s.users.email,
          name: s.users.name,
          role: s.users.role,
          subscriberId: s.users.subscriberId,
          sv: s.users.sessionVersion,
        });
      // The address is already another account's sign-in (a staff member's): support sorts that out.
      if (!u)
        throw new AppError('conflict', 'Online access for this account needs support to set up. Please contact us.');
      user = u;
    }
    // This link and every other open link of the account: one link wins.
    await tx
      .update(s.accountTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          isNull(s.accountTokens.usedAt),
          or(
            eq(s.accountTokens.id, link.id),
            eq(s.accountTokens.userId, user.id),
            user.subscriberId === null ? sql`false` : eq(s.accountTokens.subscriberId, user.subscriberId),
          ),
        ),
      );
    await recordAudit(tx, {
      actor: null,
      subscriberId: user.subscriberId,
      action: link.purpose === 'activate' ? 'online_access_activated' : 'password_reset',
      outcome: 'ok',
      detail: { userId: user.id, role: user.role },
    });
    if (user.role !== 'subscriber') return { purpose: link.purpose, session: null };
    const sid = await createSession(tx, user.id);
    return {
      purpose: link.purpose,
      session: {
        userId: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        subscriberId: user.subscriberId,
        sid,
        sv: user.sv,
      },
    };
  });
}
