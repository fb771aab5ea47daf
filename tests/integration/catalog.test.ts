/**
 * Catalog management (issue 20) on both drivers: a launched add-on reaches offers, a price
 * change reaches holders from its day and new subscribers at once (previews, orders and bills),
 * retirement keeps holders, validation refuses with words, and agents only read.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { allConfigurations, configKey, features, selectablePlans } from '@/lib/domain/catalog';
import { usageProfile } from '@/lib/domain/offers';
import { monthlyCost } from '@/lib/domain/pricing';
import type { Catalog, Configuration } from '@/lib/domain/types';
import { readAccount, completeUsage } from '@/lib/server/account';
import { rolloverSubscription } from '@/lib/server/billing';
import { catalogOn, getCatalog, readCatalogVersions } from '@/lib/server/catalog';
import {
  changeCatalogPrice,
  changeCatalogRate,
  createCatalogDraft,
  getAdminCatalog,
  launchCatalogDraft,
  retireCatalogItem,
  saveCatalogDraft,
  saveCatalogRules,
} from '@/lib/server/catalog-admin';
import { confirmChange, previewChange } from '@/lib/server/changes';
import { AppError } from '@/lib/server/errors';
import { getOffers } from '@/lib/server/offers';
import { getDashboard } from '@/lib/server/dashboard';
import { createApiClient, type ApiClientActor } from '@/lib/server/api-clients';
import { ingestApiRecords } from '@/lib/server/usage/ingest';
import { INVENTORY_BASE, listProducts } from '@/lib/server/tmf/inventory';
import type { Actor } from '@/lib/server/actor';
import { actorFor, createSubscriber, fillUsage, useTestDb } from './support/actors';
import { createTestDb, drivers, type TestDb } from './support/db';

const TODAY = '2026-11-16';
const cfg = (planCode: string, ...addOns: string[]): Configuration => ({ planCode, addOns: addOns.sort() });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** Brute force: the cheapest valid configuration on a selectable plan that keeps every feature held. */
function bruteBest(catalog: Catalog, current: Configuration, usage: Parameters<typeof monthlyCost>[2]): number {
  const keep = features(catalog, current);
  const plans = selectablePlans(catalog, current.planCode).map((p) => p.code);
  let best = Number.POSITIVE_INFINITY;
  for (const c of allConfigurations(catalog, plans)) {
    const retiredNew = c.addOns.some(
      (a) => catalog.addOns.find((x) => x.code === a)?.status === 'retired' && !current.addOns.includes(a),
    );
    if (retiredNew) continue;
    const f = features(catalog, c);
    if (!keep.every((k) => f.includes(k))) continue;
    best = Math.min(best, monthlyCost(catalog, c, usage).totalCents);
  }
  return best;
}

