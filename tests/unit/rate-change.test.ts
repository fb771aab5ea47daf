/**
 * Pay-per-use rate changes (issue 20, docs/catalog.md "Rate changes"): who is affected, the
 * 30-day rule, the revenue estimate from each subscriber's own average usage, and the rate
 * protection as usage rating sees it (a period that starts before the day keeps the old rate).
 */
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import { holderCatalog, usageRatingCatalog, type PriceProtection } from '@/lib/domain/catalog';
import { rateUsage } from '@/lib/domain/bills';
import { affectedByRate, appliedRate, rateChangeImpact, rateChangeProblems, withRate } from '@/lib/domain/pricing';
import { planChange } from '@/lib/domain/changes';
import type { Configuration, UsageProfile } from '@/lib/domain/types';

const cfg = (planCode: string, ...addOns: string[]): Configuration => ({ planCode, addOns: addOns.sort() });
const usage = (ldMinutes: number, intlMinutes: number): UsageProfile => ({
  ldMinutes,
  intlMinutes,
  unansweredCalls: 0,
  missedWhileBusy: 0,
  periods: 3,
});

describe('who a rate change affects', () => {
  it.each([
    // [configuration, rate, new cents, affected?, rate paid before]
    [cfg('BASIC'), 'ld_overage', 12, true, 10],
    [cfg('PREMIUM', 'ld_300'), 'ld_overage', 12, true, 10],
    [cfg('PLUS', 'ld_unlimited'), 'ld_overage', 12, false, null],
    [cfg('UNLIMITED'), 'ld_overage', 12, false, null],
    [cfg('BASIC'), 'intl', 30, true, 25],
    [cfg('UNLIMITED'), 'intl', 30, true, 25],
    [cfg('BASIC', 'intl_saver'), 'intl', 30, false, 5],
    // A new catalog rate below International Saver's reaches its holders too: they pay the lower.
    [cfg('BASIC', 'intl_saver'), 'intl', 4, true, 5],
    [cfg('BASIC'), 'intl', 4, true, 25],
  ] as const)('%o, %s → %i: affected %s (pays %s now)', (config, code, cents, affected, now) => {
    expect(appliedRate(catalogData, config, code)).toBe(now);
    expect(affectedByRate(catalogData, config, code, cents)).toBe(affected);
  });
});

describe('rate change problems', () => {
  const base = { code: 'ld_overage', oldCents: 10, noticeDay: '2026-11-16', effectiveOn: '2026-12-16' };
  it.each([
    [{ newCents: 12 }, []],
    [{ newCents: 8 }, []],
    [{ newCents: 0 }, []],
    [{ newCents: 12, effectiveOn: '2026-12-15' }, ['the new rate can reach them on 2026-12-16 at the earliest']],
    // A cut waits 30 days too, as a monthly price cut does.
    [{ newCents: 8, effectiveOn: '2026-11-16' }, ['at the earliest']],
    [{ newCents: 10 }, ['already cost 0.10 each']],
    [{ newCents: -1 }, ['whole number of cents per minute']],
    [{ newCents: 1.5 }, ['whole number of cents per minute']],
    [{ code: 'fax', newCents: 12 }, ['not a pay-per-use rate']],
  ] as const)('%o → %o', (change, expected) => {
    const problems = rateChangeProblems({ ...base, ...change });
    expect(problems).toHaveLength(expected.length);
    expected.forEach((words, i) => {
      expect(problems[i]).toContain(words);
    });
  });
});

describe('the revenue estimate: each affected subscriber at their own average usage', () => {
  const holders = [
    // Basic, 240 minutes a month on average: 240 beyond the allowance.
    { config: cfg('BASIC'), usage: usage(240, 0) },
    // Plus (100 included), 150.5 minutes: 50.5 beyond → 50.5 × 10 = 505, × 12 = 606.
    { config: cfg('PLUS'), usage: usage(150.5, 0) },
    // Premium, within its 500: affected (it may pay the rate) but no change at its usage.
    { config: cfg('PREMIUM'), usage: usage(400, 0) },
    // Unlimited long distance: not affected.
    { config: cfg('UNLIMITED'), usage: usage(2000, 0) },
    // No complete period yet: affected, nothing to estimate from.
    { config: cfg('BASIC'), usage: null },
  ];

  it('long-distance overage 10 → 12 cents', () => {
    // 240 × 2 = 480; 606 − 505 = 101; 0.
    expect(rateChangeImpact(catalogData, holders, 'ld_overage', 12)).toEqual({
      affected: 4,
      withUsage: 3,
      monthlyRevenueChangeCents: 480 + 101,
    });
  });

  it('long-distance overage cut to 7 cents', () => {
    // 240 × −3 = −720; round(50.5 × 7) = 354 (353.5 half away from zero) − 505 = −151.
    expect(rateChangeImpact(catalogData, holders, 'ld_overage', 7).monthlyRevenueChangeCents).toBe(-720 - 151);
  });

  it('international 25 → 30 cents, Saver holders untouched', () => {
    const intl = [
      { config: cfg('BASIC'), usage: usage(0, 120) },
      { config: cfg('BASIC', 'intl_saver'), usage: usage(0, 400) },
      { config: cfg('UNLIMITED'), usage: usage(0, 33.2) },
    ];
    // 120 × 5 = 600; 33.2 × 30 − 33.2 × 25 = 996 − 830 = 166.
    expect(rateChangeImpact(catalogData, intl, 'intl', 30)).toEqual({
      affected: 2,
      withUsage: 2,
      monthlyRevenueChangeCents: 600 + 166,
    });
  });
});

