/**
 * Test fixtures and test clocks (SPEC §12, issue 22): two fixtures on two clocks advanced
 * differently each see their own bills and scheduled changes; the portal's daily job leaves
 * them alone; the demo subscribers are untouched; a removed fixture leaves no row behind; and
 * the bills and audit trail still refuse deletes for everyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { loadActor, type Actor } from '@/lib/server/actor';
import { offerAnalytics } from '@/lib/server/analytics';
import { recordAudit } from '@/lib/server/audit';
import { getBills } from '@/lib/server/bills';
import { writeClockOffset } from '@/lib/server/clock';
import { confirmChange, previewChange } from '@/lib/server/changes';
import { getDashboard } from '@/lib/server/dashboard';
import { runDailyJobs } from '@/lib/server/jobs/tasks';
import { TEST_CLOCK_ACTOR } from '@/lib/server/policy';
import { advanceTestClock, createTestClock, deleteTestClock, readTestClock } from '@/lib/server/test-clocks';
import { createFixture, deleteFixture, type FixtureView } from '@/lib/server/test-fixtures';
import { actorFor, rejection, useTestDb } from './support/actors';
import { createTestDb, drivers, type TestDb } from './support/db';

const SUITE = TEST_CLOCK_ACTOR;
const HISTORY = Array.from({ length: 3 }, () => ({
  ldMinutes: 240,
  intlMinutes: 0,
  unansweredCalls: 12,
  missedWhileBusy: 0,
}));
const NONE = { ldMinutes: 0, intlMinutes: 0, unansweredCalls: 0, missedWhileBusy: 0 };

/** Every row of the demo data that a fixture or a clock could touch, as text, to compare before and after. */
async function demoState(t: TestDb, fixtureIds: number[]) {
  const q = async (query: ReturnType<typeof sql>) =>
    JSON.stringify(((await t.db.execute(query)) as unknown as { rows: unknown[] }).rows);
  const not = fixtureIds.length ? sql`not in (${sql.join(fixtureIds, sql`, `)})` : sql`is not null`;
  return {
    subscriptions: await q(sql`select * from subscriptions where subscriber_id ${not} order by id`),
    bills: await q(
      sql`select id, number, subscriber_id, bill_date::text from bills where subscriber_id ${not} order by id`,
    ),
    ledger: await q(
      sql`select l.id, l.bill_id from ledger_lines l join subscriptions s on s.id = l.subscription_id where s.subscriber_id ${not} order by l.id`,
    ),
    scheduled: await q(
      sql`select c.id, c.status from scheduled_changes c join subscriptions s on s.id = c.subscription_id where s.subscriber_id ${not} order by c.id`,
    ),
  };
}

async function subscriberActor(t: TestDb, f: FixtureView): Promise<Actor> {
  const a = await loadActor(t.db, f.userId);
  if (!a) throw new Error('fixture user missing');
  return a;
}

/** Schedules the fixture's move from Premium to Basic at the end of its period (cheaper: scheduled). */
async function scheduleDowngrade(actor: Actor, subscriberId: number) {
  const target = { planCode: 'BASIC', addOns: [] };
  const p = await previewChange(actor, { subscriberId, target });
  expect(p.plan.timing).toBe('end_of_period');
  return confirmChange(actor, { subscriberId, target, version: p.version, idempotencyKey: p.idempotencyKey });
}

