import 'server-only';
import { asc, eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { config } from '@/lib/config';
import { dayOf } from '@/lib/domain/periods';
import type { Day } from '@/lib/domain/types';
import { recordAudit } from './audit';
import { rolloverSubscription } from './billing';
import { catalogOfDay } from '@/lib/domain/catalog';
import { readCatalogVersions } from './catalog';
import { readNow } from './clock';
import { getDb, withTransaction } from './db';
import { AppError } from './errors';
import { queueReminders } from './jobs/tasks';
import { log } from './log';
import { authorize, type Principal } from './policy';
import { purgeFixtures } from './test-fixtures';

/**
 * Test clocks (SPEC §12; never in a deployment), as Stripe has them: a clock is an object with
 * a frozen time; the fixtures attached to it (lib/server/test-fixtures.ts) live at that time
 * and nobody else does. Advancing it runs, for its subscribers alone and at its time, what the
 * portal's daily job runs for everyone else: period rollover and billing, then the reminders.
 * The daily job skips them (lib/server/billing.ts onTestClock).
 */

export interface TestClockView {
  id: number;
  name: string;
  frozenTime: string;
  today: Day;
  subscriberIds: number[];
}

export interface AdvanceResult extends TestClockView {
  periodsClosed: number;
  remindersWritten: number;
  /** Subscribers whose periods could not be closed (logged; e.g. a scheduled change whose target left the catalog). */
  failed: number[];
}

/** How far a clock may be from the real time, and how far one advance may move it. */
const MAX_FROM_REAL_MS = 20 * 365 * 86_400_000;
const MAX_ADVANCE_MS = 3 * 366 * 86_400_000;

function requireTestSupport(): void {
  if (!config().testClockEnabled) throw new AppError('not_found', 'Not found.');
}

function parseTime(raw: string, field: string): Date {
  const at = Date.parse(raw);
  if (!Number.isFinite(at))
    throw new AppError('invalid', 'Give the time as an ISO date, e.g. 2026-12-01T09:00:00Z.', {
      [field]: ['Not a date.'],
    });
  if (Math.abs(at - Date.now()) > MAX_FROM_REAL_MS)
    throw new AppError('invalid', 'A test clock can be at most 20 years from the real time.', {
      [field]: ['Too far from now.'],
    });
  return new Date(at);
}

async function view(db: Queryable, id: number): Promise<TestClockView | null> {
  const clock = (await db.select().from(s.testClocks).where(eq(s.testClocks.id, id)))[0];
  if (!clock) return null;
  const attached = await db
    .select({ id: s.testFixtures.subscriberId })
    .from(s.testFixtures)
    .where(eq(s.testFixtures.clockId, id))
    .orderBy(asc(s.testFixtures.subscriberId));
  return {
    id: clock.id,
    name: clock.name,
    frozenTime: clock.frozenTime.toISOString(),
    today: dayOf(clock.frozenTime),
    subscriberIds: attached.map((a) => a.id),
  };
}

const notFound = () => new AppError('not_found', 'There is no test clock with that id.');

/** POST /api/v1/test/clocks: a clock frozen at `frozenTime` (default: the portal's now). */
export async function createTestClock(
  principal: Principal,
  input: { frozenTime?: string; name?: string },
): Promise<TestClockView> {
  requireTestSupport();
  const db = await getDb();
  await authorize(principal, 'manage_test_clocks', {}, { db });
  const at = input.frozenTime === undefined ? await readNow(db) : parseTime(input.frozenTime, 'frozenTime');
  return withTransaction(async (tx) => {
    const [row] = await tx
      .insert(s.testClocks)
      .values({ name: input.name ?? 'Test clock', frozenTime: at })
      .returning({ id: s.testClocks.id });
    await recordAudit(tx, {
      actor: principal,
      action: 'test_clock.create',
      outcome: 'ok',
      detail: { clockId: row!.id },
      after: { frozenTime: at.toISOString() },
    });
    return (await view(tx, row!.id))!;
  });
}

export async function readTestClock(principal: Principal, id: number): Promise<TestClockView> {
  requireTestSupport();
  const db = await getDb();
  await authorize(principal, 'manage_test_clocks', {}, { db });
  const v = await view(db, id);
  if (!v) throw notFound();
  return v;
}

/**
 * POST /api/v1/test/clocks/{id}/advance: moves the clock forward to `to` and, before it
 * answers, closes every period of its subscribers that has ended by the clock's new day (the
 * scheduled changes due apply, bills are issued) and writes the reminders now due for them. The
 * outbox delivers the resulting email as usual. A clock never goes back.
 */
export async function advanceTestClock(
  principal: Principal,
  id: number,
  input: { to: string },
): Promise<AdvanceResult> {
  requireTestSupport();
  const db = await getDb();
  await authorize(principal, 'manage_test_clocks', {}, { db });
  const to = parseTime(input.to, 'to');
  const before = await withTransaction(async (tx) => {
    const clock = (await tx.select().from(s.testClocks).where(eq(s.testClocks.id, id)).for('update'))[0];
    if (!clock) throw notFound();
    if (to.getTime() < clock.frozenTime.getTime())
      throw new AppError('invalid', 'A test clock only moves forward: give a time at or after its frozen time.', {
        to: ['Before the clock’s time.'],
      });
    if (to.getTime() - clock.frozenTime.getTime() > MAX_ADVANCE_MS)
      throw new AppError('invalid', 'Advance a test clock by at most three years at a time.', {
        to: ['Too far ahead.'],
      });
    await tx.update(s.testClocks).set({ frozenTime: to }).where(eq(s.testClocks.id, id));
    await recordAudit(tx, {
      actor: principal,
      action: 'test_clock.advance',
      outcome: 'ok',
      detail: { clockId: id },
      before: { frozenTime: clock.frozenTime.toISOString() },
      after: { frozenTime: to.toISOString() },
    });
    return clock.frozenTime;
  });
  const today = dayOf(to);
  // Each boundary with the catalog version of its day and the holder's prices (issue 20).
  const versions = await readCatalogVersions(db);
  const subs = await db
    .select({ subscriptionId: s.subscriptions.id, subscriberId: s.subscriptions.subscriberId })
    .from(s.testFixtures)
    .innerJoin(s.subscriptions, eq(s.subscriptions.subscriberId, s.testFixtures.subscriberId))
    .where(eq(s.testFixtures.clockId, id))
    .orderBy(asc(s.subscriptions.id));
  let periodsClosed = 0;
  const failed: number[] = [];
  for (const sub of subs) {
    try {
      periodsClosed += await rolloverSubscription(db, versions, sub.subscriptionId, today);
    } catch (e) {
      failed.push(sub.subscriberId);
      log.error(`[test clock ${id}] subscriber ${sub.subscriberId} could not be closed on ${today}`, e);
    }
  }
  const remindersWritten = await queueReminders(db, catalogOfDay(versions, today), today, { testClockId: id });
  log.info(
    `[test clock ${id}] ${before.toISOString()} → ${to.toISOString()}: ${periodsClosed} period(s) closed, ${remindersWritten} reminder(s)`,
  );
  const v = await view(db, id);
  if (!v) throw notFound();
  return { ...v, periodsClosed, remindersWritten, failed };
}

/** DELETE /api/v1/test/clocks/{id}: the clock and every fixture on it, with all their rows (as Stripe deletes a clock's customers). */
export async function deleteTestClock(
  principal: Principal,
  id: number,
): Promise<{ deleted: number; fixturesDeleted: number[] }> {
  requireTestSupport();
  const db = await getDb();
  await authorize(principal, 'manage_test_clocks', {}, { db });
  return withTransaction(async (tx) => {
    const clock = (await tx.select().from(s.testClocks).where(eq(s.testClocks.id, id)).for('update'))[0];
    if (!clock) throw notFound();
    const attached = (
      await tx.select({ id: s.testFixtures.subscriberId }).from(s.testFixtures).where(eq(s.testFixtures.clockId, id))
    ).map((r) => r.id);
    await purgeFixtures(tx, attached);
    await tx.delete(s.testClocks).where(eq(s.testClocks.id, id));
    await recordAudit(tx, {
      actor: principal,
      action: 'test_clock.delete',
      outcome: 'ok',
      detail: { clockId: id, fixturesDeleted: attached },
    });
    return { deleted: id, fixturesDeleted: attached };
  });
}

/** A clock id from a URL segment; anything else is "not found". */
export function parseClockId(raw: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw notFound();
  return Number(raw);
}