describe('rate protection', () => {
  const raised = withRate(catalogData, 'ld_overage', 12);
  const protection: PriceProtection = {
    priceChangeId: 7,
    itemType: 'rate',
    code: 'ld_overage',
    oldCents: 10,
    effectiveOn: '2026-12-16',
  };

  it('the holder catalog has the old rate until the day, the new one from it; other rates and prices untouched', () => {
    const on = (day: string) => holderCatalog(raised, [protection], day);
    expect(on('2026-11-16').rates).toEqual({ ldOverageCentsPerMinute: 10, intlCentsPerMinute: 25 });
    expect(on('2026-12-15').rates.ldOverageCentsPerMinute).toBe(10);
    expect(on('2026-12-16')).toBe(raised);
    expect(on('2026-11-16').plans).toEqual(raised.plans);
  });

  it.each([
    // [period, rate charged]: a period that starts before the day keeps the old rate, whole.
    [{ start: '2026-11-01', end: '2026-12-01' }, 10],
    [{ start: '2026-12-01', end: '2027-01-01' }, 10],
    [{ start: '2026-12-16', end: '2027-01-16' }, 12],
    [{ start: '2027-01-01', end: '2027-02-01' }, 12],
  ])('usage of %o is rated at %i cents', (period, rate) => {
    const rating = rateUsage(usageRatingCatalog(raised, [protection], period), cfg('BASIC'), {
      ldMinutes: 240,
      intlMinutes: 0,
    });
    expect(rating.lines).toEqual([
      expect.objectContaining({ code: 'ld_overage', quantity: 240, rateCents: rate, amountCents: 240 * rate }),
    ]);
  });

  it('monthly-price protections in a usage rating are those of the period end, as before', () => {
    const pricey = {
      ...raised,
      plans: raised.plans.map((p) => (p.code === 'BASIC' ? { ...p, monthlyCents: 2200 } : p)),
    };
    const plan: PriceProtection = {
      priceChangeId: 8,
      itemType: 'plan',
      code: 'BASIC',
      oldCents: 2000,
      effectiveOn: '2026-12-16',
    };
    const c = usageRatingCatalog(pricey, [plan, protection], { start: '2026-12-01', end: '2027-01-01' });
    expect(c.plans.find((p) => p.code === 'BASIC')!.monthlyCents).toBe(2200);
    expect(c.rates.ldOverageCentsPerMinute).toBe(10);
  });
});

describe('a change preview at a price protection boundary', () => {
  // Plus at 25.00 for this holder until 2026-12-01, 28.00 from then (a price rise).
  const rise = {
    ...catalogData,
    plans: catalogData.plans.map((p) => (p.code === 'PLUS' ? { ...p, monthlyCents: 2800 } : p)),
  };
  const protections: PriceProtection[] = [
    { priceChangeId: 3, itemType: 'plan', code: 'PLUS', oldCents: 2500, effectiveOn: '2026-12-01' },
  ];
  const input = {
    current: cfg('PLUS'),
    billingDay: 1,
    today: '2026-11-16',
    pending: null,
    catalog: holderCatalog(rise, protections, '2026-11-16'),
    catalogOn: (day: string) => holderCatalog(rise, protections, day),
  };

  it('an add-on now: proration at today’s prices, the next bill at the prices of its first day', () => {
    const r = planChange({ ...input, requested: cfg('PLUS', 'voicemail') });
    if (!r.ok) throw new Error(r.reasons.join(' '));
    expect(r.plan.timing).toBe('now');
    expect(r.plan.currentMonthlyCents).toBe(2500);
    expect(r.plan.newMonthlyCents).toBe(3000);
    expect(r.plan.prorationTotalCents).toBe(250);
    expect(r.plan.nextBill).toEqual({ recurringCents: 2800 + 500, prorationCents: 250, totalCents: 3550 });
    expect(r.plan.summary).toContain('then 33.00 a month');
  });

  it('a scheduled change at the protection’s end: priced on that day', () => {
    const r = planChange({ ...input, requested: cfg('BASIC') });
    if (!r.ok) throw new Error(r.reasons.join(' '));
    expect(r.plan.timing).toBe('end_of_period');
    expect(r.plan.effectiveDate).toBe('2026-12-01');
    expect(r.plan.currentMonthlyCents).toBe(2800);
    expect(r.plan.newMonthlyCents).toBe(2000);
    expect(r.plan.monthlyChangeCents).toBe(-800);
    expect(r.plan.nextBill.totalCents).toBe(2000);
  });

  it('without later prices (no catalogOn) it is priced on today’s, as before', () => {
    const r = planChange({ ...input, catalogOn: undefined, requested: cfg('PLUS', 'voicemail') });
    if (!r.ok) throw new Error(r.reasons.join(' '));
    expect(r.plan.nextBill.recurringCents).toBe(3000);
  });
});
