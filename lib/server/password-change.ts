import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Actor } from './actor';
import { recordAudit } from './audit';
import { checkPasswordThrottled } from './auth';
import { getDb, withTransaction } from './db';
import { AppError } from './errors';
import { checkNewPassword, hashPassword } from './passwords';
import { createSession, type SessionFor } from './sessions';
import { clientAddressFrom } from './throttle';

/**
 * The account page's "Change password" (issue 21), for every role: the current password first
 * (throttled like a sign-in, so a borrowed session can't guess it), the new one under the
 * policy. Every other session of the account ends (the users_end_sessions trigger moves the
 * session version on when the hash changes); this browser goes on with a new session, which
 * keeps the time its second factor was last entered.
 */
export async function changePassword(
  actor: Actor,
  input: { current: string; password: string },
  headers: Headers,
): Promise<{ message: string; session: SessionFor }> {
  const db = await getDb();
  let ok: unknown;
  try {
    ok = await checkPasswordThrottled(db, actor.email, input.current, clientAddressFrom(headers));
  } catch {
    throw new AppError('throttled', 'Too many wrong passwords from here. Wait 15 minutes and try again.');
  }
  if (!ok) throw new AppError('invalid', 'Your current password is not right.', { current: ['Not right.'] });
  const check = await checkNewPassword(input.password);
  if (!check.ok) throw new AppError('invalid', check.message, { password: [check.message] });
  const passwordHash = await hashPassword(input.password);
  return withTransaction(async (tx) => {
    const [u] = await tx
      .update(s.users)
      .set({ passwordHash })
      .where(and(eq(s.users.id, actor.userId), eq(s.users.disabled, false)))
      .returning({ sv: s.users.sessionVersion });
    if (!u) throw new AppError('unauthenticated', 'Please sign in again.');
    const ended = await tx
      .update(s.sessions)
      .set({ revokedAt: sql`now()` })
      .where(
        and(eq(s.sessions.userId, actor.userId), isNull(s.sessions.revokedAt), sql`${s.sessions.expiresAt} > now()`),
      )
      .returning({ id: s.sessions.id });
    const age = actor.session?.secondFactorAgeSeconds;
    const sid = await createSession(tx, actor.userId, {
      secondFactorAt: age === null || age === undefined ? null : new Date(Date.now() - age * 1000),
    });
    await recordAudit(tx, {
      actor,
      subscriberId: actor.subscriberId,
      action: 'password_changed',
      outcome: 'ok',
      detail: { otherSessionsEnded: Math.max(0, ended.length - 1) },
    });
    const others = Math.max(0, ended.length - 1);
    return {
      message: `Your password is changed. ${others === 1 ? '1 other session was' : `${others} other sessions were`} signed out.`,
      session: {
        userId: actor.userId,
        email: actor.email,
        name: actor.name,
        role: actor.role,
        subscriberId: actor.subscriberId,
        sid,
        sv: u.sv,
      },
    };
  });
}