describe.each(drivers)('catalog management on %s', (driver) => {
  let t: TestDb;
  let admin: Actor;
  beforeAll(async () => {
    t = await createTestDb(driver, { today: TODAY });
    useTestDb(t);
    admin = await actorFor(t.db, 'admin@example.com', TODAY);
  });
  beforeEach(() => useTestDb(t));
  afterAll(async () => t?.destroy());

  it('starts with one catalog version holding the reference catalog; agents read the admin catalog, only admins change it', async () => {
    const versions = await readCatalogVersions(t.db);
    expect(versions.length).toBeGreaterThanOrEqual(1);
    expect(versions[0]!.catalog.plans.map((p) => p.code)).toContain('PREMIUM');
    const agent = await actorFor(t.db, 'agent@example.com', TODAY);
    const view = await getAdminCatalog(agent);
    expect(view.canEdit).toBe(false);
    expect(view.catalog.addOns.length).toBe(8);
    const e = await refusal(createCatalogDraft(agent, { kind: 'addon', code: 'agent_addon', name: 'Nope' }));
    expect(e.code).toBe('forbidden');
    const ada = await actorFor(t.db, 'ada@example.com', TODAY);
    expect((await refusal(getAdminCatalog(ada))).code).toBe('forbidden');
  });

  it('refuses a draft that breaks the rules, in words, and launches nothing', async () => {
    const { id } = await createCatalogDraft(admin, { kind: 'addon', code: 'loop_a', name: 'Loop A' });
    const saved = await saveCatalogDraft(admin, {
      draftId: id,
      item: {
        name: 'Loop A',
        monthlyCents: 100,
        addOnKind: 'feature',
        availableOn: ['PREMIUM', 'BASIC'],
        requires: ['loop_a'],
        excludes: ['voicemail'],
      },
    });
    // Premium includes Voicemail, and an add-on can't require itself.
    expect(saved.problems).toContain("Loop A can't require itself.");
    const before = (await readCatalogVersions(t.db)).length;
    const e = await refusal(launchCatalogDraft(admin, id));
    expect(e.code).toBe('invalid');
    expect(e.message).toContain("Loop A can't require itself.");
    expect((await readCatalogVersions(t.db)).length).toBe(before);
    // A plan draft that includes an add-on also available on it.
    const plan = await createCatalogDraft(admin, { kind: 'plan', code: 'TWICE', name: 'Twice' });
    const p = await saveCatalogDraft(admin, {
      draftId: plan.id,
      item: {
        name: 'Twice',
        monthlyCents: 1000,
        tier: 2,
        ldMinutes: 0,
        includes: ['voicemail'],
        availableAddOns: ['voicemail'],
      },
    });
    expect(p.problems).toContain('Voicemail is both included in Twice and available on it as an add-on: choose one.');
  });

  it('a newly launched add-on is offered to the subscribers it helps, with savings equal to a brute force over the new catalog', async () => {
    const heavy = await createSubscriber(t.db, {
      billingDay: 1,
      config: cfg('PLUS', 'voicemail', 'ld_300'),
      today: TODAY,
      usage: { ld: 1000 },
    });
    const light = await createSubscriber(t.db, {
      billingDay: 1,
      config: cfg('BASIC'),
      today: TODAY,
      usage: { ld: 20 },
    });
    const heavyActor = await actorFor(t.db, heavy.email, TODAY);
    const lightActor = await actorFor(t.db, light.email, TODAY);
    const targets = async (a: Actor, id: number) => {
      const r = await getOffers(a, id);
      return r.status === 'offers' ? r.offers : [];
    };
    expect((await targets(heavyActor, heavy.subscriberId)).some((o) => o.target.addOns.includes('ld_1000'))).toBe(
      false,
    );

    const { id } = await createCatalogDraft(admin, { kind: 'addon', code: 'ld_1000', name: 'Long Distance 1000' });
    await saveCatalogDraft(admin, {
      draftId: id,
      item: {
        name: 'Long Distance 1000',
        monthlyCents: 1000,
        addOnKind: 'usage',
        availableOn: ['BASIC', 'PLUS'],
        excludes: ['ld_300', 'ld_unlimited'],
        extraLdMinutes: 1000,
      },
    });
    const launched = await launchCatalogDraft(admin, id);
    const catalog = await getCatalog(t.db);
    expect(catalog.version).toBe(launched.version);
    // Excludes both ways: the launch wrote the other side too.
    expect(catalog.addOns.find((a) => a.code === 'ld_300')!.excludes).toContain('ld_1000');

    const offers = await targets(heavyActor, heavy.subscriberId);
    const state = (await readAccount(t.db, heavy.subscriberId, TODAY))!;
    const usage = usageProfile(completeUsage(state))!;
    const current = state.config;
    const currentCost = monthlyCost(catalog, current, usage).totalCents;
    const withNew = offers.filter((o) => o.target.addOns.includes('ld_1000'));
    expect(withNew.length).toBeGreaterThan(0);
    for (const o of offers) {
      expect(o.monthlySavingCents).toBe(currentCost - monthlyCost(catalog, o.target, usage).totalCents);
    }
    const best = offers.find((o) => o.bestValue)!;
    expect(best).toBeDefined();
    expect(best.targetCostCents).toBe(bruteBest(catalog, current, usage));
    expect(best.target.addOns).toContain('ld_1000');
    // It does not help a light user: not offered.
    expect((await targets(lightActor, light.subscriberId)).some((o) => o.target.addOns.includes('ld_1000'))).toBe(
      false,
    );
    // Yesterday's catalog did not have it.
    expect((await catalogOn(t.db, '2026-11-15')).addOns.some((a) => a.code === 'ld_1000')).toBe(false);
  });

  it('a price rise reaches holders only from its date, new subscribers at once; previews, orders and bills use the price of the day', async () => {
    const holder = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC', 'three_way'), today: TODAY });
    const holdersNow = Number(
      (
        await t.db
          .select({ n: sql<number>`count(*)::int` })
          .from(s.subscriptionAddOns)
          .where(eq(s.subscriptionAddOns.addOnCode, 'three_way'))
      )[0]!.n,
    );
    const tooSoon = await refusal(
      changeCatalogPrice(admin, {
        kind: 'addon',
        code: 'three_way',
        newCents: 450,
        effectiveOn: '2026-12-15',
        confirm: true,
      }),
    );
    expect(tooSoon.message).toMatch(/Dec\s16,\s2026 at the earliest/);

    const preview = await changeCatalogPrice(admin, {
      kind: 'addon',
      code: 'three_way',
      newCents: 450,
      effectiveOn: '2026-12-16',
      confirm: false,
    });
    expect(preview.saved).toBe(false);
    expect(preview.preview.holders).toBe(holdersNow);
    expect(preview.preview.monthlyRevenueChangeCents).toBe(holdersNow * 100);
    expect(await t.db.select().from(s.priceChanges)).toEqual([]);

    const saved = await changeCatalogPrice(admin, {
      kind: 'addon',
      code: 'three_way',
      newCents: 450,
      effectiveOn: '2026-12-16',
      confirm: true,
    });
    expect(saved.saved).toBe(true);
    const [change] = await t.db.select().from(s.priceChanges);
    // One notice each, through the outbox, with the old and new price.
    const notices = await t.db
      .select()
      .from(s.outboxEvents)
      .where(eq(s.outboxEvents.type, 'price_change_notice'))
      .orderBy(asc(s.outboxEvents.id));
    expect(notices.length).toBe(holdersNow);
    const mine = notices.find((n) => n.subscriberId === holder.subscriberId)!;
    expect(mine.payload).toMatchObject({
      itemName: 'Three-Way Calling',
      oldCents: 350,
      newCents: 450,
      effectiveOn: '2026-12-16',
    });
    expect(
      await t.db
        .select()
        .from(s.deliveries)
        .where(and(eq(s.deliveries.eventId, mine.id), eq(s.deliveries.channel, 'email'))),
    ).toHaveLength(1);

    // The holder still pays 3.50 today (their preview), a new subscriber 4.50 at once.
    const holderActor = await actorFor(t.db, holder.email, TODAY);
    const hp = await previewChange(holderActor, {
      subscriberId: holder.subscriberId,
      target: cfg('BASIC', 'three_way', 'caller_id'),
    });
    expect(hp.plan.currentMonthlyCents).toBe(2000 + 350);
    const fresh = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC'), today: TODAY });
    const freshActor = await actorFor(t.db, fresh.email, TODAY);
    const fp = await previewChange(freshActor, { subscriberId: fresh.subscriberId, target: cfg('BASIC', 'three_way') });
    expect(fp.plan.newMonthlyCents).toBe(2000 + 450);
    // 2026-11-16 → 2026-12-01: 15 of 30 days of 4.50.
    expect(fp.plan.prorationLines.map((l) => l.amountCents)).toEqual([225]);
    const done = await confirmChange(freshActor, {
      subscriberId: fresh.subscriberId,
      target: cfg('BASIC', 'three_way'),
      version: fp.version,
      idempotencyKey: fp.idempotencyKey,
    });
    const order = (await t.db.select().from(s.orders).where(eq(s.orders.id, done.orderId)))[0]!;
    expect(order.catalogVersion).toBe(change!.catalogVersion);

    // Bills: 2026-12-01 (before the holder's date) at 3.50, 2027-01-01 (after) at 4.50; the new subscriber's at 4.50.
    const versions = await readCatalogVersions(t.db);
    await rolloverSubscription(t.db, versions, holder.subscriptionId, '2027-01-01');
    await rolloverSubscription(t.db, versions, fresh.subscriptionId, '2026-12-01');
    const billLine = async (subscriptionId: number, billDate: string) => {
      const bill = (
        await t.db
          .select()
          .from(s.bills)
          .where(and(eq(s.bills.subscriptionId, subscriptionId), eq(s.bills.billDate, billDate)))
      )[0]!;
      const line = (
        await t.db
          .select()
          .from(s.ledgerLines)
          .where(
            and(
              eq(s.ledgerLines.billId, bill.id),
              eq(s.ledgerLines.kind, 'recurring'),
              eq(s.ledgerLines.itemCode, 'three_way'),
            ),
          )
      )[0]!;
      return { cents: line.amountCents, version: bill.catalogVersion };
    };
    expect(await billLine(holder.subscriptionId, '2026-12-01')).toEqual({
      cents: 350,
      version: change!.catalogVersion,
    });
    expect(await billLine(holder.subscriptionId, '2027-01-01')).toEqual({
      cents: 450,
      version: change!.catalogVersion,
    });
    expect(await billLine(fresh.subscriptionId, '2026-12-01')).toEqual({ cents: 450, version: change!.catalogVersion });
  });

  it('retiring an add-on keeps it for its holders (and their bills); nobody else can choose it or is offered it', async () => {
    const holder = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC', 'call_waiting'), today: TODAY });
    const other = await createSubscriber(t.db, {
      billingDay: 1,
      config: cfg('BASIC'),
      today: TODAY,
      usage: { busy: 9 },
    });
    const otherActor = await actorFor(t.db, other.email, TODAY);
    const offersBefore = await getOffers(otherActor, other.subscriberId);
    expect(
      offersBefore.status === 'offers' && offersBefore.offers.some((o) => o.target.addOns.includes('call_waiting')),
    ).toBe(true);
    const r = await retireCatalogItem(admin, { kind: 'addon', code: 'call_waiting' });
    expect(r.message).toContain('keep it');
    const catalog = await getCatalog(t.db);
    expect(catalog.addOns.find((a) => a.code === 'call_waiting')!.status).toBe('retired');

    const e = await refusal(
      previewChange(otherActor, { subscriberId: other.subscriberId, target: cfg('BASIC', 'call_waiting') }),
    );
    expect(e.message).toBe('Call Waiting is no longer offered; only subscribers who already have it can keep it.');
    const offersAfter = await getOffers(otherActor, other.subscriberId);
    if (offersAfter.status === 'offers')
      expect(offersAfter.offers.some((o) => o.target.addOns.includes('call_waiting'))).toBe(false);

    const holderActor = await actorFor(t.db, holder.email, TODAY);
    const keep = await previewChange(holderActor, {
      subscriberId: holder.subscriberId,
      target: cfg('BASIC', 'call_waiting', 'caller_id'),
    });
    expect(configKey(keep.plan.target)).toBe(configKey(cfg('BASIC', 'call_waiting', 'caller_id')));
    await rolloverSubscription(t.db, await readCatalogVersions(t.db), holder.subscriptionId, '2026-12-01');
    const lines = await t.db
      .select({ code: s.ledgerLines.itemCode })
      .from(s.ledgerLines)
      .where(
        and(eq(s.ledgerLines.subscriptionId, holder.subscriptionId), eq(s.ledgerLines.billPeriodStart, '2026-12-01')),
      );
    expect(lines.map((l) => l.code)).toContain('call_waiting');
    expect((await refusal(retireCatalogItem(admin, { kind: 'addon', code: 'call_waiting' }))).code).toBe('conflict');
  });

  it('refuses a rule change that would leave holders invalid, and a price change through the rules form', async () => {
    await createSubscriber(t.db, { billingDay: 1, config: cfg('PLUS', 'voicemail'), today: TODAY });
    const catalog = await getCatalog(t.db);
    const vm = catalog.addOns.find((a) => a.code === 'voicemail')!;
    const e = await refusal(
      saveCatalogRules(admin, {
        kind: 'addon',
        code: 'voicemail',
        item: {
          name: vm.name,
          monthlyCents: vm.monthlyCents,
          addOnKind: 'feature',
          availableOn: ['BASIC'],
          answersSignal: 'unanswered_calls',
        },
      }),
    );
    expect(e.code).toBe('conflict');
    expect(e.message).toContain('Plus + Voicemail');
    const p = await refusal(
      saveCatalogRules(admin, {
        kind: 'addon',
        code: 'voicemail',
        item: { name: vm.name, monthlyCents: 1, addOnKind: 'feature', availableOn: vm.availableOn },
      }),
    );
    expect(p.message).toContain('Change the price');
    // An allowed rule change makes a new version.
    const before = (await readCatalogVersions(t.db)).length;
    await saveCatalogRules(admin, {
      kind: 'addon',
      code: 'voicemail',
      item: {
        name: 'Voicemail',
        monthlyCents: vm.monthlyCents,
        addOnKind: 'feature',
        availableOn: vm.availableOn,
        answersSignal: 'unanswered_calls',
      },
    });
    expect((await readCatalogVersions(t.db)).length).toBe(before + 1);
  });

  it('a protected holder sees the price they will pay: dashboard estimate and TMF637 product at the old price, a new subscriber the new one', async () => {
    // Two holders of Unlimited (50.00): billed on the 1st (next bill 2026-12-01, inside the
    // notice period) and on the 20th (next bill on 2026-12-20 viewed on 2026-12-10: after it).
    const early = await createSubscriber(t.db, { billingDay: 1, config: cfg('UNLIMITED'), today: TODAY });
    const late = await createSubscriber(t.db, { billingDay: 20, config: cfg('UNLIMITED'), today: TODAY });
    await changeCatalogPrice(admin, {
      kind: 'plan',
      code: 'UNLIMITED',
      newCents: 5600,
      effectiveOn: '2026-12-16',
      confirm: true,
    });
    const fresh = await createSubscriber(t.db, { billingDay: 1, config: cfg('UNLIMITED'), today: TODAY });

    const dashboard = async (who: { email: string; subscriberId: number }, day: string) => {
      const { view } = await getDashboard(await actorFor(t.db, who.email, day), who.subscriberId);
      const plan = view.nextBill.lines.find((l) => l.kind === 'recurring' && l.description.startsWith('Unlimited'));
      return { monthly: view.monthlyTotalCents, next: plan?.amountCents, nextBillOn: view.nextBill.periodStart };
    };
    /** The plan product's TMF637 price (listProducts, as an API client on `day`). */
    const productPrice = async (subscriberId: number, day: string) => {
      const url = `http://tmf.test${INVENTORY_BASE}/product?relatedParty.id=${subscriberId}`;
      const res = await listProducts({
        request: new Request(url),
        url: new URL(url),
        client: { today: day } as unknown as ApiClientActor,
        db: t.db,
        base: `http://tmf.test${INVENTORY_BASE}`,
      });
      const docs = (await res.json()) as {
        productOffering: { id: string };
        status: string;
        productPrice: { price: { dutyFreeAmount: { value: number } } }[];
      }[];
      const plan = docs.find((d) => d.productOffering.id === 'UNLIMITED' && d.status === 'active');
      return plan?.productPrice[0]?.price.dutyFreeAmount.value;
    };

    expect(await dashboard(early, TODAY)).toEqual({ monthly: 5000, next: 5000, nextBillOn: '2026-12-01' });
    expect(await productPrice(early.subscriberId, TODAY)).toBe(50);
    expect(await dashboard(late, TODAY)).toEqual({ monthly: 5000, next: 5000, nextBillOn: '2026-11-20' });
    // On 2026-12-10 the late holder still pays 50.00, but its next bill (2026-12-20) is at 56.00.
    expect(await dashboard(late, '2026-12-10')).toEqual({ monthly: 5000, next: 5600, nextBillOn: '2026-12-20' });
    expect(await productPrice(late.subscriberId, '2026-12-10')).toBe(50);
    expect(await productPrice(late.subscriberId, '2026-12-16')).toBe(56);
    // A new subscriber pays the new price at once.
    expect(await dashboard(fresh, TODAY)).toEqual({ monthly: 5600, next: 5600, nextBillOn: '2026-12-01' });
    expect(await productPrice(fresh.subscriberId, TODAY)).toBe(56);
    // And the bill issued at the late holder's boundary is what its estimate said.
    const bill = (
      await t.db
        .select({ cents: s.ledgerLines.amountCents })
        .from(s.ledgerLines)
        .innerJoin(s.bills, eq(s.bills.id, s.ledgerLines.billId))
        .where(
          and(
            eq(s.bills.subscriptionId, late.subscriptionId),
            eq(s.bills.billDate, '2026-11-20'),
            eq(s.ledgerLines.itemCode, 'UNLIMITED'),
          ),
        )
    )[0];
    expect(bill?.cents).toBe(5000);
  });
});

