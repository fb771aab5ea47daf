/**
 * Rating at period close and bill assembly (docs/bills.md): tables and fast-check properties.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { catalogData } from '@/db/catalog-data';
import { allConfigurations } from '@/lib/domain/catalog';
import { planChange } from '@/lib/domain/changes';
import { ldAllowance, monthlyCost } from '@/lib/domain/pricing';
import {
  assembleBill,
  canChangeBillState,
  dueDateOf,
  lastBilledMonth,
  rateUsage,
  sortBillLines,
  type BillLine,
  type BillState,
} from '@/lib/domain/bills';
import type { Configuration } from '@/lib/domain/types';

const catalog = catalogData;
const cfg = (planCode: string, ...addOns: string[]): Configuration => ({ planCode, addOns });
const ALL = allConfigurations(
  catalog,
  catalog.plans.map((p) => p.code),
);
const rate = (c: Configuration, ldMinutes: number, intlMinutes = 0) =>
  rateUsage(catalog, c, { ldMinutes, intlMinutes });
const lines = (c: Configuration, ld: number, intl = 0) =>
  rate(c, ld, intl).lines.map((l) => [l.code, l.quantity, l.amountCents, l.description]);

describe('rateUsage: long distance against the allowance', () => {
  it.each([
    // plan (allowance), minutes → overage minutes, cents
    ['BASIC (0)', cfg('BASIC'), 0, 0, 0],
    ['BASIC (0)', cfg('BASIC'), 1, 1, 10],
    ['BASIC (0), Ada', cfg('BASIC'), 240, 240, 2400],
    ['PLUS (100) at the allowance', cfg('PLUS'), 100, 0, 0],
    ['PLUS (100) one over', cfg('PLUS'), 101, 1, 10],
    ['PLUS (100)', cfg('PLUS'), 263, 163, 1630],
    ['PLUS + ld_300 (400) at the allowance', cfg('PLUS', 'ld_300'), 400, 0, 0],
    ['PLUS + ld_300 (400), Ben', cfg('PLUS', 'ld_300', 'voicemail'), 650, 250, 2500],
    ['PREMIUM (500) one under', cfg('PREMIUM'), 499, 0, 0],
    ['PREMIUM (500) one over', cfg('PREMIUM'), 501, 1, 10],
    ['PREMIUM + ld_300 (800)', cfg('PREMIUM', 'ld_300'), 801, 1, 10],
    ['LEGACY (50)', cfg('LEGACY'), 30, 0, 0],
    ['BASIC + ld_unlimited', cfg('BASIC', 'ld_unlimited'), 5000, 0, 0],
    ['UNLIMITED (plan includes ld_unlimited), Dev', cfg('UNLIMITED'), 1400, 0, 0],
  ])('%s: %i min', (_name, c, minutes, overage, cents) => {
    const r = rate(c, minutes);
    expect(r.ldOverageMinutes).toBe(overage);
    expect(r.lines.filter((l) => l.code === 'ld_overage').reduce((s, l) => s + l.amountCents, 0)).toBe(cents);
    expect(r.lines.some((l) => l.code === 'ld_overage')).toBe(cents > 0);
  });

  it('words a line as the spec does', () => {
    expect(lines(cfg('PLUS'), 263)).toEqual([
      ['ld_overage', 163, 1630, 'Long-distance minutes beyond the allowance: 163 × 0.10 = 16.30'],
    ]);
    expect(lines(cfg('BASIC'), 240)).toEqual([
      ['ld_overage', 240, 2400, 'Long-distance minutes beyond the allowance: 240 × 0.10 = 24.00'],
    ]);
  });

  it('reports the allowance: null is unlimited', () => {
    expect(rate(cfg('UNLIMITED'), 0).ldAllowance).toBeNull();
    expect(rate(cfg('PLUS', 'ld_unlimited'), 0).ldAllowance).toBeNull();
    expect(rate(cfg('PLUS', 'ld_300'), 0).ldAllowance).toBe(400);
  });
});

describe('rateUsage: international', () => {
  it('every minute at 0.25 without the Saver, 0.05 with it', () => {
    expect(lines(cfg('BASIC'), 0, 120)).toEqual([['intl', 120, 3000, 'International minutes: 120 × 0.25 = 30.00']]);
    expect(lines(cfg('BASIC', 'intl_saver'), 0, 120)).toEqual([
      ['intl', 120, 600, 'International minutes at the International Saver rate: 120 × 0.05 = 6.00'],
    ]);
    expect(rate(cfg('BASIC', 'intl_saver'), 0, 1).intlRateBy).toEqual({
      code: 'intl_saver',
      name: 'International Saver',
    });
    expect(rate(cfg('UNLIMITED'), 1400, 10).lines.map((l) => [l.code, l.amountCents])).toEqual([['intl', 250]]);
  });

  it('both kinds on one bill, long distance first; nothing used, no lines', () => {
    expect(lines(cfg('PLUS'), 101, 1).map((l) => l[0])).toEqual(['ld_overage', 'intl']);
    expect(rate(cfg('PREMIUM'), 0, 0)).toMatchObject({ lines: [], totalCents: 0 });
  });

  it('refuses negative or fractional quantities', () => {
    expect(() => rate(cfg('BASIC'), -1)).toThrow(RangeError);
    expect(() => rate(cfg('BASIC'), 1.5)).toThrow(RangeError);
    expect(() => rate(cfg('BASIC'), 0, -3)).toThrow(RangeError);
  });
});

describe('rateUsage: the configuration held at the period end', () => {
  it('an upgrade during the period gives the whole new allowance to that period', () => {
    // BASIC → PREMIUM on 2026-11-16 takes effect now: at the period end the subscriber holds PREMIUM,
    // so all 450 minutes of November are within its 500 (on BASIC they would have cost 45.00).
    const change = planChange({
      catalog,
      current: cfg('BASIC'),
      requested: cfg('PREMIUM'),
      billingDay: 1,
      today: '2026-11-16',
      pending: null,
    });
    expect(change.ok && change.plan.timing).toBe('now');
    const atEnd = change.ok ? change.plan.target : cfg('BASIC');
    expect(rate(atEnd, 450).totalCents).toBe(0);
    expect(rate(cfg('BASIC'), 450).totalCents).toBe(4500);
  });

  it('a scheduled downgrade applies at the boundary: the closed period is rated on the plan before it', () => {
    const change = planChange({
      catalog,
      current: cfg('PREMIUM'),
      requested: cfg('BASIC'),
      billingDay: 1,
      today: '2026-11-16',
      pending: null,
    });
    expect(change.ok && change.plan.timing).toBe('end_of_period');
    // The rollover passes the configuration before the change for November.
    expect(rate(cfg('PREMIUM'), 450).totalCents).toBe(0);
  });
});

describe('rateUsage: properties', () => {
  const arbConfig = fc.constantFrom(...ALL);
  const arbMinutes = fc.oneof(
    fc.integer({ min: 0, max: 5000 }),
    fc.constantFrom(0, 49, 50, 51, 99, 100, 101, 299, 300, 301, 399, 400, 401, 499, 500, 501, 799, 800, 801),
  );
  const arbIntl = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(0));

  it('agrees with the monthly cost the offers use, to the cent', () => {
    fc.assert(
      fc.property(arbConfig, arbMinutes, arbIntl, (c, ld, intl) => {
        const r = rate(c, ld, intl);
        const cost = monthlyCost(catalog, c, {
          ldMinutes: ld,
          intlMinutes: intl,
          unansweredCalls: 0,
          missedWhileBusy: 0,
          periods: 1,
        });
        expect(r.totalCents).toBe(cost.ldOverageCents + cost.intlCents);
      }),
    );
  });

  it('nothing is charged within the allowance; each minute beyond costs the rate; unlimited never charges', () => {
    fc.assert(
      fc.property(arbConfig, arbMinutes, (c, ld) => {
        const allowance = ldAllowance(catalog, c);
        const r = rate(c, ld);
        if (allowance === null || ld <= allowance) expect(r.totalCents).toBe(0);
        else expect(r.totalCents).toBe((ld - allowance) * catalog.rates.ldOverageCentsPerMinute);
        // One more minute never costs less, and costs at most one rate more.
        const more = rate(c, ld + 1).totalCents - r.totalCents;
        expect(more === 0 || more === catalog.rates.ldOverageCentsPerMinute).toBe(true);
      }),
    );
  });

  it('adding the Saver never raises the international charge; holding it, every minute costs its rate', () => {
    const withSaver = ALL.filter((c) => c.addOns.includes('intl_saver'));
    fc.assert(
      fc.property(fc.constantFrom(...withSaver), arbIntl, (c, intl) => {
        const without = cfg(c.planCode, ...c.addOns.filter((a) => a !== 'intl_saver'));
        expect(rate(c, 0, intl).totalCents).toBeLessThanOrEqual(rate(without, 0, intl).totalCents);
        expect(rate(c, 0, intl).totalCents).toBe(intl * 5);
      }),
    );
  });

  it('every line reads "<what>: q × rate = amount" with its own numbers', () => {
    fc.assert(
      fc.property(arbConfig, arbMinutes, arbIntl, (c, ld, intl) => {
        for (const l of rate(c, ld, intl).lines) {
          expect(l.amountCents).toBe(l.quantity * l.rateCents);
          expect(
            l.description.endsWith(
              `: ${l.quantity} × ${(l.rateCents / 100).toFixed(2)} = ${(l.amountCents / 100).toFixed(2)}`,
            ),
          ).toBe(true);
        }
      }),
    );
  });
});

const rec = (amountCents: number, description = 'Basic Line, 2026-12-01 to 2026-12-31'): BillLine => ({
  kind: 'recurring',
  itemType: 'plan',
  itemCode: 'BASIC',
  description,
  amountCents,
});
const pro = (amountCents: number): BillLine => ({
  kind: 'proration',
  itemType: 'plan',
  itemCode: 'BASIC',
  description: 'Basic Line, credit',
  amountCents,
});
const NOV = { start: '2026-11-01', end: '2026-12-01', days: 30 };

describe('assembleBill', () => {
  it("Ada's bill of 2026-12-01: Basic Line 20.00 in advance plus 240 × 0.10 = 24.00, total 44.00, due 14 days later", () => {
    const b = assembleBill({
      billDate: '2026-12-01',
      closedPeriod: NOV,
      booked: [rec(2000)],
      usage: rate(cfg('BASIC'), 240).lines,
      creditBrought: null,
    });
    expect(b.lines.map((l) => [l.kind, l.description, l.amountCents])).toEqual([
      ['recurring', 'Basic Line, 2026-12-01 to 2026-12-31', 2000],
      ['usage', 'Long-distance minutes beyond the allowance: 240 × 0.10 = 24.00', 2400],
    ]);
    expect(b).toMatchObject({ totalCents: 4400, dueDate: '2026-12-15', creditForwardCents: 0 });
    expect(b.newLines.map((l) => l.kind)).toEqual(['usage']);
  });

  it('orders lines recurring, proration, usage, adjustment, credit', () => {
    const b = assembleBill({
      billDate: '2026-12-01',
      closedPeriod: NOV,
      booked: [pro(-1000), rec(3500), pro(1750)],
      usage: rate(cfg('BASIC'), 1).lines,
      creditBrought: { cents: 100, fromNumber: 7 },
    });
    expect(b.lines.map((l) => [l.kind, l.amountCents])).toEqual([
      ['recurring', 3500],
      ['proration', -1000],
      ['proration', 1750],
      ['usage', 10],
      ['credit', -100],
    ]);
    expect(b.lines.at(-1)!.description).toBe('Credit brought forward from bill 7');
    expect(b.totalCents).toBe(4160);
  });

  it('a negative sum is carried forward: the bill is zeroed by a credit line, the next bill starts with it', () => {
    const b = assembleBill({
      billDate: '2026-12-01',
      closedPeriod: NOV,
      booked: [rec(2000), pro(-3000)],
      usage: [],
      creditBrought: null,
    });
    expect(b.totalCents).toBe(0);
    expect(b.creditForwardCents).toBe(1000);
    expect(b.newLines).toEqual([
      {
        kind: 'credit',
        itemType: 'credit',
        itemCode: 'carried_forward',
        description: 'Credit of 10.00 carried forward to the next bill',
        amountCents: 1000,
      },
    ]);
    const next = assembleBill({
      billDate: '2027-01-01',
      closedPeriod: { start: '2026-12-01', end: '2027-01-01', days: 31 },
      booked: [rec(2000)],
      usage: [],
      creditBrought: { cents: b.creditForwardCents, fromNumber: 41 },
    });
    expect(next.totalCents).toBe(1000);
    expect(next.creditForwardCents).toBe(0);
  });

  it('refuses a closed period that does not end on the bill date, and a negative credit brought', () => {
    expect(() =>
      assembleBill({ billDate: '2026-12-02', closedPeriod: NOV, booked: [], usage: [], creditBrought: null }),
    ).toThrow(RangeError);
    expect(() =>
      assembleBill({
        billDate: '2026-12-01',
        closedPeriod: NOV,
        booked: [],
        usage: [],
        creditBrought: { cents: -1, fromNumber: 1 },
      }),
    ).toThrow(RangeError);
  });

  it('properties: total = sum of lines ≥ 0; credit carried = −(sum before it); lines kept in kind order', () => {
    const arbLine = fc.record({
      kind: fc.constantFrom('recurring' as const, 'proration' as const, 'adjustment' as const),
      amountCents: fc.integer({ min: -10_000, max: 10_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbLine, { maxLength: 8 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (booked, ld, credit) => {
          const input = {
            billDate: '2026-12-01',
            closedPeriod: NOV,
            booked: booked.map((l) => ({ ...l, itemType: 'plan', itemCode: 'X', description: 'x' })),
            usage: rate(cfg('PLUS'), ld).lines,
            creditBrought: credit > 0 ? { cents: credit, fromNumber: 3 } : null,
          };
          const b = assembleBill(input);
          const sum = b.lines.reduce((s, l) => s + l.amountCents, 0);
          expect(b.totalCents).toBe(sum);
          expect(b.totalCents).toBeGreaterThanOrEqual(0);
          const before = booked.reduce((s, l) => s + l.amountCents, 0) + rate(cfg('PLUS'), ld).totalCents - credit;
          expect(b.creditForwardCents).toBe(Math.max(0, -before));
          expect(b.totalCents).toBe(Math.max(0, before));
          expect(sortBillLines(b.lines)).toEqual(b.lines);
          expect(b.lines.length).toBe(booked.length + b.newLines.length);
        },
      ),
    );
  });
});

describe('bill dates and states', () => {
  it('due 14 days after the bill date, across month and year ends', () => {
    expect(dueDateOf('2026-12-01')).toBe('2026-12-15');
    expect(dueDateOf('2026-12-20')).toBe('2027-01-03');
    expect(dueDateOf('2028-02-20')).toBe('2028-03-05');
  });

  it('issued → sent → settled, a dispute puts it on hold; settled is final', () => {
    const ok: [BillState, BillState][] = [
      ['issued', 'sent'],
      ['sent', 'on_hold'],
      ['on_hold', 'sent'],
      ['on_hold', 'settled'],
      ['sent', 'settled'],
      ['issued', 'settled'],
    ];
    for (const [a, b] of ok) expect(canChangeBillState(a, b)).toBe(true);
    const no: [BillState, BillState][] = [
      ['settled', 'issued'],
      ['settled', 'sent'],
      ['sent', 'issued'],
      ['on_hold', 'issued'],
    ];
    for (const [a, b] of no) expect(canChangeBillState(a, b)).toBe(false);
  });
});

describe('lastBilledMonth: what the last bill charged for plan, add-ons and usage', () => {
  it("Ada's bill: 20.00 + 24.00 = 44.00; proration and credits are not part of it", () => {
    const b = assembleBill({
      billDate: '2026-12-01',
      closedPeriod: NOV,
      booked: [rec(2000), pro(-300)],
      usage: rate(cfg('BASIC'), 240, 3).lines,
      creditBrought: { cents: 100, fromNumber: 2 },
    });
    const m = lastBilledMonth({
      number: 9,
      closedPeriodStart: NOV.start,
      lines: b.lines.map((l) => ({
        kind: l.kind,
        itemCode: l.itemCode,
        amountCents: l.amountCents,
        quantity: l.quantity ?? null,
      })),
    });
    expect(m).toEqual({
      billNumber: 9,
      closedPeriodStart: '2026-11-01',
      costCents: 2000 + 2400 + 75,
      recurringCents: 2000,
      ldOverage: { minutes: 240, cents: 2400 },
      intl: { minutes: 3, cents: 75 },
    });
  });
});
