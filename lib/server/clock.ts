import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { appSettings, testClocks, testFixtures } from '@/db/schema';
import type { Queryable } from '@/db/client';
import { config } from '@/lib/config';

/**
 * The one clock. In production it is the system clock. Elsewhere a test clock can shift it:
 * the offset is stored in the database so that every app instance agrees, and time keeps
 * flowing from the moment it was set.
 */
export const CLOCK_KEY = 'clock';
export type ClockSetting = { offsetMs: number };

export function clockFromSetting(value: unknown, realNow = Date.now()): Date {
  if (!config().testClockEnabled) return new Date(realNow);
  const offset = (value as ClockSetting | null | undefined)?.offsetMs;
  return new Date(realNow + (typeof offset === 'number' && Number.isFinite(offset) ? offset : 0));
}

/** SQL expression reading the clock setting, to fold into another query (saves a round trip). */
export const clockSettingSql = sql<ClockSetting | null>`(select ${appSettings.value} from ${appSettings} where ${appSettings.key} = ${CLOCK_KEY})`;

export async function readNow(db: Queryable): Promise<Date> {
  if (!config().testClockEnabled) return new Date();
  const rows = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, CLOCK_KEY));
  return clockFromSetting(rows[0]?.value);
}

export async function writeClockOffset(db: Queryable, offsetMs: number): Promise<void> {
  await db
    .insert(appSettings)
    .values({ key: CLOCK_KEY, value: { offsetMs } })
    .onConflictDoUpdate({ target: appSettings.key, set: { value: { offsetMs }, updatedAt: sql`now()` } });
}

/** The clock as an admin or a test suite sees it. */
export interface ClockState {
  enabled: boolean;
  now: string;
  offsetMs: number;
}

export async function readClockState(db: Queryable): Promise<ClockState> {
  const enabled = config().testClockEnabled;
  if (!enabled) return { enabled, now: new Date().toISOString(), offsetMs: 0 };
  const rows = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, CLOCK_KEY));
  const offset = (rows[0]?.value as ClockSetting | undefined)?.offsetMs ?? 0;
  return { enabled, now: new Date(Date.now() + offset).toISOString(), offsetMs: offset };
}

/**
 * "Now" for one subscription: the frozen time of the test clock its subscriber is attached to
 * (a test fixture, SPEC §12), otherwise `portalNow` (the portal's clock, already read for the
 * request). Every use case on one account reads its time through this (lib/server/context.ts),
 * so pages, offers, changes and bills of a clock-attached subscriber live at that clock's time.
 * In a deployment there are no test clocks: no query.
 */
export async function subscriberNow(db: Queryable, subscriberId: number, portalNow: Date): Promise<Date> {
  if (!config().testClockEnabled) return portalNow;
  const rows = await db
    .select({ at: testClocks.frozenTime })
    .from(testFixtures)
    .innerJoin(testClocks, eq(testClocks.id, testFixtures.clockId))
    .where(eq(testFixtures.subscriberId, subscriberId));
  return rows[0]?.at ?? portalNow;
}