describe.each(drivers)('test fixtures and clocks on %s', (driver) => {
  let t: TestDb;

  beforeAll(async () => {
    t = await createTestDb(driver);
    useTestDb(t);
  });
  afterAll(async () => t?.destroy());

  it('two fixtures on two clocks advanced differently see their own bills and scheduled changes; the demo data is untouched', async () => {
    const clockA = await createTestClock(SUITE, { frozenTime: '2026-11-16T10:00:00Z', name: 'A' });
    const clockB = await createTestClock(SUITE, { frozenTime: '2026-11-16T10:00:00Z', name: 'B' });
    const make = (clockId: number) =>
      createFixture(SUITE, {
        plan: 'PREMIUM',
        addOns: [],
        billingDay: 1,
        history: HISTORY,
        currentUsage: { ...NONE, ldMinutes: 30 },
        clockId,
      });
    const fa = await make(clockA.id);
    const fb = await make(clockB.id);
    expect(fa.today).toBe('2026-11-16');
    expect(fa.period).toEqual({ start: '2026-11-01', end: '2026-12-01' });
    // The opening bill and one per boundary since: 2026-08-01, 09-01, 10-01, 11-01.
    expect(fa.bills).toBe(4);
    expect(fa.accountNumber).toMatch(/^SB-7\d{6,}$/);
    expect((await readTestClock(SUITE, clockA.id)).subscriberIds).toEqual([fa.subscriberId]);
    const before = await demoState(t, [fa.subscriberId, fb.subscriberId]);

    // Each fixture signs in at the portal's time, but its account lives at its clock's.
    const a = await subscriberActor(t, fa);
    const b = await subscriberActor(t, fb);
    await scheduleDowngrade(a, fa.subscriberId);
    await scheduleDowngrade(b, fb.subscriberId);
    const dashA = (await getDashboard(a, fa.subscriberId)).view;
    expect(dashA.period.start).toBe('2026-11-01');
    expect(dashA.period.daysLeft).toBe(15);
    expect(dashA.pending?.effectiveDate).toBe('2026-12-01');

    // A crosses the boundary; B moves to 3 days before it (the reminder's day).
    const advA = await advanceTestClock(SUITE, clockA.id, { to: '2026-12-02T09:00:00Z' });
    expect(advA).toMatchObject({ today: '2026-12-02', periodsClosed: 1, failed: [] });
    const advB = await advanceTestClock(SUITE, clockB.id, { to: '2026-11-28T09:00:00Z' });
    expect(advB).toMatchObject({ today: '2026-11-28', periodsClosed: 0, remindersWritten: 1 });

    const billsA = (await getBills(a, fa.subscriberId)).bills;
    const billsB = (await getBills(b, fb.subscriberId)).bills;
    expect(billsA.map((x) => x.billDate)).toEqual([
      '2026-12-01',
      '2026-11-01',
      '2026-10-01',
      '2026-09-01',
      '2026-08-01',
    ]);
    expect(billsB.map((x) => x.billDate)).toEqual(['2026-11-01', '2026-10-01', '2026-09-01', '2026-08-01']);
    // A's new bill: Basic in advance (the scheduled change applied at the boundary), Premium's 30 minutes included.
    expect(billsA[0]!.lines.map((l) => l.description).join(' | ')).toContain('Basic Line');

    const viewA = (await getDashboard(a, fa.subscriberId)).view;
    const viewB = (await getDashboard(b, fb.subscriberId)).view;
    expect(viewA.plan.code).toBe('BASIC');
    expect(viewA.pending).toBeNull();
    expect(viewA.period.start).toBe('2026-12-01');
    expect(viewB.plan.code).toBe('PREMIUM');
    expect(viewB.pending?.effectiveDate).toBe('2026-12-01');
    expect(viewB.period.daysLeft).toBe(3);
    const reminders = await t.db
      .select({ subscriberId: s.outboxEvents.subscriberId })
      .from(s.outboxEvents)
      .where(eq(s.outboxEvents.type, 'scheduled_change_reminder'));
    expect(reminders.map((r) => r.subscriberId)).toEqual([fb.subscriberId]);

    expect(await demoState(t, [fa.subscriberId, fb.subscriberId])).toEqual(before);

    // The portal's daily job, even with the portal's clock far ahead, leaves clock-attached subscribers alone.
    await writeClockOffset(t.db, Date.parse('2027-03-05T09:00:00Z') - Date.now());
    try {
      const daily = await runDailyJobs(t.db);
      expect(daily.periods).toBeGreaterThan(0);
      expect((await getDashboard(b, fb.subscriberId)).view.period.start).toBe('2026-11-01');
      expect((await getBills(b, fb.subscriberId)).bills).toHaveLength(4);
    } finally {
      await writeClockOffset(t.db, 0);
    }

    // A clock never goes back; a fixture on an unknown clock is refused.
    expect((await rejection(advanceTestClock(SUITE, clockA.id, { to: '2026-12-01T00:00:00Z' }))).code).toBe('invalid');
    expect(
      (
        await rejection(
          createFixture(SUITE, { plan: 'BASIC', addOns: [], history: [], currentUsage: NONE, clockId: 999_999 }),
        )
      ).code,
    ).toBe('invalid');

    // Removing a fixture removes every row it has; removing a clock removes its fixtures.
    await deleteFixture(SUITE, fa.subscriberId);
    const gone = await deleteTestClock(SUITE, clockB.id);
    expect(gone.fixturesDeleted).toEqual([fb.subscriberId]);
    await deleteTestClock(SUITE, clockA.id);
    const ids = [fa.subscriberId, fb.subscriberId];
    const userIds = [fa.userId, fb.userId];
    const left = {
      subscribers: await t.db.select().from(s.subscribers).where(inArray(s.subscribers.id, ids)),
      users: await t.db.select().from(s.users).where(inArray(s.users.id, userIds)),
      bills: await t.db.select().from(s.bills).where(inArray(s.bills.subscriberId, ids)),
      orders: await t.db.select().from(s.orders).where(inArray(s.orders.subscriberId, ids)),
      usage: await t.db.select().from(s.usagePeriods).where(inArray(s.usagePeriods.subscriberId, ids)),
      events: await t.db.select().from(s.outboxEvents).where(inArray(s.outboxEvents.subscriberId, ids)),
      offers: await t.db.select().from(s.offerEvents).where(inArray(s.offerEvents.subscriberId, ids)),
      audit: await t.db.select().from(s.auditEvents).where(inArray(s.auditEvents.subscriberId, ids)),
      fixtures: await t.db.select().from(s.testFixtures),
      clocks: await t.db.select().from(s.testClocks),
    };
    for (const [table, rows] of Object.entries(left)) expect(rows, table).toEqual([]);
    const kept = await t.db
      .select({ action: s.auditEvents.action })
      .from(s.auditEvents)
      .where(and(eq(s.auditEvents.actorRole, 'test-suite'), ne(s.auditEvents.action, 'test_clock.advance')))
      .orderBy(s.auditEvents.id);
    expect(kept.map((k) => k.action)).toEqual([
      'test_clock.create',
      'test_clock.create',
      'test_fixture.create',
      'test_fixture.create',
      'test_fixture.delete',
      'test_clock.delete',
      'test_clock.delete',
    ]);
  });

  it('only an admin or the suite may make fixtures and clocks; anything but a fixture is not found', async () => {
    const ada = await actorFor(t.db, 'ada@example.com');
    const agent = await actorFor(t.db, 'agent@example.com');
    const admin = await actorFor(t.db, 'admin@example.com');
    for (const who of [ada, agent]) {
      expect((await rejection(createTestClock(who, {}))).code).toBe('forbidden');
      expect(
        (await rejection(createFixture(who, { plan: 'BASIC', addOns: [], history: [], currentUsage: NONE }))).code,
      ).toBe('forbidden');
    }
    const f = await createFixture(admin, { plan: 'LEGACY', addOns: [], history: [], currentUsage: NONE });
    expect(f.bills).toBe(1);
    expect((await rejection(deleteFixture(admin, ada.subscriberId!))).code).toBe('not_found');
    expect((await rejection(deleteFixture(agent, f.subscriberId))).code).toBe('forbidden');
    expect(
      (
        await rejection(
          createFixture(admin, { plan: 'BASIC', addOns: ['ld_300', 'ld_unlimited'], history: [], currentUsage: NONE }),
        )
      ).code,
    ).toBe('invalid');
    await deleteFixture(admin, f.subscriberId);
  });

  it("a removed fixture's offer events leave no row of zeros in the offer analytics", async () => {
    const admin = await actorFor(t.db, 'admin@example.com');
    const f = await createFixture(admin, { plan: 'BASIC', addOns: [], history: [], currentUsage: NONE });
    const key = 'cross_sell:BASIC+fixture_only_offer';
    await t.db.insert(s.offerEvents).values({
      subscriberId: f.subscriberId,
      offerKey: key,
      kind: 'cross_sell',
      targetConfig: { planCode: 'BASIC', addOns: ['voicemail'] },
      eventType: 'impression',
      day: admin.today,
    });
    const listed = async () =>
      (await offerAnalytics(admin, { from: admin.today, to: admin.today })).rows.filter((r) => r.offerKey === key);
    expect((await listed()).map((r) => r.impressions)).toEqual([1]);
    await deleteFixture(admin, f.subscriberId);
    expect(await listed()).toEqual([]);
  });

  it('the bills and the audit trail still refuse deletes outside a fixture purge, even when the setting names a demo subscriber', async () => {
    const ada = (await t.db.select().from(s.subscribers).where(eq(s.subscribers.email, 'ada@example.com')))[0]!;
    await recordAudit(t.db, { actor: null, subscriberId: ada.id, action: 'note_added', outcome: 'ok' });
    const attempt = async (q: ReturnType<typeof sql>) => {
      const e = (await rejection(
        t.db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('switchboard.purge_fixture', ${String(ada.id)}, true)`);
          await tx.execute(q);
        }),
      )) as Error & { cause?: { message?: string } };
      return { message: `${e.message} ${e.cause?.message ?? ''}` };
    };
    expect((await attempt(sql`delete from bills where subscriber_id = ${ada.id}`)).message).toMatch(/kept once issued/);
    expect((await attempt(sql`delete from audit_events where subscriber_id = ${ada.id}`)).message).toMatch(
      /append-only/,
    );
    expect(
      (
        await attempt(
          sql`delete from ledger_lines where bill_id is not null and subscription_id in (select id from subscriptions where subscriber_id = ${ada.id})`,
        )
      ).message,
    ).toMatch(/is on a bill/);
    const remaining = await t.db
      .select({ id: s.bills.id })
      .from(s.bills)
      .where(notInArray(s.bills.subscriberId, [0]));
    expect(remaining.length).toBeGreaterThan(0);
  });
});
