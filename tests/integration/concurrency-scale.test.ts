/**
 * Exactly once and no lost updates at scale, on PostgreSQL (spec section 3), with a pool of 60
 * connections so the calls really run at the same time:
 * - 100 concurrent confirms with one idempotency key → one order;
 * - 50 callers each making a different change to one subscription at the same time, each
 *   retrying with a fresh preview when refused as stale (as the UI offers): the changes are
 *   accepted one after another, and the final configuration, the orders and the ledger agree
 *   with that sequence (no duplicate or lost line);
 * - rollover jobs racing with confirms (each retrying on stale) at a period boundary → every
 *   period booked once, every confirm applied on the new period.
 * PGlite has a single connection, so nothing there runs concurrently: these are skipped
 * without TEST_DATABASE_URL (tests/integration/concurrency.test.ts has the sequential chain).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { allConfigurations, configKey, sameConfiguration } from '@/lib/domain/catalog';
import { recurringLines } from '@/lib/domain/rollover';
import type { Catalog, Configuration } from '@/lib/domain/types';
import type { Actor } from '@/lib/server/actor';
import { rolloverDue } from '@/lib/server/billing';
import { getCatalog } from '@/lib/server/catalog';
import { confirmChange, previewChange, type ConfirmResult, type Preview } from '@/lib/server/changes';
import { AppError } from '@/lib/server/errors';
import { createTestDb, type TestDb } from './support/db';
import {
  actorFor,
  configOf,
  createSubscriber,
  ledgerOf,
  on,
  ordersOf,
  scheduledOf,
  subscriptionOf,
  useTestDb,
} from './support/actors';

const TODAY = '2026-11-16';
const POOL = 60;
const cfg = (planCode: string, ...addOns: string[]): Configuration => ({ planCode, addOns });
const pg = !!process.env.TEST_DATABASE_URL;

if (!pg) {
  console.warn(
    '[concurrency-scale.test] SKIPPED: TEST_DATABASE_URL is not set. 100 concurrent confirms, 50 concurrent changes and rollover racing confirms need ' +
      'PostgreSQL (PGlite has one connection, so nothing runs concurrently). Run with TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test.',
  );
}

interface Accepted {
  caller: number;
  preview: Preview;
  result: ConfirmResult;
  attempts: number;
}

/**
 * One caller: preview, confirm; on 'stale' preview again (a fresh version and key) and retry,
 * as a person following "Here is a fresh preview" would. Returns the accepted preview and result.
 */
async function changeWithRetry(
  actor: Actor,
  subscriberId: number,
  target: Configuration,
  caller: number,
  extra: { applyNow?: boolean; reason?: string } = {},
  maxAttempts = 500,
): Promise<Accepted> {
  for (let attempts = 1; attempts <= maxAttempts; attempts++) {
    const preview = await previewChange(actor, { subscriberId, target, applyNow: extra.applyNow });
    try {
      const result = await confirmChange(actor, {
        subscriberId,
        target: preview.plan.target,
        version: preview.version,
        idempotencyKey: preview.idempotencyKey,
        ...extra,
      });
      return { caller, preview, result, attempts };
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'stale') throw e;
      // Someone else's change went first; a little jitter so retries don't march in lockstep.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5)));
    }
  }
  throw new Error(`caller ${caller}: still stale after ${maxAttempts} attempts`);
}

