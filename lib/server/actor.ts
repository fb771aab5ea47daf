import 'server-only';
import { cache } from 'react';
import { getServerSession } from 'next-auth';
import { eq } from 'drizzle-orm';
import { auditEvents, users } from '@/db/schema';
import type { Queryable } from '@/db/client';
import { dayOf } from '@/lib/domain/periods';
import type { Day } from '@/lib/domain/types';
import { authOptions, type Role } from './auth';
import { clockFromSetting, clockSettingSql } from './clock';
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
}

/** Reads the user row and the clock in one round trip. */
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
  return { userId: u.id, role: u.role, name: u.name, email: u.email, subscriberId: u.subscriberId, now, today: dayOf(now) };
}

/** The actor of the current request (memoised per request), or null when signed out. */
export const getActor = cache(async (): Promise<Actor | null> => {
  const session = (await getServerSession(authOptions)) as { uid?: number } | null;
  const uid = session?.uid;
  if (typeof uid !== 'number' || !Number.isInteger(uid)) return null;
  return loadActor(await getDb(), uid);
});

export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw new AppError('unauthenticated', 'Please sign in again.');
  return actor;
}

export function isStaff(actor: Actor): boolean {
  return actor.role === 'agent' || actor.role === 'admin';
}

/** Records a refusal in the audit trail (roles and ownership), then returns the error to throw. */
export async function refuse(
  db: Queryable,
  actor: Actor | null,
  action: string,
  message: string,
  detail: Record<string, unknown> = {},
  code: 'forbidden' | 'not_found' = 'forbidden',
): Promise<AppError> {
  await db.insert(auditEvents).values({
    actorUserId: actor?.userId ?? null,
    actorRole: actor?.role ?? null,
    action,
    outcome: 'refused',
    reason: message,
    detail,
  });
  return new AppError(code, message);
}

/**
 * Ownership in one place: a subscriber may act on their own account only; agents and admins
 * on any. A subscriber asking for another account gets "not found", so existence doesn't leak.
 */
export async function authorizeSubscriber(db: Queryable, actor: Actor, subscriberId: number, action: string): Promise<void> {
  if (isStaff(actor)) return;
  if (actor.role === 'subscriber' && actor.subscriberId === subscriberId) return;
  throw await refuse(db, actor, action, 'That account was not found.', { subscriberId }, 'not_found');
}

export async function requireRole(db: Queryable, actor: Actor, roles: Role[], action: string): Promise<void> {
  if (roles.includes(actor.role)) return;
  throw await refuse(db, actor, action, 'You do not have permission to do that.', { required: roles });
}
