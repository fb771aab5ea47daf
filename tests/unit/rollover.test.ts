import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { catalogData } from '@/db/catalog-data';
import { allConfigurations } from '@/lib/domain/catalog';
import { planChange } from '@/lib/domain/changes';
import { addDays, periodContaining } from '@/lib/domain/periods';
import { monthlyRecurringCents } from '@/lib/domain/pricing';
import { planRollover, type RolloverInput } from '@/lib/domain/rollover';
import type { BillingPeriod, Configuration } from '@/lib/domain/types';

const ALL = allConfigurations(
  catalogData,
  catalogData.plans.map((p) => p.code),
);
const NOV: BillingPeriod = { start: '2026-11-01', end: '2026-12-01', days: 30 };
const cfg = (planCode: string, ...addOns: string[]): Configuration => ({ planCode, addOns });

function roll(partial: Partial<Omit<RolloverInput, 'catalog'>>) {
  return planRollover({
    catalog: catalogData,
    billingDay: 1,
    config: cfg('BASIC'),
    period: NOV,
    pending: null,
    today: '2026-11-16',
    ...partial,
  });
}

describe('planRollover', () => {
  it('does nothing before the period ends', () => {
    const r = roll({ today: '2026-11-30', pending: { target: cfg('PLUS'), effectiveDate: '2026-12-01' } });
    expect(r.steps).toEqual([]);
    expect(r.finalConfig).toEqual(cfg('BASIC'));
    expect(r.finalPeriod).toEqual(NOV);
    expect(r.pendingRemaining).toEqual({ target: cfg('PLUS'), effectiveDate: '2026-12-01' });
  });

  it('on the boundary: applies the scheduled change and books the new period in advance', () => {
    const r = roll({
      config: cfg('PREMIUM'),
      pending: { target: cfg('BASIC', 'voicemail'), effectiveDate: '2026-12-01' },
      today: '2026-12-01',
    });
    expect(r.steps).toEqual([
      {
        period: { start: '2026-12-01', end: '2027-01-01', days: 31 },
        config: cfg('BASIC', 'voicemail'),
        appliedPending: true,
        recurringLines: [
          {
            itemType: 'plan',
            code: 'BASIC',
            name: 'Basic Line',
            amountCents: 2000,
            description: 'Basic Line, 2026-12-01 to 2026-12-31',
          },
          {
            itemType: 'addon',
            code: 'voicemail',
            name: 'Voicemail',
            amountCents: 500,
            description: 'Voicemail, 2026-12-01 to 2026-12-31',
          },
        ],
      },
    ]);
    expect(r.finalConfig).toEqual(cfg('BASIC', 'voicemail'));
    expect(r.finalPeriod).toEqual({ start: '2026-12-01', end: '2027-01-01', days: 31 });
    expect(r.pendingRemaining).toBeNull();
  });

  it('catches up on several boundaries; the pending change applies at the first one due', () => {
    const r = roll({
      billingDay: 31,
      period: { start: '2027-12-31', end: '2028-01-31', days: 31 },
      config: cfg('UNLIMITED'),
      pending: { target: cfg('PLUS'), effectiveDate: '2028-01-31' },
      today: '2028-05-01',
    });
    expect(r.steps.map((s) => [s.period.start, s.period.days, s.config.planCode, s.appliedPending])).toEqual([
      ['2028-01-31', 29, 'PLUS', true],
      ['2028-02-29', 31, 'PLUS', false],
      ['2028-03-31', 30, 'PLUS', false],
      ['2028-04-30', 31, 'PLUS', false],
    ]);
    expect(r.finalPeriod).toEqual({ start: '2028-04-30', end: '2028-05-31', days: 31 });
    expect(r.pendingRemaining).toBeNull();
    // Running again with the result books nothing.
    expect(
      roll({
        billingDay: 31,
        period: r.finalPeriod,
        config: r.finalConfig,
        pending: r.pendingRemaining,
        today: '2028-05-01',
      }).steps,
    ).toEqual([]);
  });

  it('a change scheduled for a later boundary waits for it', () => {
    const r = roll({
      config: cfg('PREMIUM'),
      pending: { target: cfg('BASIC'), effectiveDate: '2027-01-01' },
      today: '2026-12-15',
    });
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]?.appliedPending).toBe(false);
    expect(r.steps[0]?.config).toEqual(cfg('PREMIUM'));
    expect(r.pendingRemaining).toEqual({ target: cfg('BASIC'), effectiveDate: '2027-01-01' });
  });

  it('a change that was due earlier but never applied is applied at the next boundary', () => {
    const r = roll({
      config: cfg('PREMIUM'),
      pending: { target: cfg('BASIC'), effectiveDate: '2026-11-01' },
      today: '2026-12-01',
    });
    expect(r.steps[0]?.appliedPending).toBe(true);
    expect(r.finalConfig).toEqual(cfg('BASIC'));
  });

  it('follows a scheduled change from planChange to its effective date', () => {
    const plan = planChange({
      catalog: catalogData,
      current: cfg('PREMIUM'),
      requested: cfg('PLUS'),
      billingDay: 1,
      today: '2026-11-16',
      pending: null,
    });
    if (!plan.ok) throw new Error(plan.reasons.join(' '));
    expect(plan.plan.timing).toBe('end_of_period');
    const pending = { target: plan.plan.target, effectiveDate: plan.plan.effectiveDate };
    const r = roll({ config: cfg('PREMIUM'), pending, today: plan.plan.effectiveDate });
    expect(r.steps).toHaveLength(1);
    expect(r.finalConfig).toEqual(cfg('PLUS'));
    const booked = r.steps[0]!.recurringLines.reduce((s, l) => s + l.amountCents, 0);
    expect(booked).toBe(plan.plan.nextBill.recurringCents);
  });

  it('rejects malformed input', () => {
    expect(() => roll({ billingDay: 0 })).toThrow(RangeError);
    expect(() => roll({ today: 'soon' })).toThrow(RangeError);
    expect(() => roll({ period: { start: '2026-12-01', end: '2026-12-01', days: 0 } })).toThrow(RangeError);
  });

  const dayArb = fc.integer({ min: 7305, max: 47481 }).map((n) => addDays('1970-01-01', n));
  const scenario = fc.record({
    billingDay: fc.integer({ min: 1, max: 31 }),
    start: dayArb,
    config: fc.constantFrom(...ALL),
    pending: fc.option(fc.record({ target: fc.constantFrom(...ALL), offset: fc.integer({ min: -40, max: 400 }) }), {
      nil: null,
    }),
    elapsed: fc.integer({ min: 0, max: 800 }),
    split: fc.integer({ min: 0, max: 800 }),
  });

  it('property: run again, or in two runs, books each period exactly once', () => {
    fc.assert(
      fc.property(scenario, ({ billingDay, start, config, pending, elapsed, split }) => {
        const period = periodContaining(billingDay, start);
        const today = addDays(start, elapsed);
        const pend = pending ? { target: pending.target, effectiveDate: addDays(period.end, pending.offset) } : null;
        const input = { catalog: catalogData, billingDay, config, period, pending: pend, today };
        const once = planRollover(input);

        // Idempotent: applying the result and running again yields no steps.
        const again = planRollover({
          ...input,
          config: once.finalConfig,
          period: once.finalPeriod,
          pending: once.pendingRemaining,
        });
        expect(again.steps).toEqual([]);
        expect(again.finalPeriod).toEqual(once.finalPeriod);

        // Pure: same input, same output.
        expect(planRollover(input)).toEqual(once);

        // Periods tile, start at the stored period's end, are unique, and the last contains today.
        let prevEnd = period.end;
        for (const step of once.steps) {
          expect(step.period.start).toBe(prevEnd);
          expect(step.period.start <= today).toBe(true);
          expect(step.period.days).toBeGreaterThanOrEqual(28);
          expect(step.period.days).toBeLessThanOrEqual(31);
          expect(step.recurringLines.reduce((s, l) => s + l.amountCents, 0)).toBe(
            monthlyRecurringCents(catalogData, step.config),
          );
          prevEnd = step.period.end;
        }
        expect(once.finalPeriod.end > today).toBe(true);
        expect(once.finalPeriod.start <= today || once.steps.length === 0).toBe(true);
        expect(once.steps.filter((s) => s.appliedPending).length).toBe(
          pend !== null && once.pendingRemaining === null ? 1 : 0,
        );

        // Catching up in two runs (the job ran in between) books the same periods, once each.
        const mid = addDays(start, Math.min(split, elapsed));
        const first = planRollover({ ...input, today: mid });
        const second = planRollover({
          ...input,
          config: first.finalConfig,
          period: first.finalPeriod,
          pending: first.pendingRemaining,
        });
        expect([...first.steps, ...second.steps]).toEqual(once.steps);
        expect(second.finalConfig).toEqual(once.finalConfig);
        expect(second.pendingRemaining).toEqual(once.pendingRemaining);
      }),
      { numRuns: 400 },
    );
  });
});
