import 'server-only';
import { cache } from 'react';
import { getServerSession } from 'next-auth';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
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
