import 'server-only';
import { and, eq, gt, inArray, or, sql } from 'drizzle-orm';
import { loginAttempts } from '@/db/schema';
import type { Db } from '@/db/client';
import { config } from '@/lib/config';
import { recordAudit } from './audit';

/**
 * Sign-in throttling, shared by every instance through the database. Failed attempts in the
 * last 15 minutes are counted at three levels:
 * - per account and client address (5): a guesser is stopped, while the owner signing in from
 *   elsewhere is not locked out by a stranger's failures;
 * - per account from everywhere (20): the ceiling for guessing spread over many addresses;
 * - per client address across accounts (30): one address trying many accounts.
 *
 * Each attempt is counted BEFORE its password is verified: under an advisory transaction lock
 * on the account and one on the address, the recent failures are counted and the attempt is
 * inserted as 'checking' (which counts as a failure until it is known), then the lock is let go
 * and the password verified outside it. So N parallel guesses serialise only on that short
 * count-and-insert, and at most the limit of them ever reach the password check. Why advisory
 * locks: the count covers rows that don't exist yet (a row lock can't), one key per account
 * needs no counter table kept in step, and the window stays a true sliding 15 minutes.
 * Locks are always taken account first, then address, so two attempts can't deadlock.
 */
export const PAIR_LIMIT = 5;
export const ACCOUNT_LIMIT = 20;
export const ADDRESS_LIMIT = 30;
export const WINDOW_MINUTES = 15;
/** Kept for callers that name the per-account-and-address limit. */
export const MAX_FAILURES = PAIR_LIMIT;

const LOCK_ACCOUNT = 72210;
const LOCK_ADDRESS = 72211;

export type ThrottleReason = 'pair' | 'account' | 'address';

/** What the sign-in form says for each (authorize() throws the code; the login form maps it). */
export const THROTTLE_ERRORS: Record<ThrottleReason, string> = {
  pair: 'throttled',
  account: 'account_locked',
  address: 'address_throttled',
};

/**
 * The client address for throttling. instrumentation.ts rewrites every request's
 * X-Forwarded-For before Next.js reads it: the socket's address alone when TRUST_PROXY is 0 (so
 * whatever a client wrote is gone), or the received chain with the socket's address appended.
 * With TRUST_PROXY=n the address taken is the one n entries before that last one: what the
 * outermost trusted proxy saw, which no client can choose.
 */
export function clientAddressFrom(
  headers: Record<string, unknown> | Headers,
  trustProxy = config().trustProxy,
): string {
  const raw =
    headers instanceof Headers
      ? headers.get('x-forwarded-for')
      : (headers as Record<string, unknown>)['x-forwarded-for'];
  const value = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.join(',') : '';
  const entries = value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  return (entries[Math.max(0, entries.length - 1 - trustProxy)] ?? 'unknown').slice(0, 64);
}

export type AttemptStart = { allowed: true; attemptId: number } | { allowed: false; reason: ThrottleReason };

/** Counts this attempt before any password is checked: 'checking', or 'throttled' (never verified). */
export async function beginLoginAttempt(db: Db, email: string, clientAddress: string): Promise<AttemptStart> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(${LOCK_ACCOUNT}, hashtext(${email})), pg_advisory_xact_lock(${LOCK_ADDRESS}, hashtext(${clientAddress}))`,
    );
    const since = sql`now() - make_interval(mins => ${WINDOW_MINUTES})`;
    const [c] = await tx
      .select({
        pair: sql<number>`count(*) filter (where ${loginAttempts.email} = ${email} and ${loginAttempts.clientAddress} = ${clientAddress})::int`,
        account: sql<number>`count(*) filter (where ${loginAttempts.email} = ${email})::int`,
        address: sql<number>`count(*) filter (where ${loginAttempts.clientAddress} = ${clientAddress})::int`,
      })
      .from(loginAttempts)
      .where(
        and(
          inArray(loginAttempts.outcome, ['checking', 'failed']),
          gt(loginAttempts.at, since),
          or(eq(loginAttempts.email, email), eq(loginAttempts.clientAddress, clientAddress)),
        ),
      );
    const reason: ThrottleReason | null = !c
      ? null
      : c.pair >= PAIR_LIMIT
        ? 'pair'
        : c.account >= ACCOUNT_LIMIT
          ? 'account'
          : c.address >= ADDRESS_LIMIT
            ? 'address'
            : null;
    if (reason) {
      await tx.insert(loginAttempts).values({ email, clientAddress, outcome: 'throttled' });
      await recordAudit(tx, {
        actor: null,
        action: 'sign_in',
        outcome: 'throttled',
        detail: { email, clientAddress, limit: reason },
      });
      return { allowed: false, reason };
    }
    const [row] = await tx
      .insert(loginAttempts)
      .values({ email, clientAddress, outcome: 'checking' })
      .returning({ id: loginAttempts.id });
    return { allowed: true, attemptId: row!.id };
  });
}

/** Records how a counted attempt ended (a failure is audited). */
export async function finishLoginAttempt(
  db: Db,
  attemptId: number,
  success: boolean,
  detail: { email: string; clientAddress: string },
): Promise<void> {
  await db
    .update(loginAttempts)
    .set({ outcome: success ? 'succeeded' : 'failed' })
    .where(eq(loginAttempts.id, attemptId));
  if (!success) await recordAudit(db, { actor: null, action: 'sign_in', outcome: 'refused', detail });
}

/**
 * An activation or password-reset request (issue 21), throttled like sign-in: counted as a
 * failure under its own key ("link:" and what was typed) and the client address, so 5 requests
 * for one account from one address, 20 from anywhere, or 30 of any kind from one address in 15
 * minutes are refused. Whether the account exists plays no part.
 */
export async function countLinkRequest(
  db: Db,
  key: string,
  clientAddress: string,
): Promise<{ allowed: true } | { allowed: false; reason: ThrottleReason }> {
  const attempt = await beginLoginAttempt(db, `link:${key}`, clientAddress);
  if (!attempt.allowed) return attempt;
  await db.update(loginAttempts).set({ outcome: 'failed' }).where(eq(loginAttempts.id, attempt.attemptId));
  return { allowed: true };
}
