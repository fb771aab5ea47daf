import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import { isValidConfiguration } from '@/lib/domain/catalog';
import { planChange, type ChangeInput, type ChangePlan } from '@/lib/domain/changes';
import type { Catalog, Configuration } from '@/lib/domain/types';

const cfg = (planCode: string, ...addOns: string[]): Configuration => ({ planCode, addOns });

function change(
  current: Configuration,
  requested: Configuration,
  opts: Partial<Omit<ChangeInput, 'current' | 'requested'>> = {},
) {
  return planChange({
    catalog: catalogData,
    billingDay: 1,
    today: '2026-11-16',
    pending: null,
    ...opts,
    current,
    requested,
  });
}

function ok(result: ReturnType<typeof planChange>): ChangePlan {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reasons.join(' ')}`);
  return result.plan;
}

function reasons(result: ReturnType<typeof planChange>): string[] {
  if (result.ok) throw new Error(`expected a refusal, got: ${result.plan.summary}`);
  return result.reasons;
}

const amounts = (plan: ChangePlan) => plan.prorationLines.map((l) => [l.code, l.amountCents]);
const removals = (plan: ChangePlan) => plan.removedAddOns.map((r) => [r.code, r.reason]);
const codes = (items: { code: string }[]) => items.map((i) => i.code);

describe('planChange: spec examples', () => {
  it('BASIC → PREMIUM on 2026-11-16: −10.00, +17.50, net +7.50, now', () => {
    const plan = ok(change(cfg('BASIC'), cfg('PREMIUM')));
    expect(plan.timing).toBe('now');
    expect(plan.effectiveDate).toBe('2026-11-16');
    expect(plan.period).toEqual({ start: '2026-11-01', end: '2026-12-01', days: 30 });
    expect(amounts(plan)).toEqual([
      ['BASIC', -1000],
      ['PREMIUM', 1750],
    ]);
    expect(plan.prorationTotalCents).toBe(750);
    expect(plan.currentMonthlyCents).toBe(2000);
    expect(plan.newMonthlyCents).toBe(3500);
    expect(plan.monthlyChangeCents).toBe(1500);
    expect(plan.nextBill).toEqual({ recurringCents: 3500, prorationCents: 750, totalCents: 4250 });
    expect(plan.planChanged).toBe(true);
    expect(plan.fromPlan).toEqual({ code: 'BASIC', name: 'Basic Line' });
    expect(plan.toPlan).toEqual({ code: 'PREMIUM', name: 'Premium' });
    expect(codes(plan.featuresGained)).toEqual(['call_waiting', 'caller_id', 'three_way', 'voicemail']);
    expect(plan.featuresLost).toEqual([]);
    expect(plan.addedAddOns).toEqual([]);
    expect(plan.removedAddOns).toEqual([]);
    expect(plan.replacesPending).toBeNull();
    expect(plan.leavesRetiredPlan).toBe(false);
    expect(plan.summary).toBe(
      'Switch from Basic Line to Premium today (2026-11-16): 7.50 on your next bill, then 35.00 a month.',
    );
    expect(plan.undo).toBe(
      'To undo, make another change; a change back to a lower price takes effect at the end of the billing period, on 2026-12-01.',
    );
  });

  it('voicemail added on 2026-11-21: +1.67', () => {
    const plan = ok(change(cfg('BASIC'), cfg('BASIC', 'voicemail'), { today: '2026-11-21' }));
    expect(plan.timing).toBe('now');
    expect(plan.prorationLines).toHaveLength(1);
    expect(plan.prorationLines[0]).toMatchObject({
      code: 'voicemail',
      itemType: 'addon',
      amountCents: 167,
      remainingDays: 10,
    });
    expect(plan.prorationTotalCents).toBe(167);
    expect(plan.planChanged).toBe(false);
    expect(plan.addedAddOns).toEqual([{ code: 'voicemail', name: 'Voicemail' }]);
    expect(plan.featuresGained).toEqual([{ code: 'voicemail', name: 'Voicemail' }]);
    expect(plan.nextBill).toEqual({ recurringCents: 2500, prorationCents: 167, totalCents: 2667 });
    expect(plan.summary).toBe('Add Voicemail today (2026-11-21): 1.67 on your next bill, then 25.00 a month.');
  });
});

describe('planChange: timing', () => {
  it('PREMIUM → BASIC is scheduled for the end of the period, without proration', () => {
    const plan = ok(change(cfg('PREMIUM'), cfg('BASIC')));
    expect(plan.timing).toBe('end_of_period');
    expect(plan.effectiveDate).toBe('2026-12-01');
    expect(plan.prorationLines).toEqual([]);
    expect(plan.prorationTotalCents).toBe(0);
    expect(plan.nextBill).toEqual({ recurringCents: 2000, prorationCents: 0, totalCents: 2000 });
    expect(plan.monthlyChangeCents).toBe(-1500);
    expect(codes(plan.featuresLost)).toEqual(['call_waiting', 'caller_id', 'three_way', 'voicemail']);
    expect(plan.undo).toBe('You can cancel this scheduled change until 2026-12-01.');
    expect(plan.summary).toBe(
      'Switch from Premium to Basic Line on 2026-12-01, at the end of your billing period: 20.00 a month from then.',
    );
    // Staff acting on the account read the same facts of the account, not to them.
    expect(plan.staffSummary).toBe(
      'Switch from Premium to Basic Line on 2026-12-01, at the end of their billing period: 20.00 a month from then.',
    );
    expect(plan.staffUndo).toBe('The scheduled change can be cancelled until 2026-12-01.');
  });

  it('PREMIUM → BASIC with applyNow (agent) is immediate, with a prorated credit', () => {
    const plan = ok(change(cfg('PREMIUM'), cfg('BASIC'), { applyNow: true }));
    expect(plan.timing).toBe('now');
    expect(plan.effectiveDate).toBe('2026-11-16');
    expect(amounts(plan)).toEqual([
      ['PREMIUM', -1750],
      ['BASIC', 1000],
    ]);
    expect(plan.prorationTotalCents).toBe(-750);
    expect(plan.nextBill).toEqual({ recurringCents: 2000, prorationCents: -750, totalCents: 1250 });
    expect(plan.summary).toContain('a credit of 7.50 on your next bill');
    expect(plan.staffSummary).toContain('a credit of 7.50 on their next bill');
    expect(plan.undo).toBe('To undo, make another change; a change back takes effect immediately and is prorated.');
  });

  it('an equal monthly price takes effect now', () => {
    const plan = ok(change(cfg('BASIC', 'ld_300'), cfg('BASIC', 'call_waiting', 'voicemail')));
    expect(plan.currentMonthlyCents).toBe(plan.newMonthlyCents);
    expect(plan.timing).toBe('now');
    expect(amounts(plan)).toEqual([
      ['ld_300', -400],
      ['call_waiting', 150],
      ['voicemail', 250],
    ]);
  });

  it('applyNow does not hold back a price increase', () => {
    expect(ok(change(cfg('BASIC'), cfg('PLUS'), { applyNow: true })).timing).toBe('now');
    expect(ok(change(cfg('BASIC'), cfg('PLUS'), { applyNow: false })).timing).toBe('now');
  });

  it('a change on the first day of the period prorates the whole period', () => {
    const plan = ok(change(cfg('BASIC'), cfg('PLUS'), { today: '2026-11-01' }));
    expect(amounts(plan)).toEqual([
      ['BASIC', -2000],
      ['PLUS', 2500],
    ]);
    expect(plan.prorationLines[0]?.remainingDays).toBe(30);
  });

  it('a change on the last day of the period prorates one day', () => {
    const plan = ok(change(cfg('BASIC'), cfg('PLUS'), { today: '2026-11-30' }));
    expect(amounts(plan)).toEqual([
      ['BASIC', -67],
      ['PLUS', 83],
    ]);
    expect(plan.prorationTotalCents).toBe(16);
    // A downgrade on the last day is scheduled for tomorrow.
    expect(ok(change(cfg('PLUS'), cfg('BASIC'), { today: '2026-11-30' })).effectiveDate).toBe('2026-12-01');
  });

  it.each([
    // billing day, today, period start, end, days, remaining, BASIC→PLUS net
    [31, '2027-02-28', '2027-02-28', '2027-03-31', 31, 31, 500],
    [31, '2027-02-27', '2027-01-31', '2027-02-28', 28, 1, 18], // −71 + 89
    [31, '2028-02-29', '2028-02-29', '2028-03-31', 31, 31, 500],
    [30, '2028-02-15', '2028-01-30', '2028-02-29', 30, 14, 234], // −933 + 1167
    [29, '2027-02-28', '2027-02-28', '2027-03-29', 29, 29, 500],
    [29, '2028-02-28', '2028-01-29', '2028-02-29', 31, 1, 16], // −65 + 81
    [30, '2027-04-30', '2027-04-30', '2027-05-30', 30, 30, 500],
  ])(
    'billing day %i on %s: period %s to %s (%i days), %i remaining',
    (billingDay, today, start, end, days, remaining, net) => {
      const plan = ok(change(cfg('BASIC'), cfg('PLUS'), { billingDay, today }));
      expect(plan.period).toEqual({ start, end, days });
      expect(plan.prorationLines.every((l) => l.remainingDays === remaining && l.periodDays === days)).toBe(true);
      expect(plan.prorationTotalCents).toBe(net);
      const down = ok(change(cfg('PLUS'), cfg('BASIC'), { billingDay, today }));
      expect(down.effectiveDate).toBe(end);
    },
  );
});

describe('planChange: reconciling add-ons', () => {
  it('PLUS+voicemail+ld_300 → PREMIUM+ld_300 removes voicemail as redundant', () => {
    for (const requested of [cfg('PREMIUM', 'ld_300'), cfg('PREMIUM', 'ld_300', 'voicemail')]) {
      const plan = ok(change(cfg('PLUS', 'voicemail', 'ld_300'), requested));
      expect(plan.target).toEqual(cfg('PREMIUM', 'ld_300'));
      expect(plan.removedAddOns).toEqual([
        {
          code: 'voicemail',
          name: 'Voicemail',
          reason: 'redundant',
          explanation: 'Premium already includes Voicemail, so you no longer pay for it separately.',
          staffExplanation: 'Premium already includes Voicemail, so they no longer pay for it separately.',
        },
      ]);
      expect(plan.timing).toBe('now');
      expect(amounts(plan)).toEqual([
        ['PLUS', -1250],
        ['voicemail', -250],
        ['PREMIUM', 1750],
      ]);
      expect(codes(plan.featuresGained)).toEqual(['three_way']);
      expect(plan.featuresLost).toEqual([]);
    }
  });

  it('BASIC+caller_id+call_waiting → PLUS removes both as redundant (cheaper: scheduled)', () => {
    const plan = ok(change(cfg('BASIC', 'caller_id', 'call_waiting'), cfg('PLUS', 'caller_id', 'call_waiting')));
    expect(plan.target).toEqual(cfg('PLUS'));
    expect(removals(plan)).toEqual([
      ['call_waiting', 'redundant'],
      ['caller_id', 'redundant'],
    ]);
    expect(plan.currentMonthlyCents).toBe(2700);
    expect(plan.newMonthlyCents).toBe(2500);
    expect(plan.timing).toBe('end_of_period');
    expect(plan.featuresGained).toEqual([]);
    expect(plan.featuresLost).toEqual([]);
    // With applyNow the redundant add-ons are credited.
    const now = ok(change(cfg('BASIC', 'caller_id', 'call_waiting'), cfg('PLUS'), { applyNow: true }));
    expect(amounts(now)).toEqual([
      ['BASIC', -1000],
      ['call_waiting', -150],
      ['caller_id', -200],
      ['PLUS', 1250],
    ]);
    expect(removals(now)).toEqual([
      ['call_waiting', 'redundant'],
      ['caller_id', 'redundant'],
    ]);
  });

  it('BASIC+visual_voicemail+voicemail → PREMIUM keeps visual voicemail (Premium includes voicemail)', () => {
    const plan = ok(
      change(cfg('BASIC', 'visual_voicemail', 'voicemail'), cfg('PREMIUM', 'visual_voicemail', 'voicemail')),
    );
    expect(plan.target).toEqual(cfg('PREMIUM', 'visual_voicemail'));
    expect(removals(plan)).toEqual([['voicemail', 'redundant']]);
    expect(isValidConfiguration(catalogData, plan.target)).toBe(true);
  });

  it('an add-on the new plan does not offer is removed, saying what replaces it', () => {
    const plan = ok(change(cfg('PLUS', 'ld_300', 'three_way'), cfg('UNLIMITED', 'ld_300', 'three_way')));
    expect(plan.target).toEqual(cfg('UNLIMITED'));
    expect(plan.removedAddOns).toEqual([
      {
        code: 'ld_300',
        name: 'Long Distance 300',
        reason: 'not_offered',
        explanation:
          'Long Distance 300 is not available on Unlimited. Unlimited includes Long Distance Unlimited instead.',
        staffExplanation:
          'Long Distance 300 is not available on Unlimited. Unlimited includes Long Distance Unlimited instead.',
      },
      {
        code: 'three_way',
        name: 'Three-Way Calling',
        reason: 'redundant',
        explanation: 'Unlimited already includes Three-Way Calling, so you no longer pay for it separately.',
        staffExplanation: 'Unlimited already includes Three-Way Calling, so they no longer pay for it separately.',
      },
    ]);
    expect(codes(plan.featuresGained)).toEqual(['visual_voicemail', 'voicemail']);
  });

  it('add-ons left out of the request are removed as requested; dependants lose their requirement', () => {
    const plan = ok(
      change(cfg('BASIC', 'visual_voicemail', 'voicemail', 'ld_300'), cfg('BASIC', 'visual_voicemail', 'ld_300')),
    );
    expect(plan.target).toEqual(cfg('BASIC', 'ld_300'));
    expect(plan.removedAddOns).toEqual([
      {
        code: 'visual_voicemail',
        name: 'Visual Voicemail',
        reason: 'requirement_lost',
        explanation: 'Visual Voicemail needs Voicemail, which you will no longer have.',
        staffExplanation: 'Visual Voicemail needs Voicemail, which they will no longer have.',
      },
      {
        code: 'voicemail',
        name: 'Voicemail',
        reason: 'requested',
        explanation: 'You asked to remove Voicemail.',
        staffExplanation: 'Removing Voicemail was asked for.',
      },
    ]);
    expect(plan.timing).toBe('end_of_period');
    expect(plan.summary).toBe(
      'Remove Visual Voicemail and Voicemail on 2026-12-01, at the end of your billing period: 28.00 a month from then.',
    );
  });

  it('PLUS + ld_300 → PLUS + ld_unlimited swaps in one request', () => {
    const plan = ok(change(cfg('PLUS', 'ld_300'), cfg('PLUS', 'ld_unlimited')));
    expect(plan.addedAddOns).toEqual([{ code: 'ld_unlimited', name: 'Long Distance Unlimited' }]);
    expect(removals(plan)).toEqual([['ld_300', 'requested']]);
    expect(plan.timing).toBe('now');
    expect(plan.summary).toBe(
      'Add Long Distance Unlimited and remove Long Distance 300 today (2026-11-16): 3.50 on your next bill, then 40.00 a month.',
    );
  });

  it('plan change and add-on changes together', () => {
    const plan = ok(change(cfg('BASIC', 'voicemail'), cfg('PLUS', 'voicemail', 'intl_saver')));
    expect(plan.addedAddOns).toEqual([{ code: 'intl_saver', name: 'International Saver' }]);
    expect(plan.removedAddOns).toEqual([]);
    expect(plan.summary).toBe(
      'Switch from Basic Line to Plus and add International Saver today (2026-11-16): 5.50 on your next bill, then 36.00 a month.',
    );
  });

  it('a requirement lost on a tier change, in chains (catalog variant)', () => {
    // Variant: Premium neither includes nor offers voicemail; a "transcripts" add-on needs visual voicemail.
    const variant: Catalog = structuredClone(catalogData);
    const premium = variant.plans.find((p) => p.code === 'PREMIUM')!;
    premium.includes = premium.includes.filter((c) => c !== 'voicemail');
    variant.addOns.push({
      code: 'transcripts',
      name: 'Transcripts',
      monthlyCents: 200,
      kind: 'feature',
      availableOn: ['PLUS', 'PREMIUM'],
      requires: ['visual_voicemail'],
      excludes: [],
      ldMinutes: 0,
      ldUnlimited: false,
      intlRateCents: null,
    });
    const result = planChange({
      catalog: variant,
      billingDay: 1,
      today: '2026-11-16',
      pending: null,
      current: cfg('PLUS', 'voicemail', 'visual_voicemail', 'transcripts'),
      requested: cfg('PREMIUM', 'voicemail', 'visual_voicemail', 'transcripts'),
    });
    const plan = ok(result);
    expect(plan.target).toEqual(cfg('PREMIUM'));
    expect(removals(plan)).toEqual([
      ['transcripts', 'requirement_lost'],
      ['visual_voicemail', 'requirement_lost'],
      ['voicemail', 'not_offered'],
    ]);
    expect(isValidConfiguration(variant, plan.target)).toBe(true);
  });
});

describe('planChange: retired plans', () => {
  it('LEGACY → PLUS leaves the retired plan, one way', () => {
    const plan = ok(change(cfg('LEGACY'), cfg('PLUS')));
    expect(plan.leavesRetiredPlan).toBe(true);
    expect(plan.timing).toBe('now');
    expect(codes(plan.featuresGained)).toEqual(['call_waiting']);
    expect(plan.undo).toContain("Classic Line is retired, so you can't switch back to it.");
    // ...and the way back is refused.
    expect(reasons(change(plan.target, cfg('LEGACY')))).toEqual([
      'Classic Line is no longer offered; only subscribers who already have it can keep it.',
    ]);
  });

  it('LEGACY subscribers may change add-ons and keep their plan', () => {
    const plan = ok(change(cfg('LEGACY', 'voicemail'), cfg('LEGACY', 'voicemail', 'call_waiting')));
    expect(plan.leavesRetiredPlan).toBe(false);
    expect(plan.planChanged).toBe(false);
    expect(amounts(plan)).toEqual([['call_waiting', 150]]);
    const down = ok(change(cfg('LEGACY', 'voicemail'), cfg('LEGACY')));
    expect(down.leavesRetiredPlan).toBe(false);
    expect(down.undo).toBe('You can cancel this scheduled change until 2026-12-01.');
  });

  it('LEGACY → BASIC (cheaper) is scheduled and still says it is one-way', () => {
    const plan = ok(change(cfg('LEGACY'), cfg('BASIC')));
    expect(plan.timing).toBe('end_of_period');
    expect(plan.leavesRetiredPlan).toBe(true);
    expect(plan.undo).toBe(
      "You can cancel this scheduled change until 2026-12-01. Classic Line is retired, so you can't switch back to it.",
    );
  });
});

describe('planChange: refusals', () => {
  it.each<[string, Configuration, Configuration, string[]]>([
    ['unknown plan', cfg('BASIC'), cfg('GOLD'), ['"GOLD" is not a plan we offer.']],
    ['unknown add-on', cfg('BASIC'), cfg('BASIC', 'fax', 'voicemail'), ['"fax" is not an add-on we offer.']],
    [
      'unknown plan and add-on',
      cfg('BASIC'),
      cfg('GOLD', 'fax'),
      ['"GOLD" is not a plan we offer.', '"fax" is not an add-on we offer.'],
    ],
    [
      'retired plan',
      cfg('BASIC'),
      cfg('LEGACY'),
      ['Classic Line is no longer offered; only subscribers who already have it can keep it.'],
    ],
    ['already included', cfg('PREMIUM'), cfg('PREMIUM', 'voicemail'), ['Voicemail is already included in Premium.']],
    ['included on the new plan', cfg('BASIC'), cfg('PLUS', 'caller_id'), ['Caller ID is already included in Plus.']],
    ['not available', cfg('PREMIUM'), cfg('UNLIMITED', 'ld_300'), ['Long Distance 300 is not available on Unlimited.']],
    ['requirement unmet', cfg('BASIC'), cfg('BASIC', 'visual_voicemail'), ['Visual Voicemail needs Voicemail first.']],
    [
      'requirement being removed',
      cfg('BASIC', 'voicemail'),
      cfg('BASIC', 'visual_voicemail'),
      ['Visual Voicemail needs Voicemail first.'],
    ],
    [
      'excluded',
      cfg('BASIC', 'ld_300'),
      cfg('BASIC', 'ld_300', 'ld_unlimited'),
      ["Long Distance Unlimited can't be combined with Long Distance 300."],
    ],
    [
      'same configuration',
      cfg('PLUS', 'voicemail'),
      cfg('PLUS', 'voicemail', 'voicemail'),
      ['That is already your plan.'],
    ],
  ])('%s', (_label, current, requested, expected) => {
    expect(reasons(change(current, requested))).toEqual(expected);
  });

  it('the same configuration with a change pending says to cancel it', () => {
    const pending = { target: cfg('BASIC'), effectiveDate: '2026-12-01' };
    expect(reasons(change(cfg('PREMIUM'), cfg('PREMIUM'), { pending }))).toEqual([
      'That is already your plan. You have a change scheduled for 2026-12-01; to drop the scheduled change, cancel it.',
    ]);
  });

  it('the change that is already scheduled is not scheduled again', () => {
    const pending = { target: cfg('BASIC'), effectiveDate: '2026-12-01' };
    expect(reasons(change(cfg('PREMIUM'), cfg('BASIC'), { pending }))).toEqual([
      'That change is already scheduled for 2026-12-01.',
    ]);
    // An agent may bring it forward.
    const now = ok(change(cfg('PREMIUM'), cfg('BASIC'), { pending, applyNow: true }));
    expect(now.timing).toBe('now');
    expect(now.replacesPending).toEqual(pending);
  });

  it('invalid inputs from the server layer are programming errors', () => {
    expect(() => change(cfg('BASIC'), cfg('PLUS'), { billingDay: 0 })).toThrow(RangeError);
    expect(() => change(cfg('BASIC'), cfg('PLUS'), { today: '2026-11-31' })).toThrow(RangeError);
  });
});

describe('planChange: one pending change', () => {
  it('a new change replaces the pending one and says so', () => {
    const pending = { target: cfg('BASIC'), effectiveDate: '2026-12-01' };
    const scheduled = ok(change(cfg('PREMIUM'), cfg('PLUS'), { pending }));
    expect(scheduled.timing).toBe('end_of_period');
    expect(scheduled.replacesPending).toEqual(pending);
    const immediate = ok(change(cfg('PREMIUM'), cfg('UNLIMITED'), { pending }));
    expect(immediate.timing).toBe('now');
    expect(immediate.replacesPending).toEqual(pending);
  });
});
