import 'server-only';
import { recordAudit } from './audit';
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Db, Queryable } from '@/db/client';
import { cookies } from 'next/headers';
import { config } from '@/lib/config';
import { encodeSessionToken, SESSION_MAX_AGE_SECONDS, sessionCookieName } from '@/lib/session-token';
import type { Actor } from './actor';
import { getDb } from './db';
import { log } from './log';

/**
 * Session rows: one per sign-in, named by the token's `sid`. A session ends when
 * - its row is revoked (sign-out),
 * - the account's session version moves on ("Sign out everywhere"; a password change or
 *   disabling the account, by the database trigger users_end_sessions),
 * - 8 hours have passed since sign-in (expires_at, and the token's own exp), or
 * - for staff, 30 minutes have passed without a request (last_seen_at).
 * lib/server/actor.ts checks all of it in the one query that reads the account per request.
 */

/** A new session row; the account's sessions that ended over a day ago are dropped on the way (the table stays small). */
export async function createSession(
  db: Queryable,
  userId: number,
  opts: { secondFactorAt?: 'now' | Date | null } = {},
): Promise<string> {
  const id = randomBytes(24).toString('base64url');
  await db
    .delete(s.sessions)
    .where(and(eq(s.sessions.userId, userId), lt(s.sessions.expiresAt, sql`now() - interval '1 day'`)));
  await db.insert(s.sessions).values({
    id,
    userId,
    expiresAt: sql`now() + make_interval(secs => ${SESSION_MAX_AGE_SECONDS})`,
    secondFactorAt: opts.secondFactorAt === 'now' ? sql`now()` : (opts.secondFactorAt ?? null),
  });
  return id;
}

/** Sign-out: this session's token is refused from now on, even if someone kept a copy. */
export async function revokeSession(sid: string): Promise<void> {
  try {
    const db = await getDb();
    await db
      .update(s.sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(s.sessions.id, sid), isNull(s.sessions.revokedAt)));
  } catch (e) {
    // next-auth clears the cookie regardless; log so a failed revocation is seen.
    log.error('[auth] could not revoke a session at sign-out', e);
    throw e;
  }
}

/** "Sign out everywhere": every session of the caller's account ends now, this one included. */
export async function endAllSessions(actor: Actor): Promise<{ message: string; ended: number }> {
  const db: Db = await getDb();
  return db.transaction(async (tx) => {
    await tx
      .update(s.users)
      .set({ sessionVersion: sql`${s.users.sessionVersion} + 1` })
      .where(eq(s.users.id, actor.userId));
    const ended = await tx
      .update(s.sessions)
      .set({ revokedAt: sql`now()` })
      .where(
        and(eq(s.sessions.userId, actor.userId), isNull(s.sessions.revokedAt), sql`${s.sessions.expiresAt} > now()`),
      )
      .returning({ id: s.sessions.id });
    await recordAudit(tx, {
      actor,
      subscriberId: actor.subscriberId,
      action: 'sign_out_everywhere',
      outcome: 'ok',
      detail: { sessionsEnded: ended.length },
    });
    return {
      message: `Signed out everywhere (${ended.length} session${ended.length === 1 ? '' : 's'} ended).`,
      ended: ended.length,
    };
  });
}

/** Who a session cookie minted outside next-auth's sign-in is for (the same claims its jwt callback writes). */
export interface SessionFor {
  userId: number;
  email: string;
  name: string;
  role: 'subscriber' | 'agent' | 'admin';
  subscriberId: number | null;
  sid: string;
  sv: number;
}

/**
 * Puts a session cookie on this response, for the two places that sign a person in without
 * next-auth's sign-in form (issue 21): a subscriber who has just set a password from a one-time
 * link, and anyone who changed their password (every other session ended, this browser keeps
 * going on a new one). The token is next-auth's own (encodeSessionToken), so next-auth and
 * lib/server/actor.ts read it like any other.
 */
export async function setSessionCookie(who: SessionFor): Promise<void> {
  const c = config();
  const authAt = Math.floor(Date.now() / 1000);
  const value = await encodeSessionToken({
    token: {
      sub: String(who.userId),
      name: who.name,
      email: who.email,
      uid: who.userId,
      role: who.role,
      subscriberId: who.subscriberId,
      sid: who.sid,
      sv: who.sv,
      authAt,
    },
    secret: c.authSecret,
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  (await cookies()).set(sessionCookieName(c.deployment), value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: c.deployment,
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}
