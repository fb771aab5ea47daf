/** planChange properties (fast-check): every plan is consistent, valid requests are taken as is, a change and its reverse. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { catalogData } from '@/db/catalog-data';
import { allConfigurations, isValidConfiguration, normalize, sameConfiguration } from '@/lib/domain/catalog';
import { planChange, reverseRequest, type ChangePlan } from '@/lib/domain/changes';
import { addDays, daysBetween, periodContaining } from '@/lib/domain/periods';
import { monthlyRecurringCents } from '@/lib/domain/pricing';
import type { Configuration } from '@/lib/domain/types';

const ALL = allConfigurations(
  catalogData,
  catalogData.plans.map((p) => p.code),
);
const ADD_ON_CODES = catalogData.addOns.map((a) => a.code);
const PLAN_CODES = catalogData.plans.map((p) => p.code);

function ok(result: ReturnType<typeof planChange>): ChangePlan {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reasons.join(' ')}`);
  return result.plan;
}

const codes = (items: { code: string }[]) => items.map((i) => i.code);

const dayArb = fc.integer({ min: 7305, max: 47481 }).map((n) => addDays('1970-01-01', n));
const billingDayArb = fc.integer({ min: 1, max: 31 });
const configArb = fc.constantFrom(...ALL);
/** Any request at all: any plan code, any subset of add-on codes (mostly invalid). */
const anyRequestArb = fc.record({
  planCode: fc.constantFrom(...PLAN_CODES, 'GOLD'),
  addOns: fc.subarray([...ADD_ON_CODES, 'fax']),
});
/** A request derived from the current configuration: new plan, some kept, some added. */
const nearRequestArb = (current: Configuration) =>
  fc.record({
    planCode: fc.constantFrom(...PLAN_CODES),
    addOns: fc
      .tuple(fc.subarray(current.addOns), fc.subarray(ADD_ON_CODES, { maxLength: 2 }))
      .map(([a, b]) => [...a, ...b]),
  });
const pendingArb = fc.option(fc.record({ target: configArb, effectiveDate: dayArb }), { nil: null });

