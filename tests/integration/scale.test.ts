/**
 * Scale (issue 23), on both drivers: the offer analytics rollup agrees with a count over the
 * raw events whoever writes them (the writer, a plain insert, a delete); agent search finds a
 * name by substring through the trigram index; the set-based rollover issues the same bills
 * (and writes the same everything else) as the per-subscription one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Db } from '@/db/client';
import { prng } from '@/db/seed';
import { addDays } from '@/lib/domain/periods';
import type { Day } from '@/lib/domain/types';
import { loadActor, type Actor } from '@/lib/server/actor';
import { searchSubscribers } from '@/lib/server/agents';
import { rolloverDue, rolloverSubscription } from '@/lib/server/billing';
import { rolloverBatch } from '@/lib/server/rollover-batch';
import { offerAnalytics } from '@/lib/server/analytics';
import { forgetCatalog, readCatalog } from '@/lib/server/catalog';
import { useDbHandleForTests } from '@/lib/server/db';
import { writeOfferEvents, type OfferEventType } from '@/lib/server/offer-events';
import { createTestDb, drivers, type TestDb } from './support/db';

const TODAY: Day = '2026-11-16';
const rows = <T>(r: unknown) => (r as { rows: T[] }).rows;

async function actorFor(db: Db, email: string): Promise<Actor> {
  const u = (await db.select({ id: s.users.id }).from(s.users).where(eq(s.users.email, email)))[0];
  if (!u) throw new Error(`no user ${email}`);
  const actor = await loadActor(db, u.id);
  if (!actor) throw new Error(`user ${email} is disabled`);
  return { ...actor, today: TODAY, now: new Date(`${TODAY}T10:00:00Z`) };
}

type Sums = Record<string, [number, number, number, number, number, number]>;

/** Per day, kind, offer and target: counts of each event type and the accepted money, from the raw events. */
async function fromRawEvents(db: Db): Promise<Sums> {
  const r = rows<Record<string, string | number>>(
    await db.execute(sql`
      select day::text as day, kind, offer_key, target_config::text as target,
        count(*) filter (where event_type = 'impression')::int as i,
        count(*) filter (where event_type = 'accepted')::int as a,
        count(*) filter (where event_type = 'dismissed')::int as d,
        count(*) filter (where event_type = 'snoozed')::int as z,
        coalesce(sum(monthly_price_change_cents) filter (where event_type = 'accepted'), 0)::int as rev,
        coalesce(sum(monthly_saving_cents) filter (where event_type = 'accepted'), 0)::int as sav
      from offer_events group by 1, 2, 3, 4`),
  );
  return Object.fromEntries(
    r.map((x) => [
      `${x.day}|${x.kind}|${x.offer_key}|${x.target}`,
      [x.i, x.a, x.d, x.z, x.rev, x.sav].map(Number) as Sums[string],
    ]),
  );
}

/** The same from the rollup, leaving out rows that went back to zero after a delete. */
async function fromRollup(db: Db): Promise<Sums> {
  const r = rows<Record<string, string | number>>(
    await db.execute(sql`
      select day::text as day, kind, offer_key, target_config::text as target,
        impressions as i, acceptances as a, dismissals as d, snoozes as z,
        revenue_change_cents as rev, savings_cents as sav
      from offer_event_daily
      where impressions + acceptances + dismissals + snoozes > 0`),
  );
  return Object.fromEntries(
    r.map((x) => [
      `${x.day}|${x.kind}|${x.offer_key}|${x.target}`,
      [x.i, x.a, x.d, x.z, x.rev, x.sav].map(Number) as Sums[string],
    ]),
  );
}

