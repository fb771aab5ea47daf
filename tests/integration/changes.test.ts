/**
 * The plan-change server layer on real databases (spec sections 2–4): preview and confirm,
 * proration on the ledger, scheduling and rollover, cancel, exactly-once, no lost updates,
 * permissions, replacing a pending change, offers accepted / dismissed / snoozed, history,
 * and the test clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { addDays } from '@/lib/domain/periods';
import { recurringLines } from '@/lib/domain/rollover';
import type { Catalog } from '@/lib/domain/types';
import { loadAccount } from '@/lib/server/account';
import { loadActor } from '@/lib/server/actor';
import { rolloverDue } from '@/lib/server/billing';
import { getCatalog } from '@/lib/server/catalog';
import { cancelScheduledChange, confirmChange, previewChange, type Preview } from '@/lib/server/changes';
import { moveClock } from '@/lib/server/clock-admin';
import { TEST_CLOCK_ACTOR } from '@/lib/server/policy';
import { AppError } from '@/lib/server/errors';
import { getHistory } from '@/lib/server/history';
import { getOffers, respondToOffer } from '@/lib/server/offers';
import { createTestDb, drivers, type TestDb } from './support/db';
import {
  actorFor,
  auditOf,
  configOf,
  createSubscriber,
  fillUsage,
  ledgerOf,
  offerEventsOf,
  on,
  ordersOf,
  rejection,
  scheduledOf,
  snapshot,
  subscriptionOf,
  useTestDb,
} from './support/actors';

const TODAY = '2026-11-16';
const cfg = (planCode: string, ...addOns: string[]) => ({ planCode, addOns });

/** Confirms exactly what was previewed. */
function confirmPreview(
  actor: Parameters<typeof confirmChange>[0],
  p: Preview,
  extra: { reason?: string; applyNow?: boolean; offerKey?: string } = {},
) {
  return confirmChange(actor, {
    subscriberId: p.subscriberId,
    target: p.plan.target,
    version: p.version,
    idempotencyKey: p.idempotencyKey,
    ...extra,
  });
}