describe('planChange: properties', () => {
  const input = fc
    .record({
      current: configArb,
      billingDay: billingDayArb,
      today: dayArb,
      pending: pendingArb,
      applyNow: fc.boolean(),
    })
    .chain((base) =>
      fc.record({
        base: fc.constant(base),
        requested: fc.oneof(anyRequestArb, nearRequestArb(base.current), configArb),
      }),
    );

  it('every plan is consistent: valid target, reconciliation, timing, money', () => {
    fc.assert(
      fc.property(input, ({ base, requested }) => {
        const result = planChange({ catalog: catalogData, ...base, requested });
        if (!result.ok) {
          expect(result.reasons.length).toBeGreaterThan(0);
          for (const r of result.reasons) expect(r).toMatch(/^\S.*[.]$/);
          return;
        }
        const plan = result.plan;
        const current = normalize(base.current);
        const req = normalize(requested);
        expect(isValidConfiguration(catalogData, plan.target)).toBe(true);
        expect(plan.target).toEqual(normalize(plan.target));
        expect(sameConfiguration(plan.target, current)).toBe(false);
        expect(plan.target.planCode).toBe(req.planCode);
        // Reconciliation only removes; whatever was newly asked for is there.
        for (const c of plan.target.addOns) expect(req.addOns).toContain(c);
        for (const c of req.addOns) if (!current.addOns.includes(c)) expect(plan.target.addOns).toContain(c);
        expect(codes(plan.removedAddOns).sort()).toEqual(current.addOns.filter((c) => !plan.target.addOns.includes(c)));
        expect(codes(plan.addedAddOns)).toEqual(plan.target.addOns.filter((c) => !current.addOns.includes(c)));
        for (const r of plan.removedAddOns) {
          if (r.reason === 'requested') expect(req.addOns).not.toContain(r.code);
          if (r.reason === 'requirement_lost') expect(req.addOns).toContain(r.code);
        }
        // Timing.
        expect(plan.currentMonthlyCents).toBe(monthlyRecurringCents(catalogData, current));
        expect(plan.newMonthlyCents).toBe(monthlyRecurringCents(catalogData, plan.target));
        const lower = plan.newMonthlyCents < plan.currentMonthlyCents;
        expect(plan.timing).toBe(lower && !base.applyNow ? 'end_of_period' : 'now');
        expect(plan.period).toEqual(periodContaining(base.billingDay, base.today));
        expect(plan.effectiveDate).toBe(plan.timing === 'now' ? base.today : plan.period.end);
        // Money.
        if (plan.timing === 'now') {
          const remaining = daysBetween(base.today, plan.period.end);
          const exact = ((plan.newMonthlyCents - plan.currentMonthlyCents) * remaining) / plan.period.days;
          expect(Math.abs(plan.prorationTotalCents - exact)).toBeLessThanOrEqual(
            plan.prorationLines.length * 0.5 + 1e-9,
          );
        } else {
          expect(plan.prorationLines).toEqual([]);
        }
        expect(plan.prorationTotalCents).toBe(plan.prorationLines.reduce((s, l) => s + l.amountCents, 0));
        expect(plan.nextBill.totalCents).toBe(plan.nextBill.recurringCents + plan.nextBill.prorationCents);
        expect(plan.nextBill.recurringCents).toBe(plan.newMonthlyCents);
        expect(plan.monthlyChangeCents).toBe(plan.newMonthlyCents - plan.currentMonthlyCents);
        expect(plan.replacesPending === null).toBe(base.pending === null);
        expect(plan.summary).toMatch(/^[A-Z].*\.$/);
      }),
      { numRuns: 1500 },
    );
  });

  it('a valid requested configuration on a selectable plan is taken as is', () => {
    fc.assert(
      fc.property(configArb, configArb, billingDayArb, dayArb, (current, requested, billingDay, today) => {
        const result = planChange({ catalog: catalogData, current, requested, billingDay, today, pending: null });
        const selectable = requested.planCode !== 'LEGACY' || current.planCode === 'LEGACY';
        if (sameConfiguration(current, requested) || !selectable) {
          expect(result.ok).toBe(false);
          return;
        }
        expect(ok(result).target).toEqual(normalize(requested));
      }),
      { numRuns: 500 },
    );
  });

  it('a change and then its reverse, the same day, leave the original configuration', () => {
    fc.assert(
      fc.property(configArb, configArb, billingDayArb, dayArb, (original, requested, billingDay, today) => {
        const forward = planChange({
          catalog: catalogData,
          current: original,
          requested,
          billingDay,
          today,
          pending: null,
          applyNow: true,
        });
        if (!forward.ok) return;
        const applied = forward.plan.target; // immediate: in force from today
        const back = planChange({
          catalog: catalogData,
          current: applied,
          requested: reverseRequest(forward.plan),
          billingDay,
          today,
          pending: null,
          applyNow: true,
        });
        if (forward.plan.leavesRetiredPlan) {
          expect(back.ok).toBe(false);
          return;
        }
        const plan = ok(back);
        expect(plan.target).toEqual(normalize(original));
        // Same day, same period: the two prorations cancel exactly.
        expect(plan.prorationTotalCents + forward.plan.prorationTotalCents).toBe(0);
        expect(plan.prorationLines.map((l) => [l.code, -l.amountCents]).sort()).toEqual(
          forward.plan.prorationLines.map((l) => [l.code, l.amountCents]).sort(),
        );
        expect(codes(plan.featuresGained)).toEqual(codes(forward.plan.featuresLost));
        expect(codes(plan.featuresLost)).toEqual(codes(forward.plan.featuresGained));
      }),
      { numRuns: 800 },
    );
  });
});
