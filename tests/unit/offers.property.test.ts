/**
 * Property tests for offers (spec section 4), against brute force over the whole
 * configuration space of the real catalog (all plans, LEGACY included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import {
  allConfigurations,
  configKey,
  features,
  findPlan,
  isValidConfiguration,
  planSelectable,
} from '@/lib/domain/catalog';
import { monthlyCost, monthlyRecurringCents } from '@/lib/domain/pricing';
import type { Configuration, PeriodUsage, UsageProfile } from '@/lib/domain/types';
import {
  BEST_VALUE_MIN_SAVING_CENTS,
  MAX_OFFERS,
  MIN_MONTHLY_SAVING_CENTS,
  SIGNAL_RULES,
  signalFeature,
  bestValue,
  computeOffers,
  offerKey,
  usageProfile,
  type OfferSuppression,
  type OffersResult,
} from '@/lib/domain/offers';

const catalog = catalogData;
const ALL = allConfigurations(
  catalog,
  catalog.plans.map((p) => p.code),
);
const TODAY = '2026-04-05';
const RUNS = { numRuns: 400 };

const cost = (c: Configuration, u: UsageProfile) => monthlyCost(catalog, c, u).totalCents;
const featureSet = (c: Configuration) => new Set(features(catalog, c));
const keeps = (from: Configuration, to: Configuration) => {
  const have = featureSet(to);
  return features(catalog, from).every((f) => have.has(f));
};
const tier = (c: Configuration) => findPlan(catalog, c.planCode)!.tier;

const arbCurrent = fc.constantFrom(...ALL);

/** A profile as the app builds it: from 1–5 period records (the last 3 averaged). */
const arbPeriod = fc.record({
  ldMinutes: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constantFrom(0, 50, 100, 300, 400, 500, 800, 1100)),
  intlMinutes: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(0)),
  unansweredCalls: fc.integer({ min: 0, max: 15 }),
  missedWhileBusy: fc.integer({ min: 0, max: 8 }),
});
const arbUsage: fc.Arbitrary<UsageProfile> = fc.array(arbPeriod, { minLength: 1, maxLength: 5 }).map((records) => {
  const periods: PeriodUsage[] = records.map((r, i) => ({
    ...r,
    periodStart: `2025-${String(i + 1).padStart(2, '0')}-01`,
  }));
  return usageProfile(periods)!;
});

function run(current: Configuration, usage: UsageProfile, suppressed: OfferSuppression[] = []): OffersResult {
  return computeOffers({ catalog, current, usage, suppressed, today: TODAY });
}

/** Brute force: the cheapest selectable, valid, feature-keeping configuration's cost. */
function bruteForceBest(current: Configuration, usage: UsageProfile): number {
  let best = Infinity;
  for (const c of ALL) {
    if (!planSelectable(catalog, current.planCode, c.planCode) || !keeps(current, c)) continue;
    best = Math.min(best, cost(c, usage));
  }
  return best;
}