describe.each(drivers)('scale on %s', (driver) => {
  let t: TestDb;
  let admin: Actor;
  let agent: Actor;
  let subscriberIds: number[];

  beforeAll(async () => {
    t = await createTestDb(driver, { today: TODAY, generated: 40 });
    useDbHandleForTests(t);
    forgetCatalog();
    admin = await actorFor(t.db, 'admin@example.com');
    agent = await actorFor(t.db, 'agent@example.com');
    subscriberIds = (await t.db.select({ id: s.subscribers.id }).from(s.subscribers)).map((r) => r.id);
  });
  afterAll(async () => {
    useDbHandleForTests(undefined);
    forgetCatalog();
    await t?.destroy();
  });

  it('keeps the offer rollup equal to a count over the raw events (writer, plain insert, delete)', async () => {
    // The seed's own events were counted by the migration's backfill or the triggers.
    expect(await fromRollup(t.db)).toEqual(await fromRawEvents(t.db));

    const rand = prng(23_2026);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const offers = [
      { offerKey: 'cross_sell:BASIC+ld_300', kind: 'cross_sell', target: { planCode: 'BASIC', addOns: ['ld_300'] } },
      { offerKey: 'up_sell:PLUS', kind: 'up_sell', target: { planCode: 'PLUS', addOns: [] } },
      { offerKey: 'right_size:BASIC', kind: 'right_size', target: { planCode: 'BASIC', addOns: [] } },
    ];
    const types: OfferEventType[] = ['impression', 'impression', 'impression', 'accepted', 'dismissed', 'snoozed'];
    const days: Day[] = ['2026-11-01', '2026-11-02', '2026-11-03'];
    // Through the writer, in batches that repeat impressions (kept once per subscriber, offer and day).
    for (let batch = 0; batch < 12; batch++) {
      await writeOfferEvents(
        t.db,
        Array.from({ length: 25 }, () => {
          const o = pick(offers);
          return {
            subscriberId: pick(subscriberIds),
            actorUserId: admin.userId,
            offerKey: o.offerKey,
            kind: o.kind,
            target: o.target,
            eventType: pick(types),
            today: pick(days),
            monthlyPriceChangeCents: Math.round(rand() * 2000) - 500,
            monthlySavingCents: Math.round(rand() * 1500),
          };
        }),
      );
    }
    // A plain insert, as a test or a script would.
    await t.db.insert(s.offerEvents).values(
      Array.from({ length: 30 }, (_, i) => ({
        subscriberId: subscriberIds[i % subscriberIds.length]!,
        offerKey: offers[0]!.offerKey,
        kind: offers[0]!.kind,
        targetConfig: offers[0]!.target,
        eventType: 'accepted' as const,
        day: '2026-11-04',
        monthlyPriceChangeCents: 800,
        monthlySavingCents: 100 + i,
      })),
    );
    const raw = await fromRawEvents(t.db);
    expect(Object.keys(raw).length).toBeGreaterThan(6);
    expect(await fromRollup(t.db)).toEqual(raw);

    // A delete takes its events back out.
    const some = (await t.db.select({ id: s.offerEvents.id }).from(s.offerEvents).limit(40)).map((r) => r.id);
    await t.db.delete(s.offerEvents).where(inArray(s.offerEvents.id, some));
    expect(await fromRollup(t.db)).toEqual(await fromRawEvents(t.db));

    // And the analytics read from the rollup say what the raw events say.
    const a = await offerAnalytics(admin, { from: '2026-11-01', to: '2026-11-04' });
    const rawNow = await fromRawEvents(t.db);
    for (const r of a.rows) {
      const matching = Object.entries(rawNow)
        .filter(([key]) => {
          const [day, kind, offerKey] = key.split('|');
          return day! >= '2026-11-01' && day! <= '2026-11-04' && kind === r.kind && offerKey === r.offerKey;
        })
        .map(([, v]) => v);
      const sum = (i: number) => matching.reduce((n, v) => n + v[i]!, 0);
      expect([r.impressions, r.acceptances, r.dismissals, r.snoozes, r.revenueChangeCents, r.savingsCents]).toEqual([
        sum(0),
        sum(1),
        sum(2),
        sum(3),
        sum(4),
        sum(5),
      ]);
    }
    expect(a.rows.length).toBeGreaterThanOrEqual(offers.length);
  });

  it('finds a name by substring, and the trigram index can serve that query', async () => {
    for (const q of ['kafo', 'OKAF', 'en Oka']) {
      const r = await searchSubscribers(agent, { q });
      expect(
        r.rows.map((x) => x.name),
        q,
      ).toContain('Ben Okafor');
    }
    // The table is small, so the planner would rather read it; without sequential scans the
    // substring query must be able to use the trigram index (on both drivers).
    const plan = await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return rows<Record<string, string>>(
        await tx.execute(sql`explain select id from subscribers where lower(name) like ${'%kafo%'}`),
      )
        .map((r) => Object.values(r)[0])
        .join('\n');
    });
    expect(plan).toContain('subscribers_lower_name_trgm_idx');
  });
});

