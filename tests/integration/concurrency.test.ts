/**
 * Exactly once and no lost updates under real concurrency (spec section 3). PGlite runs one
 * connection, so the concurrent cases need PostgreSQL (TEST_DATABASE_URL); the sequential
 * chain runs on every driver.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { allConfigurations, configKey, sameConfiguration } from '@/lib/domain/catalog';
import { monthlyRecurringCents } from '@/lib/domain/pricing';
import { prorationLines } from '@/lib/domain/changes';
import { recurringLines } from '@/lib/domain/rollover';
import type { Catalog, Configuration } from '@/lib/domain/types';
import { loadAccount } from '@/lib/server/account';
import { rolloverDue } from '@/lib/server/billing';
import { getCatalog } from '@/lib/server/catalog';
import { confirmChange, previewChange, type ConfirmResult, type Preview } from '@/lib/server/changes';
import { AppError } from '@/lib/server/errors';
import { createTestDb, drivers, type TestDb } from './support/db';
import {
  actorFor,
  configOf,
  createSubscriber,
  ledgerOf,
  on,
  ordersOf,
  subscriptionOf,
  useTestDb,
} from './support/actors';

const TODAY = '2026-11-16';
const cfg = (planCode: string, ...addOns: string[]): Configuration => ({ planCode, addOns });
const pg = !!process.env.TEST_DATABASE_URL;

if (!pg) {
  console.warn(
    '[concurrency.test] SKIPPED the concurrent-confirm and concurrent-rollover tests: TEST_DATABASE_URL is not set. ' +
      'They need PostgreSQL (PGlite has a single connection, so nothing runs concurrently). ' +
      'Run with TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to include them.',
  );
}

function confirmPreview(
  actor: Parameters<typeof confirmChange>[0],
  p: Preview,
  extra: { reason?: string; applyNow?: boolean; idempotencyKey?: string } = {},
) {
  return confirmChange(actor, {
    subscriberId: p.subscriberId,
    target: p.plan.target,
    version: p.version,
    idempotencyKey: p.idempotencyKey,
    ...extra,
  });
}

/** Deterministic pseudo-random picks. */
function picker(seed: number) {
  let a = seed >>> 0;
  return <T>(xs: T[]): T => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return xs[Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * xs.length)]!;
  };
}

describe.each(drivers)('a chain of 20 changes applied one after another on %s', (driver) => {
  let t: TestDb;
  let catalog: Catalog;
  beforeAll(async () => {
    t = await createTestDb(driver, { today: TODAY, generated: 0 });
    useTestDb(t);
    catalog = await getCatalog(t.db);
  });
  beforeEach(() => useTestDb(t));
  afterAll(async () => t?.destroy());

  it('books exactly the previewed proration of each change and ends on the last target', async () => {
    const agent = await actorFor(t.db, 'agent@example.com');
    const f = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC') });
    const active = allConfigurations(
      catalog,
      catalog.plans.filter((p) => p.status === 'active').map((p) => p.code),
    );
    const pick = picker(7);
    let current = cfg('BASIC');
    let expectedTotal = 0;
    const orderIds: number[] = [];
    for (let i = 0; i < 20; i++) {
      let target: Configuration;
      do target = pick(active);
      while (sameConfiguration(target, current));
      // One change a day, 2026-11-02 … 2026-11-21, some of them on the same day as the last.
      const day = `2026-11-${String(2 + Math.floor(i * 0.9)).padStart(2, '0')}`;
      const actor = on(agent, day);
      const preview = await previewChange(actor, { subscriberId: f.subscriberId, target, applyNow: true });
      expect(preview.plan.timing).toBe('now');
      const r = await confirmPreview(actor, preview, { applyNow: true, reason: `chain step ${i + 1}` });
      expect(r.status).toBe('applied');
      orderIds.push(r.orderId);
      expectedTotal += preview.plan.prorationTotalCents;
      const lines = (await ledgerOf(t.db, f.subscriptionId)).filter((l) => l.orderId === r.orderId);
      expect(lines.map((l) => [l.itemCode, l.amountCents])).toEqual(
        preview.plan.prorationLines.map((l) => [l.code, l.amountCents]),
      );
      current = preview.plan.target;
    }
    const proration = (await ledgerOf(t.db, f.subscriptionId)).filter((l) => l.kind === 'proration');
    expect(proration.every((l) => l.billPeriodStart === '2026-12-01')).toBe(true);
    expect(proration.reduce((sum, l) => sum + l.amountCents, 0)).toBe(expectedTotal);
    expect(await configOf(t.db, f.subscriptionId)).toEqual(current);
    const orders = await ordersOf(t.db, f.subscriptionId);
    expect(orders.map((o) => o.id)).toEqual(orderIds);
    expect(orders.reduce((sum, o) => sum + o.totalCents, 0)).toBe(expectedTotal);
    // Each order starts where the previous one ended: no change was lost or applied twice.
    for (let i = 1; i < orders.length; i++)
      expect(configKey(orders[i]!.fromConfig)).toBe(configKey(orders[i - 1]!.toConfig));
    expect((await subscriptionOf(t.db, f.subscriberId)).version).toBe(1 + 20);

    // The next bill is the new steady price plus everything prorated, whoever books it.
    await rolloverDue(t.db, catalog, '2026-12-01');
    const bill = (await ledgerOf(t.db, f.subscriptionId)).filter((l) => l.billPeriodStart === '2026-12-01');
    expect(bill.reduce((sum, l) => sum + l.amountCents, 0)).toBe(
      monthlyRecurringCents(catalog, current) + expectedTotal,
    );
  });
});