/**
 * Pay-per-use rate changes and the preview at a protection's end (issue 20), on a database of
 * their own: a rate change reaches every subscription that pays the rate, which would change the
 * figures of the tests above.
 */
describe.each(drivers)('rate changes and protection boundaries on %s', (driver) => {
  let t: TestDb;
  let admin: Actor;
  beforeAll(async () => {
    t = await createTestDb(driver, { today: TODAY });
    useTestDb(t);
    admin = await actorFor(t.db, 'admin@example.com', TODAY);
  });
  beforeEach(() => useTestDb(t));
  afterAll(async () => t?.destroy());

  /** Subscriptions that can pay the overage rate, counted in SQL from the catalog tables (no unlimited long distance). */
  const ldPayers = async () =>
    Number(
      (
        (await t.db.execute(sql`
          select count(*)::int as n from subscriptions s join plans p on p.code = s.plan_code
          where p.ld_minutes is not null
            and not exists (select 1 from subscription_add_ons a join add_ons o on o.code = a.add_on_code
              where a.subscription_id = s.id and o.ld_unlimited)
            and not exists (select 1 from plan_includes i join add_ons o on o.code = i.add_on_code
              where i.plan_code = s.plan_code and o.ld_unlimited)
        `)) as unknown as { rows: { n: number }[] }
      ).rows[0]!.n,
    );

  it('a long-distance rate rise: counted and estimated before saving, one notice each, old rate on protected bills until the day, new subscribers at once', async () => {
    const ask = (newCents: number, effectiveOn: string, confirm: boolean) =>
      changeCatalogRate(admin, { code: 'ld_overage', newCents, effectiveOn, confirm });
    const before = (await ask(12, '2026-12-16', false)).preview;

    // Ada-like: Basic, 240 minutes a month (all beyond the allowance); Plus (100 included) at 150;
    // Unlimited at 900 (pays no overage: not affected).
    const basic = await createSubscriber(t.db, {
      billingDay: 1,
      config: cfg('BASIC'),
      today: TODAY,
      usage: { ld: 240 },
    });
    const plus = await createSubscriber(t.db, { billingDay: 1, config: cfg('PLUS'), today: TODAY, usage: { ld: 150 } });
    const unlimited = await createSubscriber(t.db, {
      billingDay: 1,
      config: cfg('UNLIMITED'),
      today: TODAY,
      usage: { ld: 900 },
    });

    // Bad input is refused in words, and nothing is written.
    const tooSoon = await refusal(ask(12, '2026-12-15', true));
    expect(tooSoon.code).toBe('invalid');
    expect(tooSoon.message).toMatch(/Dec\s16,\s2026 at the earliest/);
    expect((await refusal(ask(-1, '2026-12-16', true))).message).toContain('whole number of cents per minute');
    expect((await refusal(ask(10, '2026-12-16', true))).message).toContain('already cost $0.10 each');
    expect(
      (await refusal(changeCatalogRate(admin, { code: 'fax', newCents: 5, effectiveOn: '2026-12-16', confirm: true })))
        .code,
    ).toBe('not_found');
    expect(await t.db.select().from(s.priceChanges)).toEqual([]);
    expect((await getCatalog(t.db)).rates.ldOverageCentsPerMinute).toBe(10);

    // The preview: every subscription that can pay the rate; the revenue at each one's average:
    // Basic 240 × 2 = 4.80, Plus 50 × 2 = 1.00, Unlimited nothing.
    const preview = await ask(12, '2026-12-16', false);
    expect(preview.saved).toBe(false);
    expect(preview.preview.affected).toBe(await ldPayers());
    expect(preview.preview.affected - before.affected).toBe(2);
    expect(preview.preview.monthlyRevenueChangeCents - before.monthlyRevenueChangeCents).toBe(480 + 100);
    expect(preview.message).toContain('average usage over their last 3 complete periods');
    expect(await t.db.select().from(s.priceChanges)).toEqual([]);

    const saved = await ask(12, '2026-12-16', true);
    expect(saved.saved).toBe(true);
    const [change] = await t.db.select().from(s.priceChanges);
    expect(change).toMatchObject({ itemType: 'rate', itemCode: 'ld_overage', oldCents: 10, newCents: 12 });
    expect((await getCatalog(t.db)).rates.ldOverageCentsPerMinute).toBe(12);
    // One notice each, through the outbox, with the old and the new rate; none for Unlimited.
    const notices = await t.db
      .select()
      .from(s.outboxEvents)
      .where(eq(s.outboxEvents.type, 'price_change_notice'))
      .orderBy(asc(s.outboxEvents.id));
    expect(notices).toHaveLength(preview.preview.affected);
    expect(new Set(notices.map((n) => n.subscriberId)).size).toBe(notices.length);
    expect(notices.find((n) => n.subscriberId === basic.subscriberId)!.payload).toMatchObject({
      itemType: 'rate',
      itemCode: 'ld_overage',
      oldCents: 10,
      newCents: 12,
      effectiveOn: '2026-12-16',
    });
    expect(notices.some((n) => n.subscriberId === unlimited.subscriberId)).toBe(false);
    expect(
      await t.db.select().from(s.priceNotices).where(eq(s.priceNotices.subscriptionId, plus.subscriptionId)),
    ).toHaveLength(1);
    const [audit] = await t.db
      .select()
      .from(s.auditEvents)
      .where(and(eq(s.auditEvents.action, 'catalog.change_price'), eq(s.auditEvents.outcome, 'ok')))
      .orderBy(asc(s.auditEvents.id));
    expect(audit!.detail).toMatchObject({ kind: 'rate', code: 'ld_overage', affected: preview.preview.affected });

    // A new subscriber pays the new rate at once.
    const fresh = await createSubscriber(t.db, {
      billingDay: 1,
      config: cfg('BASIC'),
      today: TODAY,
      usage: { ld: 240 },
    });
    // Usage in the current and the next two periods: 240 minutes each.
    await fillUsage(t.db, basic.subscriberId, 1, '2026-11-01', '2027-02-01', { ld: 240 });
    await fillUsage(t.db, fresh.subscriberId, 1, '2026-11-01', '2026-12-01', { ld: 240 });

    const soFar = async (who: { email: string; subscriberId: number }, day: string) => {
      const { view } = await getDashboard(await actorFor(t.db, who.email, day), who.subscriberId);
      return view.nextBill.lines.filter((l) => l.kind === 'usage').map((l) => l.amountCents);
    };
    const offerCost = async (who: { email: string; subscriberId: number }) => {
      const r = await getOffers(await actorFor(t.db, who.email, TODAY), who.subscriberId);
      return r.status === 'no_usage' ? null : r.currentCostCents;
    };
    expect(await soFar(basic, TODAY)).toEqual([2400]);
    expect(await soFar(fresh, TODAY)).toEqual([2880]);
    // Offers compare what the month costs at the rate each pays: 20.00 + 240 × 0.10, or × 0.12.
    expect(await offerCost(basic)).toBe(2000 + 2400);
    expect(await offerCost(fresh)).toBe(2000 + 2880);
    // The period of 2026-12-01 starts before the day: its usage stays at the old rate, whole.
    expect(await soFar(basic, '2026-12-20')).toEqual([2400]);
    // The first period that starts on or after it is at the new rate.
    expect(await soFar(basic, '2027-01-05')).toEqual([2880]);

    const versions = await readCatalogVersions(t.db);
    await rolloverSubscription(t.db, versions, basic.subscriptionId, '2027-02-01');
    await rolloverSubscription(t.db, versions, fresh.subscriptionId, '2026-12-01');
    const usageLine = async (subscriptionId: number, billDate: string) =>
      (
        await t.db
          .select({ cents: s.ledgerLines.amountCents, text: s.ledgerLines.description })
          .from(s.ledgerLines)
          .innerJoin(s.bills, eq(s.bills.id, s.ledgerLines.billId))
          .where(
            and(
              eq(s.bills.subscriptionId, subscriptionId),
              eq(s.bills.billDate, billDate),
              eq(s.ledgerLines.kind, 'usage'),
            ),
          )
      ).map((l) => [l.cents, l.text]);
    expect(await usageLine(basic.subscriptionId, '2026-12-01')).toEqual([
      [2400, 'Long-distance minutes beyond the allowance: 240 × 0.10 = 24.00'],
    ]);
    expect(await usageLine(basic.subscriptionId, '2027-01-01')).toEqual([
      [2400, 'Long-distance minutes beyond the allowance: 240 × 0.10 = 24.00'],
    ]);
    expect(await usageLine(basic.subscriptionId, '2027-02-01')).toEqual([
      [2880, 'Long-distance minutes beyond the allowance: 240 × 0.12 = 28.80'],
    ]);
    expect(await usageLine(fresh.subscriptionId, '2026-12-01')).toEqual([
      [2880, 'Long-distance minutes beyond the allowance: 240 × 0.12 = 28.80'],
    ]);
    // Agents read the rates; the admin catalog lists the rate change.
    const view = await getAdminCatalog(await actorFor(t.db, 'agent@example.com', TODAY));
    expect(view.canEdit).toBe(false);
    expect(view.priceChanges[0]).toMatchObject({ itemType: 'rate', itemCode: 'ld_overage', notices: notices.length });
    await expect(
      changeCatalogRate(await actorFor(t.db, 'agent@example.com', TODAY), {
        code: 'intl',
        newCents: 30,
        effectiveOn: '2026-12-16',
        confirm: false,
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('a late record for a period billed before a rate change is re-rated at that period’s rate (no protection needed)', async () => {
    // After the rise above: 12 cents today; the catalog in force in October had 10.
    expect((await getCatalog(t.db)).rates.ldOverageCentsPerMinute).toBe(12);
    expect((await catalogOn(t.db, '2026-10-31')).rates.ldOverageCentsPerMinute).toBe(10);
    // Joined in August, on Basic (no minutes included): told nothing, protected by nothing.
    const late = await createSubscriber(t.db, {
      billingDay: 1,
      config: cfg('BASIC'),
      today: TODAY,
      usage: { ld: 240 },
    });
    expect(
      await t.db.select().from(s.priceNotices).where(eq(s.priceNotices.subscriptionId, late.subscriptionId)),
    ).toEqual([]);
    const made = await createApiClient(t.db, { kind: 'command-line' }, { name: 'Mediation', scopes: ['usage.write'] });
    const client: ApiClientActor = {
      kind: 'api-client',
      clientId: made.clientId,
      name: 'Mediation',
      scopes: ['usage.write'],
      now: new Date(`${TODAY}T10:00:00Z`),
      today: TODAY,
    };
    const { result } = await ingestApiRecords(
      t.db,
      client,
      [
        {
          line: 0,
          id: `late-rate-${driver}`,
          subscriber: null,
          customerId: late.subscriberId,
          usageDate: '2026-10-15T12:00:00.000Z',
          kind: 'long-distance',
          quantity: 10,
        },
      ],
      'tmf635.usage.create',
    );
    // October was billed at 0.10 a minute: ten more minutes are 1.00, not 1.20.
    expect(result).toMatchObject({ accepted: 1, late: 1, adjustments: 1, adjustmentCents: 100 });
    const [line] = await t.db
      .select({ text: s.ledgerLines.description })
      .from(s.ledgerLines)
      .where(and(eq(s.ledgerLines.subscriptionId, late.subscriptionId), eq(s.ledgerLines.kind, 'adjustment')));
    expect(line!.text).toBe(
      'Late usage for 2026-10-01 to 2026-10-31: 10 long-distance minutes beyond the allowance × 0.10 = 1.00',
    );
  });

  it('an international rate change leaves International Saver holders alone', async () => {
    const saver = await createSubscriber(t.db, {
      billingDay: 1,
      config: cfg('BASIC', 'intl_saver'),
      today: TODAY,
      usage: { intl: 400 },
    });
    const caller = await createSubscriber(t.db, {
      billingDay: 1,
      config: cfg('BASIC'),
      today: TODAY,
      usage: { intl: 120 },
    });
    const ask = (confirm: boolean) =>
      changeCatalogRate(admin, { code: 'intl', newCents: 30, effectiveOn: '2027-01-01', confirm });
    const { preview } = await ask(false);
    const saved = await ask(true);
    expect(saved.preview).toEqual(preview);
    const change = (await t.db.select().from(s.priceChanges).where(eq(s.priceChanges.itemCode, 'intl')))[0]!;
    const noticed = async (subscriptionId: number) =>
      (
        await t.db
          .select()
          .from(s.priceNotices)
          .where(and(eq(s.priceNotices.priceChangeId, change.id), eq(s.priceNotices.subscriptionId, subscriptionId)))
      ).length;
    expect(await noticed(saver.subscriptionId)).toBe(0);
    expect(await noticed(caller.subscriptionId)).toBe(1);
    expect(preview.affected).toBe(
      Number(
        (
          (await t.db.execute(sql`
            select count(*)::int as n from subscriptions s
            where not exists (select 1 from subscription_add_ons a join add_ons o on o.code = a.add_on_code
                where a.subscription_id = s.id and o.intl_rate_cents is not null)
              and not exists (select 1 from plan_includes i join add_ons o on o.code = i.add_on_code
                where i.plan_code = s.plan_code and o.intl_rate_cents is not null)
          `)) as unknown as { rows: { n: number }[] }
        ).rows[0]!.n,
      ),
    );
  });

  it('a change preview at a protection’s end prices the next period (and a change scheduled for it) on that day, as the dashboard and the bill', async () => {
    // Billed on the 20th: on 2026-12-10 the next period starts 2026-12-20, after the day (2026-12-16).
    const holder = await createSubscriber(t.db, { billingDay: 20, config: cfg('PLUS'), today: TODAY });
    await changeCatalogPrice(admin, {
      kind: 'plan',
      code: 'PLUS',
      newCents: 2800,
      effectiveOn: '2026-12-16',
      confirm: true,
    });
    const day = '2026-12-10';
    const actor = await actorFor(t.db, holder.email, day);
    const add = await previewChange(actor, { subscriberId: holder.subscriberId, target: cfg('PLUS', 'voicemail') });
    expect(add.plan.timing).toBe('now');
    expect(add.plan.currentMonthlyCents).toBe(2500);
    // 2026-11-20 → 2026-12-20 (30 days), 10 left: 5.00 × 10 / 30.
    expect(add.plan.prorationTotalCents).toBe(167);
    expect(add.plan.nextBill).toEqual({ recurringCents: 2800 + 500, prorationCents: 167, totalCents: 3467 });
    const down = await previewChange(actor, { subscriberId: holder.subscriberId, target: cfg('BASIC') });
    expect(down.plan.timing).toBe('end_of_period');
    expect(down.plan.currentMonthlyCents).toBe(2800);
    expect(down.plan.monthlyChangeCents).toBe(2000 - 2800);
    // The dashboard's estimate says the same for the next period.
    const { view } = await getDashboard(actor, holder.subscriberId);
    expect(view.nextBill.lines.find((l) => l.kind === 'recurring')!.amountCents).toBe(2800);
    // Confirmed, and billed at the boundary: what the preview said.
    await confirmChange(actor, {
      subscriberId: holder.subscriberId,
      target: cfg('PLUS', 'voicemail'),
      version: add.version,
      idempotencyKey: add.idempotencyKey,
    });
    await rolloverSubscription(t.db, await readCatalogVersions(t.db), holder.subscriptionId, '2026-12-20');
    const bill = (
      await t.db
        .select()
        .from(s.bills)
        .where(and(eq(s.bills.subscriptionId, holder.subscriptionId), eq(s.bills.billDate, '2026-12-20')))
    )[0]!;
    const recurring = await t.db
      .select({ cents: s.ledgerLines.amountCents })
      .from(s.ledgerLines)
      .where(and(eq(s.ledgerLines.billId, bill.id), eq(s.ledgerLines.kind, 'recurring')));
    expect(recurring.reduce((sum, l) => sum + l.cents, 0)).toBe(add.plan.nextBill.recurringCents);
    const proration = await t.db
      .select({ cents: s.ledgerLines.amountCents })
      .from(s.ledgerLines)
      .where(and(eq(s.ledgerLines.billId, bill.id), eq(s.ledgerLines.kind, 'proration')));
    expect(proration.reduce((sum, l) => sum + l.cents, 0)).toBe(add.plan.nextBill.prorationCents);
  });
});
