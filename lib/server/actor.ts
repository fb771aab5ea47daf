import 'server-only';
import { cache } from 'react';
import { cookies } from 'next/headers';
import { eq, sql } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { Queryable } from '@/db/client';
import { config } from '@/lib/config';
import { dayOf } from '@/lib/domain/periods';
import type { Day } from '@/lib/domain/types';
import {
  decodeSessionToken,
  sessionClaims,
  sessionCookieName,
  STAFF_IDLE_SECONDS,
  type SessionClaims,
} from '@/lib/session-token';
import type { Role } from './auth';
import { CLOCK_KEY, clockFromSetting, clockSettingSql, type ClockSetting } from './clock';
import { getDb } from './db';
import { AppError } from './errors';

/** Who is asking, as the database says now (a disabled account or changed role counts at once). */
export interface Actor {
  userId: number;
  role: Role;
  name: string;
  email: string;
  /** The subscriber a subscriber account belongs to; null for staff. */
  subscriberId: number | null;
  /** The clock for this request. */
  now: Date;
  today: Day;
  /**
   * The session this request came with (issue 21): its id, and how many seconds ago it last
   * passed the second factor (null: never). Undefined for an actor loaded without a session
   * (loadActor: scripts and tests acting as an account).
   */
  session?: { id: string; secondFactorAgeSeconds: number | null };
  /**
   * A subscriber's own account time, read with the session (issue 22): its test clock's frozen
   * time when the subscriber is a fixture on a clock, else `now`. Undefined when not read
   * (staff; loadActor): openAccount then looks it up.
   */
  ownNow?: Date;
}

/** Reads the user row and the clock in one round trip (no session: for scripts and tests that act as an account). */
export async function loadActor(db: Queryable, userId: number): Promise<Actor | null> {
  const rows = await db
    .select({
      id: users.id,
      role: users.role,
      name: users.name,
      email: users.email,
      subscriberId: users.subscriberId,
      disabled: users.disabled,
      clock: clockSettingSql,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  const u = rows[0];
  if (!u || u.disabled) return null;
  const now = clockFromSetting(u.clock);
  return {
    userId: u.id,
    role: u.role,
    name: u.name,
    email: u.email,
    subscriberId: u.subscriberId,
    now,
    today: dayOf(now),
  };
}

/** A session's last_seen_at is moved at most this often (the staff idle limit needs no more). */
export const SESSION_TOUCH_SECONDS = 60;

type SessionRow = {
  id: number;
  role: Role;
  name: string;
  email: string;
  subscriber_id: number | null;
  valid: boolean;
  clock: ClockSetting | null;
  second_factor_age: number | string | null;
  own_clock_ms: number | string | null;
};

/**
 * The actor of a session token, or null when the session has ended, in ONE statement (the
 * round trip every request already paid to read the account): the account (not disabled, the
 * token's session version still current), its session row (not revoked, within its 8 hours,
 * and for staff used in the last 30 minutes), and the clock. The same statement moves the
 * session's last_seen_at when it is over a minute old (a data-modifying CTE), so idle tracking
 * writes about once a minute per session, not per request.
 */
/** The subscriber's own test clock, in epoch ms, folded into the session statement (none in a deployment). */
function ownClockColumn() {
  return config().testClockEnabled
    ? sql`(select extract(epoch from tc.frozen_time)::float8 * 1000 from test_fixtures f
        join test_clocks tc on tc.id = f.clock_id where f.subscriber_id = u.subscriber_id) as own_clock_ms`
    : sql`null::float8 as own_clock_ms`;
}

export async function loadSessionActor(db: Queryable, claims: SessionClaims): Promise<Actor | null> {
  const idle = sql`make_interval(secs => ${STAFF_IDLE_SECONDS})`;
  const result = await db.execute(sql`
    with touched as (
      update sessions set last_seen_at = now()
      where id = ${claims.sid} and user_id = ${claims.uid} and revoked_at is null and expires_at > now()
        and last_seen_at < now() - make_interval(secs => ${SESSION_TOUCH_SECONDS})
        and exists (select 1 from users u where u.id = ${claims.uid} and not u.disabled and u.session_version = ${claims.sv}
          and (u.role = 'subscriber' or sessions.last_seen_at > now() - ${idle}))
      returning id
    )
    select u.id, u.role, u.name, u.email, u.subscriber_id,
      coalesce(not u.disabled and u.session_version = ${claims.sv} and s.revoked_at is null and s.expires_at > now()
        and (u.role = 'subscriber' or s.last_seen_at > now() - ${idle}), false) as valid,
      extract(epoch from now() - s.second_factor_at)::float8 as second_factor_age,
      (select value from app_settings where key = ${CLOCK_KEY}) as clock,
      ${ownClockColumn()}
    from users u left join sessions s on s.id = ${claims.sid} and s.user_id = u.id
    where u.id = ${claims.uid}
  `);
  const u = (result as unknown as { rows: SessionRow[] }).rows[0];
  if (!u || !u.valid) return null;
  const now = clockFromSetting(u.clock);
  const ownNow = u.own_clock_ms === null ? now : new Date(Number(u.own_clock_ms));
  return {
    userId: u.id,
    role: u.role,
    name: u.name,
    email: u.email,
    subscriberId: u.subscriber_id,
    now,
    today: dayOf(now),
    session: {
      id: claims.sid,
      secondFactorAgeSeconds: u.second_factor_age === null ? null : Number(u.second_factor_age),
    },
    ...(u.role === 'subscriber' ? { ownNow } : {}),
  };
}

/** The session claims of this request's cookie (absolute lifetime checked), or null. */
export async function readSessionClaims(): Promise<SessionClaims | null> {
  const c = config();
  const raw = (await cookies()).get(sessionCookieName(c.deployment))?.value;
  if (!raw) return null;
  return sessionClaims(await decodeSessionToken({ token: raw, secret: c.authSecret }));
}

/** The actor of the current request (memoised per request), or null when signed out or the session has ended. */
export const getActor = cache(async (): Promise<Actor | null> => {
  const claims = await readSessionClaims();
  if (!claims) return null;
  return loadSessionActor(await getDb(), claims);
});

export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw new AppError('unauthenticated', 'Please sign in again.');
  return actor;
}