describe.each(drivers)('plan changes on %s', (driver) => {
  describe(`changes made on ${TODAY}`, () => {
    let t: TestDb;
    let catalog: Catalog;
    beforeAll(async () => {
      t = await createTestDb(driver, { today: TODAY });
      useTestDb(t);
      catalog = await getCatalog(t.db);
    });
    beforeEach(() => useTestDb(t));
    afterAll(async () => t?.destroy());

    it('upgrades now with proration: BASIC → PREMIUM on 2026-11-16 books −10.00 and +17.50 on the 2026-12-01 bill', async () => {
      const ada = await actorFor(t.db, 'ada@example.com');
      const subscriberId = ada.subscriberId!;
      const before = await subscriptionOf(t.db, subscriberId);
      const ledgerBefore = await ledgerOf(t.db, before.id);

      const preview = await previewChange(ada, { subscriberId, target: cfg('PREMIUM') });
      expect(preview.version).toBe(before.version);
      expect(preview.plan.timing).toBe('now');
      expect(preview.plan.prorationLines.map((l) => [l.code, l.amountCents])).toEqual([
        ['BASIC', -1000],
        ['PREMIUM', 1750],
      ]);
      expect(preview.earlierProrationCents).toBe(0);
      // A preview writes nothing.
      expect(await ledgerOf(t.db, before.id)).toHaveLength(ledgerBefore.length);
      expect((await subscriptionOf(t.db, subscriberId)).version).toBe(before.version);

      const result = await confirmPreview(ada, preview);
      expect(result).toMatchObject({ status: 'applied', effectiveDate: TODAY, replayed: false });
      expect(result.message).toMatch(/^Done\./);

      const orders = await ordersOf(t.db, before.id);
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({
        id: result.orderId,
        kind: 'change',
        status: 'applied',
        idempotencyKey: preview.idempotencyKey,
        actorUserId: ada.userId,
        fromConfig: cfg('BASIC'),
        toConfig: cfg('PREMIUM'),
        effectiveDate: TODAY,
        totalCents: 750,
      });

      const ledger = await ledgerOf(t.db, before.id);
      const proration = ledger.filter((l) => l.kind === 'proration');
      expect(proration.map((l) => [l.itemType, l.itemCode, l.amountCents, l.billPeriodStart, l.orderId])).toEqual([
        ['plan', 'BASIC', -1000, '2026-12-01', result.orderId],
        ['plan', 'PREMIUM', 1750, '2026-12-01', result.orderId],
      ]);
      expect(ledger.length).toBe(ledgerBefore.length + 2); // recurring lines untouched

      const after = await subscriptionOf(t.db, subscriberId);
      expect(after.planCode).toBe('PREMIUM');
      expect(after.version).toBe(before.version + 1);
      expect(after.periodStart).toBe('2026-11-01');
      expect(await configOf(t.db, before.id)).toEqual(cfg('PREMIUM'));

      const audit = (await auditOf(t.db, subscriberId)).filter((e) => e.action === 'change_applied');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actorUserId: ada.userId,
        actorRole: 'subscriber',
        subscriberId,
        outcome: 'ok',
        before: cfg('BASIC'),
        after: cfg('PREMIUM'),
      });
      expect(audit[0]!.detail).toMatchObject({ orderId: result.orderId, prorationCents: 750, effectiveDate: TODAY });

      // The account shows the proration on the next bill, and a new preview counts it.
      const state = await loadAccount(t.db, catalog, subscriberId, TODAY);
      expect(state!.prorationThisPeriod.map((l) => l.amountCents)).toEqual([-1000, 1750]);
      const next = await previewChange(ada, { subscriberId, target: cfg('UNLIMITED') });
      expect(next.earlierProrationCents).toBe(750);
      expect(next.version).toBe(before.version + 1);
    });

    it('adds voicemail on 2026-11-21 (10 of 30 days): +1.67, and the add-on is held from that day', async () => {
      const vera = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC') });
      const actor = await actorFor(t.db, vera.email, '2026-11-21');
      const preview = await previewChange(actor, {
        subscriberId: vera.subscriberId,
        target: cfg('BASIC', 'voicemail'),
      });
      const result = await confirmPreview(actor, preview);
      expect(result.status).toBe('applied');
      const proration = (await ledgerOf(t.db, vera.subscriptionId)).filter((l) => l.kind === 'proration');
      expect(proration.map((l) => [l.itemType, l.itemCode, l.amountCents, l.billPeriodStart])).toEqual([
        ['addon', 'voicemail', 167, '2026-12-01'],
      ]);
      const held = await t.db
        .select()
        .from(s.subscriptionAddOns)
        .where(eq(s.subscriptionAddOns.subscriptionId, vera.subscriptionId));
      expect(held.map((h) => [h.addOnCode, h.addedOn])).toEqual([['voicemail', '2026-11-21']]);
    });

    it('applies a double confirm with one idempotency key once; the repeat replays the first result', async () => {
      const eve = await actorFor(t.db, 'eve@example.com', '2026-11-18');
      const subscriberId = eve.subscriberId!;
      const sub = await subscriptionOf(t.db, subscriberId);
      const preview = await previewChange(eve, {
        subscriberId,
        target: cfg('BASIC', 'call_waiting', 'caller_id', 'ld_300', 'three_way', 'voicemail'),
      });
      expect(preview.plan.timing).toBe('now');
      const first = await confirmPreview(eve, preview);
      const afterFirst = await snapshot(t.db);
      // The repeat carries the preview's (now outdated) version: it is a replay, not a stale confirm.
      const second = await confirmPreview(eve, preview);
      expect(second).toEqual({ ...first, replayed: true });
      expect(first.replayed).toBe(false);
      expect(await snapshot(t.db)).toEqual(afterFirst);
      expect(await ordersOf(t.db, sub.id)).toHaveLength(1);
      expect((await subscriptionOf(t.db, subscriberId)).version).toBe(sub.version + 1);
    });

    it("a change is an intent: after the subscriber adds Caller ID, the agent's stale confirm says so and the fresh preview keeps it", async () => {
      const fresh = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC') });
      const subscriber = on((await loadActor(t.db, fresh.userId))!, TODAY);
      const agent = await actorFor(t.db, 'agent@example.com');
      const subscriberId = fresh.subscriberId;
      const addSaver = { add: ['intl_saver'], remove: [] };
      const agentPreview = await previewChange(agent, { subscriberId, intent: addSaver });
      expect(agentPreview.basis).toEqual(cfg('BASIC'));
      // Meanwhile the subscriber adds Caller ID himself, an hour later on the business clock.
      const own = await previewChange(subscriber, { subscriberId, intent: { add: ['caller_id'], remove: [] } });
      await confirmChange(
        { ...subscriber, now: new Date(`${TODAY}T11:02:00Z`) },
        {
          subscriberId,
          intent: { add: ['caller_id'], remove: [] },
          version: own.version,
          idempotencyKey: own.idempotencyKey,
        },
      );
      const before = await snapshot(t.db);
      const err = await rejection(
        confirmChange(agent, {
          subscriberId,
          intent: addSaver,
          version: agentPreview.version,
          idempotencyKey: agentPreview.idempotencyKey,
          reason: 'Asked by phone.',
          basis: agentPreview.basis,
          previewedAt: agentPreview.previewedAt,
        }),
      );
      expect(err.code).toBe('stale');
      expect(err.message).toContain('Since this preview (at 11:02 UTC): Caller ID was added; it stays.');
      expect(err.message).toMatch(/Nothing was changed/);
      expect(await snapshot(t.db)).toEqual(before);
      // The fresh preview plans the same intent on the account as it is: Caller ID stays.
      const again = await previewChange(agent, { subscriberId, intent: addSaver });
      expect(again.plan.target).toEqual(cfg('BASIC', 'caller_id', 'intl_saver'));
      expect(again.plan.removedAddOns).toEqual([]);
      expect(again.plan.summary).toMatch(/^Add International Saver today/);
      await confirmChange(agent, {
        subscriberId,
        intent: addSaver,
        version: again.version,
        idempotencyKey: again.idempotencyKey,
        reason: 'Asked by phone.',
      });
      expect(await configOf(t.db, fresh.subscriptionId)).toEqual(cfg('BASIC', 'caller_id', 'intl_saver'));
    });

    it('refuses a confirm from an outdated preview as stale and writes nothing', async () => {
      const gus = await actorFor(t.db, 'gus@example.com');
      const subscriberId = gus.subscriberId!;
      // Two tabs: both preview, one confirms.
      const tabA = await previewChange(gus, { subscriberId, target: cfg('BASIC', 'intl_saver') });
      const tabB = await previewChange(gus, { subscriberId, target: cfg('BASIC', 'caller_id') });
      expect(tabA.version).toBe(tabB.version);
      await confirmPreview(gus, tabB);
      const before = await snapshot(t.db);
      const err = await rejection(confirmPreview(gus, tabA));
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('stale');
      expect(err.message).toMatch(/Nothing was changed/);
      expect(await snapshot(t.db)).toEqual(before);
      // A fresh preview then goes through.
      const fresh = await previewChange(gus, { subscriberId, target: cfg('BASIC', 'caller_id', 'intl_saver') });
      expect(fresh.version).toBe(tabA.version + 1);
      await expect(confirmPreview(gus, fresh)).resolves.toMatchObject({ status: 'applied' });
    });

    it("refuses a subscriber acting on another subscriber's account as not found, writing only a 'refused' audit event", async () => {
      const ada = await actorFor(t.db, 'ada@example.com');
      const carla = await actorFor(t.db, 'carla@example.com');
      const carlaId = carla.subscriberId!;
      const preview = await previewChange(carla, { subscriberId: carlaId, target: cfg('UNLIMITED') });
      const before = await snapshot(t.db);

      const err = await rejection(
        confirmChange(ada, {
          subscriberId: carlaId,
          target: cfg('UNLIMITED'),
          version: preview.version,
          idempotencyKey: preview.idempotencyKey,
        }),
      );
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('not_found');

      const after = await snapshot(t.db);
      expect({ ...after, auditRefused: before.auditRefused, auditAll: before.auditAll }).toEqual(before);
      expect(after.auditRefused).toBe(before.auditRefused + 1);
      expect(after.auditAll).toBe(before.auditAll + 1);
      const refused = await t.db
        .select()
        .from(s.auditEvents)
        .where(and(eq(s.auditEvents.actorUserId, ada.userId), eq(s.auditEvents.outcome, 'refused')));
      expect(refused.at(-1)).toMatchObject({ action: 'confirm_change', actorRole: 'subscriber', outcome: 'refused' });

      // Preview, history, offers and cancel are refused the same way.
      for (const attempt of [
        () => previewChange(ada, { subscriberId: carlaId, target: cfg('UNLIMITED') }),
        () => getHistory(ada, carlaId),
        () => getOffers(ada, carlaId),
        () =>
          respondToOffer(ada, { subscriberId: carlaId, offerKey: 'cross_sell:PREMIUM+ld_300', response: 'dismissed' }),
        () => cancelScheduledChange(ada, { subscriberId: carlaId, scheduledChangeId: 1 }),
      ]) {
        expect((await rejection(attempt())).code).toBe('not_found');
      }
      expect((await snapshot(t.db)).auditRefused).toBe(before.auditRefused + 6);
      // Carla's own confirm still works: nothing of hers moved.
      await expect(confirmPreview(carla, preview)).resolves.toMatchObject({ status: 'applied' });
    });

    it('staff: a reason is required, the audit names the agent and the subscriber, and only staff may apply a lower-priced change now', async () => {
      const agent = await actorFor(t.db, 'agent@example.com');
      const kim = await createSubscriber(t.db, { billingDay: 1, config: cfg('PLUS'), name: 'Kim Staffcase' });
      const kimActor = await actorFor(t.db, kim.email);

      // No reason: invalid, nothing written.
      const up = await previewChange(agent, { subscriberId: kim.subscriberId, target: cfg('PREMIUM') });
      let before = await snapshot(t.db);
      for (const reason of [undefined, '', '   ']) {
        const err = await rejection(confirmPreview(agent, up, { reason }));
        expect(err.code).toBe('invalid');
        expect((err as AppError).fieldErrors?.reason).toBeDefined();
      }
      expect(await snapshot(t.db)).toEqual(before);

      // With a reason: applied, audit actor = agent, on behalf of Kim.
      const applied = await confirmPreview(agent, up, { reason: 'Customer asked by phone' });
      expect(applied.status).toBe('applied');
      const [order] = await ordersOf(t.db, kim.subscriptionId);
      expect(order).toMatchObject({ actorUserId: agent.userId, reason: 'Customer asked by phone', status: 'applied' });
      const audit = (await auditOf(t.db, kim.subscriberId)).filter((e) => e.action === 'change_applied');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actorUserId: agent.userId,
        actorRole: 'agent',
        subscriberId: kim.subscriberId,
        reason: 'Customer asked by phone',
        before: cfg('PLUS'),
        after: cfg('PREMIUM'),
      });
      expect(audit[0]!.detail).toMatchObject({ onBehalfOf: kim.subscriberId });

      // A lower-priced change is scheduled by default…
      const down = await previewChange(agent, { subscriberId: kim.subscriberId, target: cfg('PLUS') });
      expect(down.plan.timing).toBe('end_of_period');
      // …and a subscriber may not bring it forward: forbidden, nothing written but the refusal.
      before = await snapshot(t.db);
      expect(
        (
          await rejection(
            previewChange(kimActor, { subscriberId: kim.subscriberId, target: cfg('PLUS'), applyNow: true }),
          )
        ).code,
      ).toBe('forbidden');
      expect(
        (
          await rejection(
            confirmChange(kimActor, {
              subscriberId: kim.subscriberId,
              target: cfg('PLUS'),
              version: down.version,
              idempotencyKey: down.idempotencyKey,
              applyNow: true,
            }),
          )
        ).code,
      ).toBe('forbidden');
      const afterRefusal = await snapshot(t.db);
      expect({ ...afterRefusal, auditRefused: 0, auditAll: 0 }).toEqual({ ...before, auditRefused: 0, auditAll: 0 });
      expect(afterRefusal.auditRefused).toBe(before.auditRefused + 2);

      // The agent, with a reason, applies it now: a prorated credit on the next bill.
      const now = await previewChange(agent, { subscriberId: kim.subscriberId, target: cfg('PLUS'), applyNow: true });
      expect(now.plan.timing).toBe('now');
      const r = await confirmPreview(agent, now, { applyNow: true, reason: 'Goodwill: network outage' });
      expect(r).toMatchObject({ status: 'applied', effectiveDate: TODAY });
      const lines = (await ledgerOf(t.db, kim.subscriptionId)).filter((l) => l.orderId === r.orderId);
      expect(lines.map((l) => [l.kind, l.itemCode, l.amountCents, l.billPeriodStart])).toEqual([
        ['proration', 'PREMIUM', -1750, '2026-12-01'],
        ['proration', 'PLUS', 1250, '2026-12-01'],
      ]);
      expect(await configOf(t.db, kim.subscriptionId)).toEqual(cfg('PLUS'));
      expect(await scheduledOf(t.db, kim.subscriptionId)).toEqual([]);
      const last = (await auditOf(t.db, kim.subscriberId)).at(-1)!;
      expect(last).toMatchObject({
        action: 'change_applied',
        actorUserId: agent.userId,
        reason: 'Goodwill: network outage',
      });
      expect(last.detail).toMatchObject({ applyNow: true, prorationCents: -500 });
    });

    it('replaces a pending change: the earlier scheduled change is marked replaced, and at most one is pending', async () => {
      const hana = await actorFor(t.db, 'hana@example.com');
      const subscriberId = hana.subscriberId!;
      const sub = await subscriptionOf(t.db, subscriberId);

      const p1 = await previewChange(hana, { subscriberId, target: cfg('BASIC') });
      expect(p1.plan.timing).toBe('end_of_period');
      expect(p1.plan.replacesPending).toBeNull();
      const r1 = await confirmPreview(hana, p1);
      expect(r1).toMatchObject({ status: 'scheduled', effectiveDate: sub.periodEnd });

      const p2 = await previewChange(hana, { subscriberId, target: cfg('BASIC', 'caller_id') });
      expect(p2.plan.timing).toBe('end_of_period');
      expect(p2.plan.replacesPending).toEqual({ target: cfg('BASIC'), effectiveDate: sub.periodEnd });
      const r2 = await confirmPreview(hana, p2);

      let scheduled = await scheduledOf(t.db, sub.id);
      expect(scheduled.map((x) => [x.orderId, x.status])).toEqual([
        [r1.orderId, 'replaced'],
        [r2.orderId, 'pending'],
      ]);
      expect(scheduled[0]!.closedBy).toBe(hana.userId);
      expect((await ordersOf(t.db, sub.id)).map((o) => [o.id, o.status])).toEqual([
        [r1.orderId, 'replaced'],
        [r2.orderId, 'scheduled'],
      ]);

      // An immediate change replaces the pending one too.
      const p3 = await previewChange(hana, { subscriberId, target: cfg('PLUS', 'voicemail') });
      expect(p3.plan.timing).toBe('now');
      expect(p3.plan.replacesPending?.target).toEqual(cfg('BASIC', 'caller_id'));
      const r3 = await confirmPreview(hana, p3);
      scheduled = await scheduledOf(t.db, sub.id);
      expect(scheduled.map((x) => x.status)).toEqual(['replaced', 'replaced']);
      expect((await ordersOf(t.db, sub.id)).map((o) => [o.id, o.status])).toEqual([
        [r1.orderId, 'replaced'],
        [r2.orderId, 'replaced'],
        [r3.orderId, 'applied'],
      ]);
      expect(await configOf(t.db, sub.id)).toEqual(cfg('PLUS', 'voicemail'));
      const state = await loadAccount(t.db, catalog, subscriberId, TODAY);
      expect(state!.pending).toBeNull();
      const perSubscription = await t.db.execute(
        sql`select subscription_id from scheduled_changes where status = 'pending' group by subscription_id having count(*) > 1`,
      );
      expect((perSubscription as unknown as { rows: unknown[] }).rows).toEqual([]);
    });

    it('accepts the best-value offer in one step: PREMIUM + ld_300, voicemail removed as redundant, an accepted event with the saving', async () => {
      const ben = await actorFor(t.db, 'ben@example.com');
      const subscriberId = ben.subscriberId!;
      const sub = await subscriptionOf(t.db, subscriberId);
      const offers = await getOffers(ben, subscriberId);
      expect(offers.status).toBe('offers');
      if (offers.status !== 'offers') return;
      const best = offers.offers.find((o) => o.bestValue)!;
      expect(best).toMatchObject({
        key: 'up_sell:PREMIUM+ld_300',
        target: cfg('PREMIUM', 'ld_300'),
        monthlySavingCents: 2000,
        monthlyPriceChangeCents: 500,
      });

      // Impressions: once per offer per day, however often the offers are looked at.
      await getOffers(ben, subscriberId);
      const impressions = await offerEventsOf(t.db, subscriberId, 'impression');
      expect(impressions.map((e) => e.offerKey).sort()).toEqual(offers.offers.map((o) => o.key).sort());
      expect(impressions.every((e) => e.day === TODAY && e.actorUserId === ben.userId)).toBe(true);

      const preview = await previewChange(ben, { subscriberId, target: best.target });
      expect(preview.plan.removedAddOns.map((r) => [r.code, r.reason])).toEqual([['voicemail', 'redundant']]);
      const result = await confirmPreview(ben, preview, { offerKey: best.key });
      expect(result.status).toBe('applied');
      expect(await configOf(t.db, sub.id)).toEqual(cfg('PREMIUM', 'ld_300'));

      const accepted = await offerEventsOf(t.db, subscriberId, 'accepted');
      expect(accepted).toHaveLength(1);
      expect(accepted[0]).toMatchObject({
        offerKey: best.key,
        kind: 'up_sell',
        targetConfig: cfg('PREMIUM', 'ld_300'),
        monthlySavingCents: 2000,
        monthlyPriceChangeCents: 500,
        actorUserId: ben.userId,
        day: TODAY,
      });
      // Voicemail (19 of 30 days left) is credited, not charged.
      const lines = (await ledgerOf(t.db, sub.id)).filter((l) => l.orderId === result.orderId);
      expect(lines.map((l) => l.itemCode).sort()).toEqual(['PLUS', 'PREMIUM', 'voicemail']);
      expect(lines.find((l) => l.itemCode === 'voicemail')!.amountCents).toBeLessThan(0);
    });

    it('does not offer again the change already scheduled from an offer; cancelling it brings the offer back', async () => {
      const f = await createSubscriber(t.db, {
        billingDay: 20,
        config: cfg('BASIC', 'call_waiting', 'caller_id', 'three_way', 'voicemail'),
        usage: { ld: 80 },
      });
      const me = await actorFor(t.db, f.email);
      const keys = async () => {
        const r = await getOffers(me, f.subscriberId);
        return {
          keys: r.status === 'offers' ? r.offers.map((o) => o.key) : [],
          message: r.status === 'offers' ? '' : r.message,
        };
      };
      const offers = await getOffers(me, f.subscriberId);
      if (offers.status !== 'offers') throw new Error('expected offers');
      const best = offers.offers.find((o) => o.bestValue)!;
      expect(best).toMatchObject({
        target: cfg('PLUS', 'three_way', 'voicemail'),
        monthlySavingCents: 1000,
        monthlyPriceChangeCents: -200,
      });
      const preview = await previewChange(me, { subscriberId: f.subscriberId, target: best.target });
      expect(preview.plan.timing).toBe('end_of_period');
      const r = await confirmPreview(me, preview, { offerKey: best.key });
      expect(r.status).toBe('scheduled');
      expect(
        (await offerEventsOf(t.db, f.subscriberId, 'accepted')).map((e) => [e.offerKey, e.monthlySavingCents]),
      ).toEqual([[best.key, 1000]]);

      const after = await keys();
      expect(after.keys).not.toContain(best.key);
      if (after.keys.length === 0) expect(after.message).toMatch(/Nov\s20,\s2026/); // the date in the portal's one style (issue 15)

      const [row] = await scheduledOf(t.db, f.subscriptionId);
      await cancelScheduledChange(me, { subscriberId: f.subscriberId, scheduledChangeId: row!.id });
      expect((await keys()).keys).toContain(best.key);
    });

    it('records no acceptance when the confirmed change is not the offer it names', async () => {
      const f = await createSubscriber(t.db, {
        billingDay: 1,
        config: cfg('BASIC'),
        usage: { ld: 240, unanswered: 12 },
      });
      const actor = await actorFor(t.db, f.email);
      const offers = await getOffers(actor, f.subscriberId);
      if (offers.status !== 'offers') throw new Error('expected offers');
      const preview = await previewChange(actor, { subscriberId: f.subscriberId, target: cfg('BASIC', 'intl_saver') });
      await confirmPreview(actor, preview, { offerKey: offers.offers[0]!.key });
      expect(await offerEventsOf(t.db, f.subscriberId, 'accepted')).toEqual([]);
    });

    it('"Not for me" hides an offer for 90 days and "Remind me later" for 30; impressions once per offer per day', async () => {
      const usage = { ld: 240, unanswered: 12 };
      const f = await createSubscriber(t.db, { billingDay: 1, config: cfg('BASIC'), usage });
      const actor = await actorFor(t.db, f.email);
      const keysOn = async (day: string) => {
        // The usage feed has written every period that ended by then.
        await fillUsage(t.db, f.subscriberId, 1, '2026-08-01', day.slice(0, 8) + '01', usage);
        const r = await getOffers(on(actor, day), f.subscriberId);
        return r.status === 'offers' ? r.offers.map((o) => o.key) : [];
      };
      const initial = await keysOn(TODAY);
      expect(initial).toEqual(['cross_sell:BASIC+ld_300', 'up_sell:PREMIUM', 'cross_sell:BASIC+voicemail']);
      const [dismissed, , snoozed] = initial as [string, string, string];

      expect(
        (await respondToOffer(actor, { subscriberId: f.subscriberId, offerKey: dismissed, response: 'dismissed' }))
          .message,
      ).toMatch(/90 days/);
      expect(
        (await respondToOffer(actor, { subscriberId: f.subscriberId, offerKey: snoozed, response: 'snoozed' })).message,
      ).toMatch(/30 days/);
      const events = await offerEventsOf(t.db, f.subscriberId);
      expect(events.filter((e) => e.eventType === 'dismissed').map((e) => [e.offerKey, e.until])).toEqual([
        [dismissed, addDays(TODAY, 90)],
      ]);
      expect(events.filter((e) => e.eventType === 'snoozed').map((e) => [e.offerKey, e.until])).toEqual([
        [snoozed, addDays(TODAY, 30)],
      ]);

      expect(await keysOn(TODAY)).not.toContain(dismissed);
      expect(await keysOn(TODAY)).not.toContain(snoozed);
      expect(await keysOn(addDays(TODAY, 29))).not.toContain(snoozed);
      expect(await keysOn(addDays(TODAY, 30))).toContain(snoozed);
      expect(await keysOn(addDays(TODAY, 89))).not.toContain(dismissed);
      expect(await keysOn(addDays(TODAY, 90))).toContain(dismissed);

      // Impressions: per offer shown, once a day.
      const impressions = await offerEventsOf(t.db, f.subscriberId, 'impression');
      const perDay = new Map<string, string[]>();
      for (const e of impressions) perDay.set(e.day, [...(perDay.get(e.day) ?? []), e.offerKey]);
      for (const [, keys] of perDay) expect(new Set(keys).size).toBe(keys.length);
      expect(perDay.get(TODAY)!.sort()).toEqual([...initial].sort());
      expect(perDay.get(addDays(TODAY, 29))).not.toContain(snoozed);
      expect(perDay.get(addDays(TODAY, 30))).toContain(snoozed);

      // Staff looking at the offers is not an impression.
      const agent = await actorFor(t.db, 'agent@example.com', addDays(TODAY, 91));
      const n = impressions.length;
      await getOffers(agent, f.subscriberId);
      expect(await offerEventsOf(t.db, f.subscriberId, 'impression')).toHaveLength(n);
      // An unknown offer can't be dismissed.
      expect(
        (
          await rejection(
            respondToOffer(actor, {
              subscriberId: f.subscriberId,
              offerKey: 'cross_sell:BASIC+nope',
              response: 'dismissed',
            }),
          )
        ).code,
      ).toBe('not_found');
    });

    it('lists the history newest first, with "You" or the agent who made each change', async () => {
      const f = await createSubscriber(t.db, { billingDay: 1, config: cfg('PLUS'), name: 'Hugo History' });
      const me = await actorFor(t.db, f.email);
      const agent = await actorFor(t.db, 'agent@example.com');
      const r1 = await confirmPreview(
        me,
        await previewChange(me, { subscriberId: f.subscriberId, target: cfg('PREMIUM') }),
      );
      const r2 = await confirmPreview(
        agent,
        await previewChange(agent, { subscriberId: f.subscriberId, target: cfg('UNLIMITED') }),
        { reason: 'Asked for unlimited' },
      );
      const r3 = await confirmPreview(
        me,
        await previewChange(me, { subscriberId: f.subscriberId, target: cfg('PLUS') }),
      );

      const history = await getHistory(me, f.subscriberId);
      expect(history.map((h) => h.orderId)).toEqual([r3.orderId, r2.orderId, r1.orderId]);
      expect(history.map((h) => [h.status, h.by, h.byStaff])).toEqual([
        ['scheduled', 'You', false],
        ['applied', expect.stringContaining('Sam Rivera'), true],
        ['applied', 'You', false],
      ]);
      expect(history[1]).toMatchObject({
        reason: 'Asked for unlimited',
        description: 'Premium → Unlimited',
        monthlyFromCents: 3500,
        monthlyToCents: 5000,
      });
      expect(history[1]!.lines.map((l) => l.amountCents)).toEqual([-1750, 2500]);
      expect(history[1]!.prorationCents).toBe(750);
      expect(history[0]).toMatchObject({ effectiveDate: '2026-12-01', prorationCents: 0, lines: [] });

      // The agent sees the same list, naming the subscriber for their own changes.
      const seenByAgent = await getHistory(agent, f.subscriberId);
      expect(seenByAgent.map((h) => h.by)).toEqual([
        'Hugo History',
        expect.stringContaining('Sam Rivera'),
        'Hugo History',
      ]);
    });

    it('reads the day from the one clock: the test clock moves every actor, and only an admin (or the test token) may move it', async () => {
      const adaId = (
        await t.db.select({ id: s.users.id }).from(s.users).where(eq(s.users.email, 'ada@example.com'))
      )[0]!.id;
      const admin = await actorFor(t.db, 'admin@example.com');
      const ada = await actorFor(t.db, 'ada@example.com');
      expect((await rejection(moveClock(ada, { advanceDays: 1 }))).code).toBe('forbidden');

      const state = await moveClock(admin, { set: '2026-12-10T09:00:00Z' });
      expect(state.enabled).toBe(true);
      expect((await loadActor(t.db, adaId))!.today).toBe('2026-12-10');
      await moveClock(TEST_CLOCK_ACTOR, { advanceDays: 2 });
      expect((await loadActor(t.db, adaId))!.today).toBe('2026-12-12');
      expect((await rejection(moveClock(admin, { set: 'not a date' }))).code).toBe('invalid');
      expect((await rejection(moveClock(admin, { advanceDays: Number.NaN }))).code).toBe('invalid');
      expect((await rejection(moveClock(admin, { advanceDays: Number.POSITIVE_INFINITY }))).code).toBe('invalid');
      expect((await loadActor(t.db, adaId))!.today).toBe('2026-12-12');
      const moves = await t.db
        .select()
        .from(s.auditEvents)
        .where(and(eq(s.auditEvents.action, 'move_test_clock'), eq(s.auditEvents.outcome, 'ok')));
      expect(moves.map((m) => m.actorRole)).toEqual(['admin', 'test-suite']);
      await moveClock(admin, { reset: true });
      expect((await loadActor(t.db, adaId))!.today).toBe(new Date().toISOString().slice(0, 10));
    });
  });

  describe('period rollover', () => {
    let t: TestDb;
    let catalog: Catalog;
    beforeAll(async () => {
      t = await createTestDb(driver, { today: TODAY });
      useTestDb(t);
      catalog = await getCatalog(t.db);
    });
    beforeEach(() => useTestDb(t));
    afterAll(async () => t?.destroy());

    it('schedules a downgrade for the period end, and the rollover job applies it and books the new period once', async () => {
      const carla = await actorFor(t.db, 'carla@example.com');
      const subscriberId = carla.subscriberId!;
      const sub = await subscriptionOf(t.db, subscriberId);
      expect([sub.periodStart, sub.periodEnd]).toEqual(['2026-11-10', '2026-12-10']);
      const ledgerBefore = await ledgerOf(t.db, sub.id);

      const preview = await previewChange(carla, { subscriberId, target: cfg('BASIC') });
      expect(preview.plan).toMatchObject({
        timing: 'end_of_period',
        effectiveDate: '2026-12-10',
        prorationLines: [],
        prorationTotalCents: 0,
      });
      const result = await confirmPreview(carla, preview);
      expect(result).toMatchObject({ status: 'scheduled', effectiveDate: '2026-12-10', replayed: false });
      expect(result.message).toMatch(/cancel/i);

      // Nothing changes now.
      expect(await configOf(t.db, sub.id)).toEqual(cfg('PREMIUM'));
      expect(await ledgerOf(t.db, sub.id)).toEqual(ledgerBefore);
      expect((await subscriptionOf(t.db, subscriberId)).version).toBe(sub.version + 1);
      const [order] = await ordersOf(t.db, sub.id);
      expect(order).toMatchObject({
        id: result.orderId,
        status: 'scheduled',
        effectiveDate: '2026-12-10',
        totalCents: 0,
      });
      const [pending] = await scheduledOf(t.db, sub.id);
      expect(pending).toMatchObject({
        orderId: result.orderId,
        status: 'pending',
        targetConfig: cfg('BASIC'),
        effectiveDate: '2026-12-10',
        createdBy: carla.userId,
      });
      expect((await auditOf(t.db, subscriberId)).at(-1)).toMatchObject({
        action: 'change_scheduled',
        actorUserId: carla.userId,
        before: cfg('PREMIUM'),
        after: cfg('BASIC'),
      });
      // The last day of the period: still nothing.
      await rolloverDue(t.db, catalog, '2026-12-09');
      expect((await loadAccount(t.db, catalog, subscriberId, '2026-12-09'))!.config).toEqual(cfg('PREMIUM'));
      expect(await ledgerOf(t.db, sub.id)).toEqual(ledgerBefore);

      // The boundary: the job applies it, with nobody visiting.
      const job = await rolloverDue(t.db, catalog, '2026-12-10');
      expect(job.periods).toBeGreaterThanOrEqual(1);
      const rolled = await subscriptionOf(t.db, subscriberId);
      expect(rolled).toMatchObject({
        planCode: 'BASIC',
        periodStart: '2026-12-10',
        periodEnd: '2027-01-10',
        version: sub.version + 2,
      });
      expect(await configOf(t.db, sub.id)).toEqual(cfg('BASIC'));
      const booked = (await ledgerOf(t.db, sub.id)).filter((l) => l.billPeriodStart === '2026-12-10');
      expect(booked.map((l) => [l.kind, l.itemType, l.itemCode, l.amountCents, l.orderId])).toEqual([
        ['recurring', 'plan', 'BASIC', 2000, result.orderId],
      ]);
      expect((await scheduledOf(t.db, sub.id)).map((x) => x.status)).toEqual(['applied']);
      expect((await ordersOf(t.db, sub.id)).map((o) => o.status)).toEqual(['applied']);
      expect((await auditOf(t.db, subscriberId)).at(-1)).toMatchObject({
        action: 'scheduled_change_applied',
        outcome: 'ok',
        before: cfg('PREMIUM'),
        after: cfg('BASIC'),
      });

      // Again, and a reader: nothing new.
      const ledgerAfter = await ledgerOf(t.db, sub.id);
      expect(await rolloverDue(t.db, catalog, '2026-12-10')).toEqual({ subscriptions: 0, periods: 0, failed: [] });
      await rolloverDue(t.db, catalog, '2026-12-11');
      await loadAccount(t.db, catalog, subscriberId, '2026-12-10');
      await loadAccount(t.db, catalog, subscriberId, '2027-01-09');
      expect(await ledgerOf(t.db, sub.id)).toEqual(ledgerAfter);
      expect((await subscriptionOf(t.db, subscriberId)).version).toBe(sub.version + 2);
      // Across the database: a period's recurring line is never booked twice.
      const twice = await t.db.execute(
        sql`select subscription_id from ledger_lines where kind = 'recurring' group by subscription_id, bill_period_start, item_type, item_code having count(*) > 1`,
      );
      expect((twice as unknown as { rows: unknown[] }).rows).toEqual([]);
    });

    it('cancels a scheduled change: cancelled, version bumped, never applied by the rollover; a second cancel is a conflict that writes nothing', async () => {
      const dev = await actorFor(t.db, 'dev@example.com');
      const subscriberId = dev.subscriberId!;
      const sub = await subscriptionOf(t.db, subscriberId);
      const preview = await previewChange(dev, { subscriberId, target: cfg('PREMIUM') });
      const scheduled = await confirmPreview(dev, preview);
      expect(scheduled.status).toBe('scheduled');
      const [row] = await scheduledOf(t.db, sub.id);
      // Another tab previews an upgrade before the cancel.
      const otherTab = await previewChange(dev, { subscriberId, target: cfg('UNLIMITED', 'intl_saver') });

      const r = await cancelScheduledChange(dev, { subscriberId, scheduledChangeId: row!.id });
      expect(r.message).toMatch(/Cancelled/);
      const [cancelled] = await scheduledOf(t.db, sub.id);
      expect(cancelled).toMatchObject({ status: 'cancelled', closedBy: dev.userId });
      expect(cancelled!.closedAt).not.toBeNull();
      expect((await ordersOf(t.db, sub.id)).map((o) => o.status)).toEqual(['cancelled']);
      expect((await subscriptionOf(t.db, subscriberId)).version).toBe(sub.version + 2);
      expect((await auditOf(t.db, subscriberId)).at(-1)).toMatchObject({
        action: 'scheduled_change_cancelled',
        actorUserId: dev.userId,
        outcome: 'ok',
      });
      // The old preview is outdated by the cancel.
      expect((await rejection(confirmPreview(dev, otherTab))).code).toBe('stale');

      const before = await snapshot(t.db);
      const err = await rejection(cancelScheduledChange(dev, { subscriberId, scheduledChangeId: row!.id }));
      expect(err.code).toBe('conflict');
      expect(await snapshot(t.db)).toEqual(before);
      // An id that is not this subscription's: not found.
      expect((await rejection(cancelScheduledChange(dev, { subscriberId, scheduledChangeId: 2_000_000 }))).code).toBe(
        'not_found',
      );

      await rolloverDue(t.db, catalog, '2026-12-15');
      expect(await configOf(t.db, sub.id)).toEqual(cfg('UNLIMITED'));
      expect((await subscriptionOf(t.db, subscriberId)).periodStart).toBe('2026-12-15');
      const booked = (await ledgerOf(t.db, sub.id)).filter((l) => l.billPeriodStart === '2026-12-15');
      expect(booked.map((l) => [l.itemCode, l.amountCents, l.orderId])).toEqual([['UNLIMITED', 5000, null]]);
      expect((await scheduledOf(t.db, sub.id)).map((x) => x.status)).toEqual(['cancelled']);
      expect((await ordersOf(t.db, sub.id)).map((o) => o.status)).toEqual(['cancelled']);
    });

    it('an agent cancelling needs a reason; a change that already took effect can no longer be cancelled', async () => {
      const agent = await actorFor(t.db, 'agent@example.com');
      const f = await createSubscriber(t.db, { billingDay: 3, config: cfg('PLUS', 'voicemail') });
      const me = await actorFor(t.db, f.email);
      const r = await confirmPreview(
        me,
        await previewChange(me, { subscriberId: f.subscriberId, target: cfg('PLUS') }),
      );
      expect(r).toMatchObject({ status: 'scheduled', effectiveDate: '2026-12-03' });
      const [row] = await scheduledOf(t.db, f.subscriptionId);
      expect(
        (await rejection(cancelScheduledChange(agent, { subscriberId: f.subscriberId, scheduledChangeId: row!.id })))
          .code,
      ).toBe('invalid');
      // On the effective day the reader closes the period first, so the change has happened.
      const err = await rejection(
        cancelScheduledChange(on(me, '2026-12-03'), { subscriberId: f.subscriberId, scheduledChangeId: row!.id }),
      );
      expect(err.code).toBe('conflict');
      expect(err.message).toMatch(/already taken effect/);
      expect(await configOf(t.db, f.subscriptionId)).toEqual(cfg('PLUS'));
      const booked = (await ledgerOf(t.db, f.subscriptionId)).filter((l) => l.billPeriodStart === '2026-12-03');
      expect(booked.map((l) => l.itemCode)).toEqual(['PLUS']);
    });

    it('catches up on several periods at once, applying the scheduled change at its boundary only', async () => {
      const f = await createSubscriber(t.db, { billingDay: 31, config: cfg('PREMIUM', 'ld_300') });
      const me = await actorFor(t.db, f.email);
      const r = await confirmPreview(
        me,
        await previewChange(me, { subscriberId: f.subscriberId, target: cfg('PLUS', 'ld_300', 'voicemail') }),
      );
      expect(r.effectiveDate).toBe('2026-11-30');
      await rolloverDue(t.db, catalog, '2027-03-01');
      const recurring = (await ledgerOf(t.db, f.subscriptionId)).filter((l) => l.kind === 'recurring');
      const byPeriod = new Map<string, string[]>();
      for (const l of recurring)
        byPeriod.set(l.billPeriodStart, [...(byPeriod.get(l.billPeriodStart) ?? []), l.itemCode]);
      expect([...byPeriod.entries()]).toEqual([
        ['2026-10-31', ['PREMIUM', 'ld_300']],
        ['2026-11-30', ['PLUS', 'ld_300', 'voicemail']],
        ['2026-12-31', ['PLUS', 'ld_300', 'voicemail']],
        ['2027-01-31', ['PLUS', 'ld_300', 'voicemail']],
        ['2027-02-28', ['PLUS', 'ld_300', 'voicemail']],
      ]);
      expect(await subscriptionOf(t.db, f.subscriberId)).toMatchObject({
        periodStart: '2027-02-28',
        periodEnd: '2027-03-31',
      });
      // The add-on kept through the change keeps the day it was added; the new one is held from the boundary.
      const held = await t.db
        .select()
        .from(s.subscriptionAddOns)
        .where(eq(s.subscriptionAddOns.subscriptionId, f.subscriptionId));
      expect(held.map((h) => [h.addOnCode, h.addedOn]).sort()).toEqual([
        ['ld_300', '2026-07-31'],
        ['voicemail', '2026-11-30'],
      ]);
      // The latest period is billed at the catalog's full prices for the configuration in force.
      expect(
        recurringLines(catalog, cfg('PLUS', 'ld_300', 'voicemail'), {
          start: '2027-02-28',
          end: '2027-03-31',
          days: 31,
        }).map((l) => l.code),
      ).toEqual(byPeriod.get('2027-02-28'));
    });

    it('the rollover job keeps going past a subscription it cannot close', async () => {
      const broken = await createSubscriber(t.db, { billingDay: 2, config: cfg('BASIC') });
      const fine = await createSubscriber(t.db, { billingDay: 2, config: cfg('BASIC') });
      // A scheduled change whose target is no longer in the catalog (written around the data layer).
      const [bad] = await t.db
        .insert(s.scheduledChanges)
        .values({ subscriptionId: broken.subscriptionId, targetConfig: cfg('GONE'), effectiveDate: '2026-12-02' })
        .returning();
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        // `broken` comes first (lower id): the job must not stop there.
        expect(broken.subscriptionId).toBeLessThan(fine.subscriptionId);
        const result = await rolloverDue(t.db, catalog, '2026-12-02');
        expect(result.failed).toEqual([broken.subscriptionId]);
        expect(result.periods).toBeGreaterThanOrEqual(1);
        expect(logged).toHaveBeenCalledWith(
          expect.stringContaining(`subscription ${broken.subscriptionId} could not be closed`),
        );
      } finally {
        logged.mockRestore();
      }
      expect((await subscriptionOf(t.db, fine.subscriberId)).periodStart).toBe('2026-12-02');
      // Nothing of the failed one was half-written; once repaired, the next run closes it.
      expect((await subscriptionOf(t.db, broken.subscriberId)).periodStart).toBe('2026-11-02');
      expect((await ledgerOf(t.db, broken.subscriptionId)).filter((l) => l.billPeriodStart === '2026-12-02')).toEqual(
        [],
      );
      await t.db.update(s.scheduledChanges).set({ status: 'cancelled' }).where(eq(s.scheduledChanges.id, bad!.id));
      expect((await rolloverDue(t.db, catalog, '2026-12-02')).failed).toEqual([]);
      expect((await subscriptionOf(t.db, broken.subscriberId)).periodStart).toBe('2026-12-02');
    });
  });
});