describe('offers properties', () => {
  it('best value is never more expensive than any valid configuration keeping the held features', () => {
    fc.assert(
      fc.property(arbCurrent, arbUsage, (current, usage) => {
        const bv = bestValue(catalog, current, usage);
        expect(isValidConfiguration(catalog, bv.config)).toBe(true);
        expect(planSelectable(catalog, current.planCode, bv.config.planCode)).toBe(true);
        expect(keeps(current, bv.config)).toBe(true);
        expect(bv.costCents).toBe(cost(bv.config, usage));
        expect(bv.costCents).toBe(bruteForceBest(current, usage));
        expect(bv.costCents).toBeLessThanOrEqual(cost(current, usage));
        // Ties keep the current configuration.
        if (bv.costCents === cost(current, usage)) expect(configKey(bv.config)).toBe(configKey(current));
      }),
      RUNS,
    );
  });

  it('every offer states exact numbers, is allowed, new, keeps features and has evidence', () => {
    fc.assert(
      fc.property(arbCurrent, arbUsage, (current, usage) => {
        const r = run(current, usage);
        const currentCost = cost(current, usage);
        if (r.status === 'no_usage') throw new Error('usage was given');
        expect(r.currentCostCents).toBe(currentCost);
        if (r.status === 'none') return;
        expect(r.offers.length).toBeGreaterThan(0);
        expect(r.offers.length).toBeLessThanOrEqual(MAX_OFFERS);
        expect(new Set(r.offers.map((o) => configKey(o.target))).size).toBe(r.offers.length);
        for (const o of r.offers) {
          expect(o.monthlySavingCents).toBe(currentCost - cost(o.target, usage));
          expect(o.targetCostCents).toBe(cost(o.target, usage));
          expect(o.currentCostCents).toBe(currentCost);
          expect(o.monthlyPriceChangeCents).toBe(
            monthlyRecurringCents(catalog, o.target) - monthlyRecurringCents(catalog, current),
          );
          expect(configKey(o.target)).not.toBe(configKey(current));
          expect(isValidConfiguration(catalog, o.target)).toBe(true);
          expect(planSelectable(catalog, current.planCode, o.target.planCode)).toBe(true);
          expect(keeps(current, o.target)).toBe(true);
          expect(o.key).toBe(offerKey(o.kind, o.target));
          // Kinds.
          if (o.kind === 'up_sell') expect(tier(o.target)).toBeGreaterThan(tier(current));
          else expect(tier(o.target)).toBeLessThanOrEqual(tier(current));
          if (o.kind === 'cross_sell') expect(o.target.planCode).toBe(current.planCode);
          // Evidence.
          const gained = features(catalog, o.target).filter((f) => !featureSet(current).has(f));
          expect(o.addsFeatures).toEqual(gained);
          const signalled = SIGNAL_RULES.filter(
            (s) => usage[s.measure] >= s.threshold && gained.includes(signalFeature(catalog, s.signal) ?? ''),
          );
          if (o.evidence.type === 'saving') {
            expect(o.evidence.monthlySavingCents).toBe(o.monthlySavingCents);
            expect(o.monthlySavingCents).toBeGreaterThanOrEqual(
              Math.min(MIN_MONTHLY_SAVING_CENTS, BEST_VALUE_MIN_SAVING_CENTS),
            );
          } else {
            const ev = o.evidence;
            expect(signalled.map((s) => s.signal)).toContain(ev.signal);
            expect(ev.perMonth).toBe(usage[SIGNAL_RULES.find((s) => s.signal === ev.signal)!.measure]);
          }
          expect(o.removes).toEqual(current.addOns.filter((a) => !o.target.addOns.includes(a)));
          expect(o.talkingPoints.length).toBeGreaterThan(0);
          expect(o.explanation.length).toBeGreaterThan(0);
        }
        // Ranking: saving offers first, by saving.
        const savings = r.offers.filter((o) => o.evidence.type === 'saving');
        expect(r.offers.slice(0, savings.length)).toEqual(savings);
        for (let i = 1; i < savings.length; i++) {
          expect(savings[i - 1]!.monthlySavingCents).toBeGreaterThanOrEqual(savings[i]!.monthlySavingCents);
        }
      }),
      RUNS,
    );
  });

  it('best value is offered first when it saves at least 1.00 a month', () => {
    fc.assert(
      fc.property(arbCurrent, arbUsage, (current, usage) => {
        const bv = bestValue(catalog, current, usage);
        const saving = cost(current, usage) - bv.costCents;
        const r = run(current, usage);
        const flagged = r.status === 'offers' ? r.offers.filter((o) => o.bestValue) : [];
        if (saving >= BEST_VALUE_MIN_SAVING_CENTS) {
          expect(r.status).toBe('offers');
          expect(flagged).toHaveLength(1);
          expect(r.status === 'offers' && r.offers[0]!.bestValue).toBe(true);
          expect(configKey(flagged[0]!.target)).toBe(configKey(bv.config));
          expect(flagged[0]!.monthlySavingCents).toBe(saving);
        } else {
          expect(flagged).toHaveLength(0);
          // Nothing saves 1.00 or more, so only signal offers remain.
          if (r.status === 'offers') for (const o of r.offers) expect(o.evidence.type).toBe('signal');
        }
      }),
      RUNS,
    );
  });

  it('suppressed keys never appear; expired ones change nothing', () => {
    fc.assert(
      fc.property(
        arbCurrent,
        arbUsage,
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.constantFrom('2026-04-06', '2026-07-04', '2027-01-01'),
        fc.constantFrom('2026-04-05', '2026-01-01'),
        (current, usage, pick, future, past) => {
          const base = run(current, usage);
          if (base.status !== 'offers') return;
          const hidden = base.offers.filter((_, i) => pick[i]).map((o) => o.key);
          const suppressed = [
            ...hidden.map((key) => ({ key, until: future })),
            ...base.offers.filter((_, i) => !pick[i]).map((o) => ({ key: o.key, until: past })),
          ];
          const r = run(current, usage, suppressed);
          const keys = r.status === 'offers' ? r.offers.map((o) => o.key) : [];
          for (const k of hidden) expect(keys).not.toContain(k);
          // The offers not suppressed keep their order and still come first.
          const kept = base.offers.map((o) => o.key).filter((k) => !hidden.includes(k));
          expect(keys.slice(0, kept.length)).toEqual(kept);
          if (r.status === 'offers') expect(r.offers.length).toBeLessThanOrEqual(MAX_OFFERS);
          // Expired suppressions only: identical to no suppression.
          expect(
            run(
              current,
              usage,
              base.offers.map((o) => ({ key: o.key, until: past })),
            ),
          ).toEqual(base);
        },
      ),
      RUNS,
    );
  });

  it('is deterministic (same input, same output; also for an equal catalog object)', () => {
    fc.assert(
      fc.property(arbCurrent, arbUsage, (current, usage) => {
        const a = run(current, usage);
        expect(run({ planCode: current.planCode, addOns: [...current.addOns] }, { ...usage })).toEqual(a);
        expect(
          computeOffers({ catalog: structuredClone(catalog), current, usage, suppressed: [], today: TODAY }),
        ).toEqual(a);
      }),
      { numRuns: 100 },
    );
  });

  it('never offers a retired plan to someone who does not have it', () => {
    fc.assert(
      fc.property(arbCurrent, arbUsage, (current, usage) => {
        const r = run(current, usage);
        if (r.status !== 'offers') return;
        for (const o of r.offers) {
          const plan = findPlan(catalog, o.target.planCode)!;
          if (plan.status === 'retired') expect(o.target.planCode).toBe(current.planCode);
        }
      }),
      RUNS,
    );
  });

  it('without usage, says offers come after the first full period', () => {
    fc.assert(
      fc.property(arbCurrent, (current) => {
        expect(computeOffers({ catalog, current, usage: null, suppressed: [], today: TODAY }).status).toBe('no_usage');
      }),
      { numRuns: 20 },
    );
  });
});