describe.skipIf(!pg)(`concurrency at scale on PostgreSQL (pool of ${POOL}; skipped without TEST_DATABASE_URL)`, () => {
  let t: TestDb;
  let catalog: Catalog;
  beforeAll(async () => {
    t = await createTestDb('pg', { today: TODAY, poolMax: POOL, generated: 0 });
    useTestDb(t);
    catalog = await getCatalog(t.db);
  });
  beforeEach(() => useTestDb(t));
  afterAll(async () => t?.destroy());

  it('the pool really holds 50+ connections at once', async () => {
    const pids = await Promise.all(
      Array.from({ length: 50 }, () =>
        t.db.transaction(async (tx) => {
          const r = await tx.execute(sql`select pg_backend_pid() as pid, pg_sleep(0.2)`);
          return (r as unknown as { rows: { pid: number }[] }).rows[0]!.pid;
        }),
      ),
    );
    expect(new Set(pids).size).toBe(50);
  });

  it('100 concurrent confirms with one idempotency key: one order, one set of ledger lines, every caller gets its result', async () => {
    const f = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC') });
    const actor = await actorFor(t.db, f.email);
    const ledgerBefore = await ledgerOf(t.db, f.subscriptionId);
    const preview = await previewChange(actor, { subscriberId: f.subscriberId, target: cfg('PREMIUM', 'ld_300') });
    expect(preview.plan.prorationLines.length).toBeGreaterThan(0);
    const settled = await Promise.allSettled(
      Array.from({ length: 100 }, () =>
        confirmChange(actor, {
          subscriberId: f.subscriberId,
          target: preview.plan.target,
          version: preview.version,
          idempotencyKey: preview.idempotencyKey,
        }),
      ),
    );
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    expect(failures).toEqual([]);
    const results = settled.map((s) => (s as PromiseFulfilledResult<ConfirmResult>).value);

    const orders = await ordersOf(t.db, f.subscriptionId);
    expect(orders).toHaveLength(1);
    expect(new Set(results.map((r) => r.orderId))).toEqual(new Set([orders[0]!.id]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(results.filter((r) => r.replayed)).toHaveLength(99);
    const added = (await ledgerOf(t.db, f.subscriptionId)).slice(ledgerBefore.length);
    expect(added.map((l) => [l.itemCode, l.amountCents, l.orderId])).toEqual(
      preview.plan.prorationLines.map((l) => [l.code, l.amountCents, orders[0]!.id]),
    );
    expect(await configOf(t.db, f.subscriptionId)).toEqual(cfg('PREMIUM', 'ld_300'));
    expect((await subscriptionOf(t.db, f.subscriberId)).version).toBe(preview.version + 1);
  });

  it('50 concurrent different changes, each retried on stale with a fresh preview: accepted one after another, configuration and ledger agree with that sequence', async () => {
    const agent = await actorFor(t.db, 'agent@example.com');
    const actor = on(agent, TODAY);
    const start = cfg('BASIC');
    const f = await createSubscriber(t.db, { billingDay: 1, config: start });
    const v0 = (await subscriptionOf(t.db, f.subscriberId)).version;
    const ledgerBefore = await ledgerOf(t.db, f.subscriptionId);
    // 50 different valid configurations on active plans (none equal to any other, none the start).
    const targets = allConfigurations(
      catalog,
      catalog.plans.filter((p) => p.status === 'active').map((p) => p.code),
    ).filter((c) => !sameConfiguration(c, start));
    expect(targets.length).toBeGreaterThanOrEqual(50);
    const picked = targets.filter((_, i) => i % Math.floor(targets.length / 50) === 0).slice(0, 50);
    expect(new Set(picked.map(configKey)).size).toBe(50);

    // Every change takes effect now (an agent, with a reason), so each books proration lines.
    const t0 = Date.now();
    const accepted = await Promise.all(
      picked.map((target, i) =>
        changeWithRetry(actor, f.subscriberId, target, i, { applyNow: true, reason: `concurrent caller ${i}` }),
      ),
    );
    const attempts = accepted.reduce((n, a) => n + a.attempts, 0);
    console.log(
      `[concurrency-scale] 50 concurrent changes accepted after ${attempts} confirm attempts (${attempts - 50} refused as stale) in ${Date.now() - t0} ms`,
    );
    expect(accepted.every((a) => a.result.status === 'applied' && !a.result.replayed)).toBe(true);

    // The sequence: each accepted confirm carried a distinct version v0, v0+1, …, v0+49.
    const sequence = [...accepted].sort((a, b) => a.preview.version - b.preview.version);
    expect(sequence.map((a) => a.preview.version)).toEqual(Array.from({ length: 50 }, (_, i) => v0 + i));
    // Each change was planned from the previous one's target (the preview of the accepted
    // confirm is exactly what was applied: from = the previous target).
    let current = start;
    for (const a of sequence) {
      expect(configKey(a.preview.plan.current)).toBe(configKey(current));
      current = a.preview.plan.target;
    }

    const orders = await ordersOf(t.db, f.subscriptionId);
    expect(orders).toHaveLength(50);
    expect(orders.map((o) => o.id)).toEqual(sequence.map((a) => a.result.orderId));
    for (const [i, o] of orders.entries()) {
      expect(configKey(o.fromConfig)).toBe(configKey(sequence[i]!.preview.plan.current));
      expect(configKey(o.toConfig)).toBe(configKey(sequence[i]!.preview.plan.target));
      expect(o.totalCents).toBe(sequence[i]!.preview.plan.prorationTotalCents);
    }
    expect(await configOf(t.db, f.subscriptionId)).toEqual(current);
    expect((await subscriptionOf(t.db, f.subscriberId)).version).toBe(v0 + 50);

    // The ledger: exactly the previewed lines of each accepted change, no more, no fewer.
    const added = (await ledgerOf(t.db, f.subscriptionId)).slice(ledgerBefore.length);
    expect(added.every((l) => l.kind === 'proration' && l.billPeriodStart === '2026-12-01')).toBe(true);
    const expectedLines = sequence
      .flatMap((a) => a.preview.plan.prorationLines.map((l) => `${a.result.orderId} ${l.code} ${l.amountCents}`))
      .sort();
    expect(added.map((l) => `${l.orderId} ${l.itemCode} ${l.amountCents}`).sort()).toEqual(expectedLines);
    expect(added.reduce((s, l) => s + l.amountCents, 0)).toBe(
      sequence.reduce((s, a) => s + a.preview.plan.prorationTotalCents, 0),
    );
  });

  it('rollover jobs racing with 40 confirms (retried on stale) at a period boundary: each period booked once, each confirm applied once on the new period', async () => {
    const day = '2026-12-03';
    const december = { start: '2026-12-01', end: '2027-01-01', days: 31 };
    const subs: {
      id: Awaited<ReturnType<typeof createSubscriber>>;
      atBoundary: Configuration;
      target: Configuration;
    }[] = [];
    for (let i = 0; i < 40; i++) {
      const scheduled = i % 2 === 0;
      const f = await createSubscriber(t.db, { billingDay: 1, config: scheduled ? cfg('PREMIUM') : cfg('BASIC') });
      if (scheduled) {
        const me = await actorFor(t.db, f.email);
        const p = await previewChange(me, { subscriberId: f.subscriberId, target: cfg('BASIC') });
        expect(
          (
            await confirmChange(me, {
              subscriberId: f.subscriberId,
              target: p.plan.target,
              version: p.version,
              idempotencyKey: p.idempotencyKey,
            })
          ).status,
        ).toBe('scheduled');
      }
      subs.push({
        id: f,
        atBoundary: cfg('BASIC'),
        target: i % 4 < 2 ? cfg('BASIC', 'voicemail') : cfg('PLUS', 'ld_300'),
      });
    }
    const actors = await Promise.all(subs.map((x) => actorFor(t.db, x.id.email, day)));

    // 6 rollover jobs and 40 callers at once; a caller whose preview was made before the
    // rollover bumped the version is refused as stale and previews again.
    const jobs = Array.from({ length: 6 }, () => rolloverDue(t.db, catalog, day));
    const callers = subs.map((x, i) => changeWithRetry(actors[i]!, x.id.subscriberId, x.target, i));
    const settled = await Promise.allSettled([...jobs, ...callers]);
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as Error).message)] : []));
    expect(failures).toEqual([]);
    const jobResults = settled
      .slice(0, jobs.length)
      .map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof rolloverDue>>>).value);
    expect(jobResults.flatMap((r) => r.failed)).toEqual([]);
    const accepted = settled.slice(jobs.length).map((s) => (s as PromiseFulfilledResult<Accepted>).value);

    for (const [i, x] of subs.entries()) {
      const a = accepted[i]!;
      expect(a.result).toMatchObject({ status: 'applied', effectiveDate: day });
      // Planned on the new period, from the configuration in force after the boundary.
      expect(configKey(a.preview.plan.current)).toBe(configKey(x.atBoundary));
      const ledger = await ledgerOf(t.db, x.id.subscriptionId);
      const recurring = ledger.filter((l) => l.kind === 'recurring');
      expect([...new Set(recurring.map((l) => l.billPeriodStart))].sort()).toEqual(['2026-11-01', '2026-12-01']);
      expect(
        recurring.filter((l) => l.billPeriodStart === '2026-12-01').map((l) => [l.itemCode, l.amountCents]),
      ).toEqual(recurringLines(catalog, x.atBoundary, december).map((l) => [l.code, l.amountCents]));
      const proration = ledger.filter((l) => l.kind === 'proration');
      expect(proration.map((l) => [l.orderId, l.billPeriodStart, l.itemCode, l.amountCents])).toEqual(
        a.preview.plan.prorationLines.map((l) => [a.result.orderId, '2027-01-01', l.code, l.amountCents]),
      );
      expect(await configOf(t.db, x.id.subscriptionId)).toEqual(x.target);
      const sub = await subscriptionOf(t.db, x.id.subscriberId);
      expect(sub).toMatchObject({ periodStart: '2026-12-01', periodEnd: '2027-01-01' });
      // 1 + the scheduling confirm (even subscribers) + the rollover + the accepted confirm.
      expect(sub.version).toBe(1 + (i % 2 === 0 ? 1 : 0) + 1 + 1);
      const scheduled = await scheduledOf(t.db, x.id.subscriptionId);
      expect(scheduled.map((r) => r.status)).toEqual(i % 2 === 0 ? ['applied'] : []);
    }
    const twice = await t.db.execute(
      sql`select subscription_id, bill_period_start, item_code, count(*) from ledger_lines where kind = 'recurring' group by subscription_id, bill_period_start, item_type, item_code having count(*) > 1`,
    );
    expect((twice as unknown as { rows: unknown[] }).rows).toEqual([]);
  });
});
