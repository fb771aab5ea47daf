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
import { forgetCatalog, readCatalog, readCatalogVersions } from '@/lib/server/catalog';
import { changeCatalogPrice, changeCatalogRate } from '@/lib/server/catalog-admin';
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
      select b.subscription_id || '@' || b.bill_date as key, b.subscriber_id, b.catalog_version, b.closed_period_start::text as closed,
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
    // A CustomerBill document without what depends on the order of issue (its number) or the clock.
    events: await q(sql`
      select type, subscriber_id, case when type like 'CustomerBill%'
          then jsonb_build_object('customerBill', (payload->'customerBill') - 'id' - 'href' - 'billNo' - 'lastUpdate' - 'billDocument')
          else payload - 'billId' - 'billNumber' end as payload
      from outbox_events order by 1, 2, 3`),
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

describe.each(drivers)('the set-based rollover after price changes on %s', (driver) => {
  // Issue 20 with issue 23: two databases seeded alike go through the same admin price changes
  // (holders protected for their notice period, a second change between two rollovers); one
  // closes its periods one subscription at a time, the other set-based. The batch must stay on
  // after a price change and write the same bills (lines, totals, catalog version) and events.
  let a: TestDb;
  let b: TestDb;
  beforeAll(async () => {
    a = await createTestDb(driver, { today: TODAY, generated: 40 });
    b = await createTestDb(driver, { today: TODAY, generated: 40 });
    // A TMF678 hub listening for new bills (and the portal's bill_issued) on both.
    for (const x of [a, b])
      await x.db.insert(s.webhookListeners).values({
        callbackUrl: 'https://hub.example.test/listener',
        secret: 'hub-secret',
        eventTypes: ['CustomerBillCreateEvent', 'bill_issued'],
        api: 'tmf678',
      });
  }, 400_000);
  afterAll(async () => {
    useDbHandleForTests(undefined);
    forgetCatalog();
    await a?.destroy();
    await b?.destroy();
  });

  const changePrice = async (
    day: Day,
    change: { kind: 'plan' | 'addon'; code: string; newCents: number; effectiveOn: Day },
  ) => {
    const on = async (x: TestDb) => {
      const admin = await actorFor(x.db, 'admin@example.com');
      const r = await changeCatalogPrice(
        { ...admin, today: day, now: new Date(`${day}T10:00:00Z`) },
        { ...change, confirm: true },
      );
      expect(r.saved).toBe(true);
    };
    // The admin's use case runs on the data layer's database (getDb).
    useDbHandleForTests(a);
    forgetCatalog();
    await on(a);
    useDbHandleForTests(b);
    forgetCatalog();
    await on(b);
  };

  /** A pay-per-use rate change on both databases, as changePrice. */
  const changeRate = async (day: Day, change: { code: string; newCents: number; effectiveOn: Day }) => {
    const on = async (x: TestDb) => {
      const admin = await actorFor(x.db, 'admin@example.com');
      const r = await changeCatalogRate(
        { ...admin, today: day, now: new Date(`${day}T10:00:00Z`) },
        { ...change, confirm: true },
      );
      expect(r.saved).toBe(true);
    };
    useDbHandleForTests(a);
    forgetCatalog();
    await on(a);
    useDbHandleForTests(b);
    forgetCatalog();
    await on(b);
  };

  it('prices each holder with the catalog of the day at their protected prices, in batches, as one by one', async () => {
    // 2026-11-16: PLUS 25.00 → 27.00 and Voicemail 5.00 → 5.50 for holders from 2026-12-16 (new subscribers at once).
    await changePrice(TODAY, { kind: 'plan', code: 'PLUS', newCents: 2700, effectiveOn: '2026-12-16' });
    await changePrice(TODAY, { kind: 'addon', code: 'voicemail', newCents: 550, effectiveOn: '2026-12-16' });
    // And the long-distance overage 0.10 → 0.12 for those who pay it, from the same day.
    await changeRate(TODAY, { code: 'ld_overage', newCents: 12, effectiveOn: '2026-12-16' });
    const protectedIds = rows<{ id: number }>(
      await b.db.execute(sql`select distinct subscription_id as id from price_notices`),
    ).map((r) => Number(r.id));
    expect(protectedIds.length).toBeGreaterThan(3);

    let batched = 0;
    const step = async (day: Day) => {
      const va = await readCatalogVersions(a.db);
      const vb = await readCatalogVersions(b.db);
      // A direct batch first: after a price change it closes every due subscription but those
      // with a pending change (the old code billed only a single catalog version this way).
      const due = rows<{ id: number; pending: boolean }>(
        await b.db.execute(sql`
          select x.id, exists (select 1 from scheduled_changes c where c.subscription_id = x.id and c.status = 'pending') as pending
          from subscriptions x where x.period_end <= ${day}::date order by x.id limit 12`),
      );
      const direct = await rolloverBatch(
        b.db,
        vb,
        due.map((d) => Number(d.id)),
        day,
      );
      expect(direct.rest.sort((x, y) => x - y)).toEqual(due.filter((d) => d.pending).map((d) => Number(d.id)));
      expect(direct.closed).toBe(due.filter((d) => !d.pending).length);
      batched += direct.closed;
      const one = await rolloverDue(a.db, va, day, { setBased: false });
      const set = await rolloverDue(b.db, vb, day, { batch: 7, concurrency: 3 });
      for (const id of direct.rest) await rolloverSubscription(b.db, vb, id, day);
      expect(one.failed).toEqual([]);
      expect(set.failed).toEqual([]);
      expect(set.periods + direct.closed + direct.rest.length).toBe(one.periods);
      expect(await billsOf(b.db)).toEqual(await billsOf(a.db));
      expect(await stateOf(b.db)).toEqual(await stateOf(a.db));
    };

    // Protections running: the closing periods are billed at the old prices, with the new version.
    await step('2026-12-06');
    // Across the holders' day (2026-12-16): old prices for periods starting before it, new after.
    await step('2026-12-19');
    // A version change mid-way: PLUS 27.00 → 29.00 from 2027-01-19 for holders, announced 2026-12-20.
    await changePrice('2026-12-20', { kind: 'plan', code: 'PLUS', newCents: 2900, effectiveOn: '2027-01-19' });
    await step('2027-01-10');
    await step('2027-02-01');
    expect(batched).toBeGreaterThan(10);

    // The bills say which version priced them, and protected holders paid the old prices.
    const versions = await readCatalogVersions(b.db);
    expect(versions.length).toBeGreaterThanOrEqual(4);
    const billed = rows<{ bill_date: string; catalog_version: number | null; cents: number; p1: boolean; p2: boolean }>(
      await b.db.execute(sql`
        select b.bill_date::text as bill_date, b.catalog_version, l.amount_cents as cents,
          exists (select 1 from price_notices n join price_changes c on c.id = n.price_change_id
            where n.subscription_id = b.subscription_id and c.item_code = 'PLUS' and c.new_cents = 2700) as p1,
          exists (select 1 from price_notices n join price_changes c on c.id = n.price_change_id
            where n.subscription_id = b.subscription_id and c.item_code = 'PLUS' and c.new_cents = 2900) as p2
        from bills b join ledger_lines l on l.bill_id = b.id and l.kind = 'recurring' and l.item_code = 'PLUS'
        where b.bill_date > ${TODAY}::date`),
    );
    // The bill of day D holds the period starting D, at the price the holder pays on D.
    const plusOn = (day: Day, p1: boolean, p2: boolean) =>
      day < '2026-12-16' ? (p1 ? 2500 : 2700) : day < '2026-12-20' ? 2700 : day < '2027-01-19' && p2 ? 2700 : 2900;
    expect(billed.filter((r) => r.p1 && r.bill_date < '2026-12-16').length).toBeGreaterThan(0);
    expect(billed.filter((r) => r.p2 && r.bill_date >= '2026-12-20').length).toBeGreaterThan(0);
    for (const r of billed) {
      const version = versions.filter((v) => v.effectiveOn <= r.bill_date).at(-1)!;
      expect(r.catalog_version, r.bill_date).toBe(version.id);
      expect(r.cents, `${r.bill_date} ${r.p1} ${r.p2}`).toBe(plusOn(r.bill_date, r.p1, r.p2));
    }
    // Usage: the periods closed here with usage all started before the day, so a protected
    // payer's overage is at the old rate (0.10), one by one and in batches alike (compared above).
    const overage = rows<{ quantity: number; cents: number; protected: boolean }>(
      await b.db.execute(sql`
        select l.quantity, l.amount_cents as cents,
          exists (select 1 from price_notices n join price_changes c on c.id = n.price_change_id
            where n.subscription_id = b.subscription_id and c.item_type = 'rate') as protected
        from bills b join ledger_lines l on l.bill_id = b.id and l.kind = 'usage' and l.item_code = 'ld_overage'
        where b.bill_date > ${TODAY}::date`),
    );
    expect(overage.filter((r) => r.protected).length).toBeGreaterThan(3);
    // (Someone who started paying it after the notice, by a change, pays the new rate.)
    for (const r of overage) expect(r.cents).toBe(Number(r.quantity) * (r.protected ? 10 : 12));
    const tmf = rows<{ n: number }>(
      await b.db.execute(sql`select count(*)::int as n from outbox_events where type = 'CustomerBillCreateEvent'`),
    )[0]!;
    const issued = rows<{ n: number }>(
      await b.db.execute(sql`select count(*)::int as n from bills where bill_date > ${TODAY}::date`),
    )[0]!;
    expect(tmf.n).toBe(issued.n);
  }, 600_000);
});
