import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { catalogData } from '@/db/catalog-data';
import { allConfigurations } from '@/lib/domain/catalog';
import { addDays, daysBetween, periodContaining } from '@/lib/domain/periods';
import { monthlyRecurringCents, roundHalfAwayFromZero } from '@/lib/domain/pricing';
import { proratedCents, prorationLines, prorationTotal } from '@/lib/domain/changes';
import type { BillingPeriod } from '@/lib/domain/types';

const NOV: BillingPeriod = { start: '2026-11-01', end: '2026-12-01', days: 30 };
const ALL = allConfigurations(
  catalogData,
  catalogData.plans.map((p) => p.code),
);

describe('proratedCents', () => {
  it('rounds half away from zero in integers', () => {
    expect(proratedCents(500, 10, 30)).toBe(167); // 166.67
    expect(proratedCents(-500, 10, 30)).toBe(-167);
    expect(proratedCents(300, 15, 30)).toBe(150);
    expect(proratedCents(100, 1, 8)).toBe(13); // 12.5 → 13
    expect(proratedCents(-100, 1, 8)).toBe(-13); // −12.5 → −13
    expect(proratedCents(350, 1, 28)).toBe(13); // 12.5 → 13
    expect(proratedCents(2000, 30, 30)).toBe(2000);
    expect(proratedCents(2000, 0, 30)).toBe(0);
    expect(() => proratedCents(2000, 1, 0)).toThrow(RangeError);
    expect(() => proratedCents(20.5, 1, 30)).toThrow(RangeError);
  });

  it('agrees with roundHalfAwayFromZero on the exact quotient', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: 28, max: 31 }),
        fc.nat(31),
        (m, d, r) => {
          const remaining = Math.min(r, d);
          expect(proratedCents(m, remaining, d)).toBe(roundHalfAwayFromZero((m * remaining) / d));
        },
      ),
    );
  });
});