describe.skipIf(!pg)('concurrent confirms and rollovers on PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let t: TestDb;
  let catalog: Catalog;
  beforeAll(async () => {
    t = await createTestDb('pg', { today: TODAY, poolMax: 25 });
    useTestDb(t);
    catalog = await getCatalog(t.db);
  });
  beforeEach(() => useTestDb(t));
  afterAll(async () => t?.destroy());

  it('20 concurrent confirms of different changes from the same version: exactly one applies, the rest are stale', async () => {
    const f = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC') });
    const actor = await actorFor(t.db, f.email);
    const before = await subscriptionOf(t.db, f.subscriberId);
    const ledgerBefore = await ledgerOf(t.db, f.subscriptionId);
    // 20 different upgrades (each takes effect now), all previewed before any confirm.
    const targets = allConfigurations(catalog, ['BASIC', 'PLUS', 'PREMIUM'])
      .filter((c) => !sameConfiguration(c, cfg('BASIC')))
      .filter((_, i) => i % 3 === 0)
      .slice(0, 20);
    expect(targets).toHaveLength(20);
    const previews = await Promise.all(
      targets.map((target) => previewChange(actor, { subscriberId: f.subscriberId, target })),
    );
    expect(new Set(previews.map((p) => p.version))).toEqual(new Set([before.version]));

    const settled = await Promise.allSettled(previews.map((p) => confirmPreview(actor, p)));
    const applied = settled.flatMap((s, i) =>
      s.status === 'fulfilled' ? [{ result: s.value, preview: previews[i]! }] : [],
    );
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    expect(applied).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const e of refused) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('stale');
    }
    const winner = applied[0]!;
    expect(winner.result.status).toBe(winner.preview.plan.timing === 'now' ? 'applied' : 'scheduled');

    // The ledger and the subscription agree with the one change that won.
    expect(await ordersOf(t.db, f.subscriptionId)).toHaveLength(1);
    expect(await configOf(t.db, f.subscriptionId)).toEqual(winner.preview.plan.target);
    expect((await subscriptionOf(t.db, f.subscriberId)).version).toBe(before.version + 1);
    const ledger = await ledgerOf(t.db, f.subscriptionId);
    const added = ledger.slice(ledgerBefore.length);
    expect(added.map((l) => [l.kind, l.itemCode, l.amountCents, l.orderId])).toEqual(
      winner.preview.plan.prorationLines.map((l) => ['proration', l.code, l.amountCents, winner.result.orderId]),
    );
  });

  it('20 concurrent confirms with one idempotency key: one order, every caller gets its result', async () => {
    const f = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC') });
    const actor = await actorFor(t.db, f.email);
    const ledgerBefore = await ledgerOf(t.db, f.subscriptionId);
    const preview = await previewChange(actor, { subscriberId: f.subscriberId, target: cfg('PREMIUM', 'ld_300') });
    const results = await Promise.all(Array.from({ length: 20 }, () => confirmPreview(actor, preview)));
    const orders = await ordersOf(t.db, f.subscriptionId);
    expect(orders).toHaveLength(1);
    expect(new Set(results.map((r) => r.orderId))).toEqual(new Set([orders[0]!.id]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(results.filter((r) => r.replayed)).toHaveLength(19);
    const { replayed: _ignored, ...first } = results.find((r) => !r.replayed)!;
    for (const r of results) expect({ ...r, replayed: false }).toEqual({ ...first, replayed: false });
    const added = (await ledgerOf(t.db, f.subscriptionId)).slice(ledgerBefore.length);
    expect(added.map((l) => [l.itemCode, l.amountCents])).toEqual(
      preview.plan.prorationLines.map((l) => [l.code, l.amountCents]),
    );
    expect(await configOf(t.db, f.subscriptionId)).toEqual(cfg('PREMIUM', 'ld_300'));
  });

  it('rollover jobs, readers and confirms at a period boundary: each period booked once, every confirm applied on the new period', async () => {
    const day = '2026-12-03';
    const subs: {
      id: Awaited<ReturnType<typeof createSubscriber>>;
      atBoundary: Configuration;
      target: Configuration;
    }[] = [];
    for (let i = 0; i < 6; i++) {
      const scheduled = i % 2 === 0;
      const f = await createSubscriber(t.db, { billingDay: 1, config: scheduled ? cfg('PREMIUM') : cfg('BASIC') });
      if (scheduled) {
        // A downgrade scheduled for 2026-12-01 that the boundary applies.
        const me = await actorFor(t.db, f.email);
        const r = await confirmPreview(
          me,
          await previewChange(me, { subscriberId: f.subscriberId, target: cfg('BASIC') }),
        );
        expect(r.status).toBe('scheduled');
      }
      subs.push({ id: f, atBoundary: cfg('BASIC'), target: i % 4 < 2 ? cfg('BASIC', 'voicemail') : cfg('PLUS') });
    }
    // The version a preview made just after the boundary would carry: the rollover bumps it once.
    const versions = await Promise.all(
      subs.map(async (x) => (await subscriptionOf(t.db, x.id.subscriberId)).version + 1),
    );
    const actors = await Promise.all(subs.map((x) => actorFor(t.db, x.id.email, day)));

    // 4 jobs, 2 readers and 1 confirm per subscriber, all at once (22 connections).
    const jobs = Array.from({ length: 4 }, () => rolloverDue(t.db, catalog, day));
    const readers = subs.flatMap((x) => [
      loadAccount(t.db, catalog, x.id.subscriberId, day),
      loadAccount(t.db, catalog, x.id.subscriberId, day),
    ]);
    const confirming = subs.map((x, i) =>
      confirmChange(actors[i]!, {
        subscriberId: x.id.subscriberId,
        target: x.target,
        version: versions[i]!,
        idempotencyKey: randomUUID(),
      }),
    );
    const settled = await Promise.allSettled([...jobs, ...readers, ...confirming]);
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
    expect(failures.map((e) => e.message)).toEqual([]);
    const jobResults = settled
      .slice(0, jobs.length)
      .map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof rolloverDue>>>).value);
    expect(jobResults.every((r) => r.failed.length === 0)).toBe(true);
    const confirms = settled
      .slice(jobs.length + readers.length)
      .map((s) => (s as PromiseFulfilledResult<ConfirmResult>).value);
    expect(confirms.every((r) => r.status === 'applied' && r.effectiveDate === day)).toBe(true);

    for (const [i, x] of subs.entries()) {
      const ledger = await ledgerOf(t.db, x.id.subscriptionId);
      const recurring = ledger.filter((l) => l.kind === 'recurring');
      const periods = [...new Set(recurring.map((l) => l.billPeriodStart))].sort();
      expect(periods).toEqual(['2026-11-01', '2026-12-01']);
      // December is billed in advance with the configuration in force at the boundary, once.
      expect(
        recurring.filter((l) => l.billPeriodStart === '2026-12-01').map((l) => [l.itemCode, l.amountCents]),
      ).toEqual(
        recurringLines(catalog, x.atBoundary, { start: '2026-12-01', end: '2027-01-01', days: 31 }).map((l) => [
          l.code,
          l.amountCents,
        ]),
      );
      // The confirm was planned on the new period: prorated over December, on the January bill.
      const proration = ledger.filter((l) => l.kind === 'proration');
      expect(proration.every((l) => l.billPeriodStart === '2027-01-01' && l.orderId === confirms[i]!.orderId)).toBe(
        true,
      );
      const december = { start: '2026-12-01', end: '2027-01-01', days: 31 };
      expect(proration.map((l) => [l.itemCode, l.amountCents])).toEqual(
        prorationLines(catalog, x.atBoundary, x.target, december, day).map((l) => [l.code, l.amountCents]),
      );
      expect(await configOf(t.db, x.id.subscriptionId)).toEqual(x.target);
      expect(await subscriptionOf(t.db, x.id.subscriberId)).toMatchObject({
        periodStart: '2026-12-01',
        periodEnd: '2027-01-01',
        version: versions[i]! + 1,
      });
    }
    const twice = await t.db.execute(
      sql`select subscription_id from ledger_lines where kind = 'recurring' group by subscription_id, bill_period_start, item_type, item_code having count(*) > 1`,
    );
    expect((twice as unknown as { rows: unknown[] }).rows).toEqual([]);
  });
});