/** Every bill with its lines, by subscription and bill date (numbers and ids left out: they depend on the order of issue). */
async function billsOf(db: Db): Promise<Record<string, unknown>> {
  const r = rows<Record<string, unknown>>(
    await db.execute(sql`
      select b.subscription_id || '@' || b.bill_date as key, b.subscriber_id, b.closed_period_start::text as closed,
        b.next_period_end::text as next_end, b.due_date::text as due, b.total_cents, b.credit_forward_cents, b.state,
        (select json_agg(json_build_object('kind', l.kind, 'type', l.item_type, 'code', l.item_code,
            'description', case when l.kind = 'credit' then regexp_replace(l.description, '[0-9]+', '#', 'g') else l.description end,
            'amount', l.amount_cents, 'quantity', l.quantity, 'period', l.bill_period_start) order by l.id)
          from ledger_lines l where l.bill_id = b.id) as lines
      from bills b order by 1`),
  );
  return Object.fromEntries(r.map(({ key, ...rest }) => [String(key), rest]));
}

async function stateOf(db: Db) {
  const q = async (query: ReturnType<typeof sql>) => rows<Record<string, unknown>>(await db.execute(query));
  return {
    subscriptions: await q(
      sql`select id, plan_code, period_start::text, period_end::text, version from subscriptions order by id`,
    ),
    addOns: await q(sql`select subscription_id, add_on_code, added_on::text from subscription_add_ons order by 1, 2`),
    scheduled: await q(sql`select id, status from scheduled_changes order by id`),
    unbilled: await q(
      sql`select subscription_id, kind, item_code, amount_cents, bill_period_start::text from ledger_lines where bill_id is null order by id`,
    ),
    events: await q(sql`
      select type, subscriber_id, payload - 'billId' - 'billNumber' as payload from outbox_events order by type, subscriber_id, payload::text`),
    deliveries: await q(sql`select channel, stream, recipient from deliveries order by 1, 2, 3`),
    audit: await q(sql`select action, subscriber_id, outcome from audit_events order by id`),
  };
}

async function numbers(db: Db): Promise<number[]> {
  return rows<{ n: string | number }>(await db.execute(sql`select number as n from bills order by number`)).map((r) =>
    Number(r.n),
  );
}

describe.each(drivers)('the set-based rollover on %s', (driver) => {
  // Two databases seeded alike: one closes its periods one subscription at a time (as before
  // issue 23), the other set-based; the bills and everything else written must be the same.
  let a: TestDb;
  let b: TestDb;
  beforeAll(async () => {
    a = await createTestDb(driver, { today: TODAY, generated: 80 });
    b = await createTestDb(driver, { today: TODAY, generated: 80 });
  }, 400_000);
  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
  });

  it('issues the same bills as the per-subscription rollover, in batches, with gapless numbers', async () => {
    const catalog = await readCatalog(a.db);
    expect(await billsOf(b.db)).toEqual(await billsOf(a.db));
    // 20 days on: most subscriptions close one period (the batch's case), some with a pending change.
    const first = addDays(TODAY, 20);
    const due = rows<{ id: number }>(
      await b.db.execute(sql`select id from subscriptions where period_end <= ${first}::date order by id`),
    ).map((r) => Number(r.id));
    expect(due.length).toBeGreaterThan(20);
    const direct = await rolloverBatch(b.db, catalog, due.slice(0, 15), first);
    expect(direct.closed).toBeGreaterThan(0);
    expect(direct.closed + direct.rest.length).toBe(15);

    const perSubscription = await rolloverDue(a.db, catalog, first, { setBased: false });
    const setBased = await rolloverDue(b.db, catalog, first, { batch: 7, concurrency: 3 });
    for (const id of direct.rest) await rolloverSubscription(b.db, catalog, id, first);
    expect(setBased.failed).toEqual([]);
    expect(perSubscription.failed).toEqual([]);
    expect(setBased.periods + direct.closed + direct.rest.length).toBe(perSubscription.periods);
    expect(await billsOf(b.db)).toEqual(await billsOf(a.db));
    expect(await stateOf(b.db)).toEqual(await stateOf(a.db));

    // 75 days on: every subscription is two periods or more behind (handed to rolloverSubscription).
    const second = addDays(TODAY, 75);
    const p2 = await rolloverDue(a.db, catalog, second, { setBased: false });
    const s2 = await rolloverDue(b.db, catalog, second, { batch: 11 });
    expect(s2.periods).toBe(p2.periods);
    expect(await billsOf(b.db)).toEqual(await billsOf(a.db));
    expect(await stateOf(b.db)).toEqual(await stateOf(a.db));
    const n = await numbers(b.db);
    expect(n).toEqual(Array.from({ length: n.length }, (_, i) => i + 1));
    expect(await numbers(a.db)).toEqual(n);

    // Nothing is issued twice.
    expect((await rolloverDue(b.db, catalog, second)).periods).toBe(0);
    expect((await rolloverBatch(b.db, catalog, due, second)).closed).toBe(0);
  }, 300_000);
});