describe('prorationLines', () => {
  it('spec example: BASIC → PREMIUM on 2026-11-16 is −10.00 and +17.50, net +7.50', () => {
    const lines = prorationLines(
      catalogData,
      { planCode: 'BASIC', addOns: [] },
      { planCode: 'PREMIUM', addOns: [] },
      NOV,
      '2026-11-16',
    );
    expect(lines).toEqual([
      {
        itemType: 'plan',
        code: 'BASIC',
        name: 'Basic Line',
        monthlyCents: 2000,
        remainingDays: 15,
        periodDays: 30,
        amountCents: -1000,
        description: 'Credit: Basic Line, 15 of 30 days (2026-11-16 to 2026-11-30)',
      },
      {
        itemType: 'plan',
        code: 'PREMIUM',
        name: 'Premium',
        monthlyCents: 3500,
        remainingDays: 15,
        periodDays: 30,
        amountCents: 1750,
        description: 'Premium, 15 of 30 days (2026-11-16 to 2026-11-30)',
      },
    ]);
    expect(prorationTotal(lines)).toBe(750);
  });

  it('spec example: voicemail added on 2026-11-21 is +1.67', () => {
    const lines = prorationLines(
      catalogData,
      { planCode: 'BASIC', addOns: [] },
      { planCode: 'BASIC', addOns: ['voicemail'] },
      NOV,
      '2026-11-21',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      itemType: 'addon',
      code: 'voicemail',
      remainingDays: 10,
      periodDays: 30,
      amountCents: 167,
    });
    expect(lines[0]?.description).toBe('Voicemail, 10 of 30 days (2026-11-21 to 2026-11-30)');
  });

  it('unchanged lines produce nothing; a plan change keeps the add-ons that stay', () => {
    const from = { planCode: 'PLUS', addOns: ['intl_saver', 'voicemail'] };
    expect(prorationLines(catalogData, from, from, NOV, '2026-11-10')).toEqual([]);
    const lines = prorationLines(catalogData, from, { planCode: 'PREMIUM', addOns: ['intl_saver'] }, NOV, '2026-11-16');
    expect(lines.map((l) => [l.code, l.amountCents])).toEqual([
      ['PLUS', -1250],
      ['voicemail', -250],
      ['PREMIUM', 1750],
    ]);
    expect(prorationTotal(lines)).toBe(250);
  });

  it('on the first day of the period prorates the whole period, on the last day one day', () => {
    const from = { planCode: 'BASIC', addOns: [] };
    const to = { planCode: 'PLUS', addOns: [] };
    const first = prorationLines(catalogData, from, to, NOV, '2026-11-01');
    expect(first.map((l) => l.amountCents)).toEqual([-2000, 2500]);
    expect(first[1]?.description).toBe('Plus, 30 of 30 days (2026-11-01 to 2026-11-30)');
    const last = prorationLines(catalogData, from, to, NOV, '2026-11-30');
    expect(last.map((l) => l.amountCents)).toEqual([-67, 83]); // 66.67, 83.33
    expect(last[0]?.description).toBe('Credit: Basic Line, 1 of 30 days (2026-11-30)');
  });

  it('February 2028 (leap) and 2027 have 29 and 28 days', () => {
    const from = { planCode: 'BASIC', addOns: [] };
    const to = { planCode: 'BASIC', addOns: ['three_way'] };
    const leap = periodContaining(1, '2028-02-15');
    expect(leap.days).toBe(29);
    expect(prorationLines(catalogData, from, to, leap, '2028-02-15')[0]).toMatchObject({
      remainingDays: 15,
      periodDays: 29,
      amountCents: 181,
    }); // 181.03
    const plain = periodContaining(1, '2027-02-15');
    expect(plain.days).toBe(28);
    expect(prorationLines(catalogData, from, to, plain, '2027-02-15')[0]).toMatchObject({
      remainingDays: 14,
      periodDays: 28,
      amountCents: 175,
    });
  });

  it('refuses an effective day outside the period or an inconsistent period', () => {
    const c = { planCode: 'BASIC', addOns: [] };
    const d = { planCode: 'PLUS', addOns: [] };
    expect(() => prorationLines(catalogData, c, d, NOV, '2026-12-01')).toThrow(RangeError);
    expect(() => prorationLines(catalogData, c, d, NOV, '2026-10-31')).toThrow(RangeError);
    expect(() => prorationLines(catalogData, c, d, { ...NOV, days: 31 }, '2026-11-10')).toThrow(RangeError);
  });

  it('property: lines sum to (new − old monthly) × remaining ÷ days within a cent per line', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL),
        fc.constantFrom(...ALL),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 7305, max: 47481 }),
        (from, to, billingDay, n) => {
          const day = addDays('1970-01-01', n);
          const period = periodContaining(billingDay, day);
          const lines = prorationLines(catalogData, from, to, period, day);
          const remaining = daysBetween(day, period.end);
          const exact =
            ((monthlyRecurringCents(catalogData, to) - monthlyRecurringCents(catalogData, from)) * remaining) /
            period.days;
          if (lines.length === 0) {
            expect(monthlyRecurringCents(catalogData, to)).toBe(monthlyRecurringCents(catalogData, from));
            return;
          }
          // Each line is rounded by at most half a cent, so the total is within that per line.
          expect(Math.abs(prorationTotal(lines) - exact)).toBeLessThanOrEqual(lines.length * 0.5 + 1e-9);
          for (const l of lines) {
            expect(l.remainingDays).toBe(remaining);
            expect(Number.isInteger(l.amountCents)).toBe(true);
            expect(l.periodDays).toBe(period.days);
            expect(Math.sign(l.amountCents)).not.toBe(l.description.startsWith('Credit:') ? 1 : -1);
          }
          // Reversing the change on the same day gives exactly the opposite lines.
          const back = prorationLines(catalogData, to, from, period, day);
          expect(prorationTotal(back) + prorationTotal(lines)).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
