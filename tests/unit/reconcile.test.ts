/**
 * reconcile(): the one home of add-on reconciliation on a move to another plan. Change
 * planning (and so the plan cards) and the offers' up-sells all go through it.
 */
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import { allConfigurations, getPlan, normalize, planSelectable } from '@/lib/domain/catalog';
import { decideChange, planChange, reconcile } from '@/lib/domain/changes';
import { computeOffers } from '@/lib/domain/offers';
import type { Catalog } from '@/lib/domain/types';

const plan = (code: string) => getPlan(catalogData, code);
const vm = { code: 'voicemail', name: 'Voicemail' };

describe('reconcile', () => {
  it('keeps what the new plan offers, drops what it includes (redundant)', () => {
    expect(reconcile(catalogData, ['ld_300', 'voicemail'], plan('PREMIUM'))).toEqual({
      kept: ['ld_300'],
      removed: [{ reason: 'redundant', addOn: vm, plan: { code: 'PREMIUM', name: 'Premium' } }],
    });
  });

  it('an add-on the new plan does not offer is not_offered, with what the plan includes instead', () => {
    expect(reconcile(catalogData, ['ld_300'], plan('UNLIMITED'))).toEqual({
      kept: [],
      removed: [
        {
          reason: 'not_offered',
          addOn: { code: 'ld_300', name: 'Long Distance 300' },
          plan: { code: 'UNLIMITED', name: 'Unlimited' },
          replacedBy: [{ code: 'ld_unlimited', name: 'Long Distance Unlimited' }],
        },
      ],
    });
    expect(reconcile(catalogData, ['caller_id'], plan('LEGACY')).removed).toEqual([
      {
        reason: 'redundant',
        addOn: { code: 'caller_id', name: 'Caller ID' },
        plan: { code: 'LEGACY', name: 'Classic Line' },
      },
    ]);
  });

  it('left out of the request: requested; a dependant then loses its requirement', () => {
    expect(
      reconcile(catalogData, ['visual_voicemail', 'voicemail'], plan('BASIC'), { keep: ['visual_voicemail'] }),
    ).toEqual({
      kept: [],
      removed: [
        { reason: 'requirement_lost', addOn: { code: 'visual_voicemail', name: 'Visual Voicemail' }, missing: [vm] },
        { reason: 'requested', addOn: vm },
      ],
    });
  });

  it('an add-on being added meets a requirement', () => {
    const variant: Catalog = {
      ...catalogData,
      addOns: catalogData.addOns.map((a) => (a.code === 'three_way' ? { ...a, requires: ['call_waiting'] } : a)),
    };
    const held = ['three_way'];
    expect(reconcile(variant, held, getPlan(variant, 'BASIC')).removed.map((r) => r.reason)).toEqual([
      'requirement_lost',
    ]);
    expect(reconcile(variant, held, getPlan(variant, 'BASIC'), { adding: ['call_waiting'] })).toEqual({
      kept: ['three_way'],
      removed: [],
    });
  });

  it('removals cascade to a fixed point, in the order held', () => {
    const variant: Catalog = {
      ...catalogData,
      addOns: catalogData.addOns.map((a) => (a.code === 'three_way' ? { ...a, requires: ['visual_voicemail'] } : a)),
    };
    // On Unlimited voicemail and visual voicemail are included: nothing is lost.
    // Dropping voicemail on Basic costs visual voicemail, which costs three-way calling.
    const r = reconcile(variant, ['three_way', 'visual_voicemail', 'voicemail'], getPlan(variant, 'BASIC'), {
      keep: ['three_way', 'visual_voicemail'],
    });
    expect(r.kept).toEqual([]);
    expect(r.removed.map((x) => [x.addOn.code, x.reason])).toEqual([
      ['three_way', 'requirement_lost'],
      ['visual_voicemail', 'requirement_lost'],
      ['voicemail', 'requested'],
    ]);
  });
});

describe('one reconciliation for changes, plan cards and offers', () => {
  const all = allConfigurations(
    catalogData,
    catalogData.plans.map((p) => p.code),
  );

  it('a plan card (same add-ons, another plan) holds exactly what reconcile keeps, and lists its removals', () => {
    for (const current of all) {
      for (const p of catalogData.plans) {
        if (p.code === current.planCode || !planSelectable(catalogData, current.planCode, p.code)) continue;
        const r = reconcile(catalogData, current.addOns, p);
        const request = {
          catalog: catalogData,
          current,
          requested: { planCode: p.code, addOns: current.addOns },
          billingDay: 1,
          today: '2026-11-16',
          pending: null,
        };
        const decided = decideChange(request);
        const preview = planChange(request);
        // Moving to another selectable plan with the add-ons held is never refused: reconcile makes it valid.
        expect(decided.ok && preview.ok).toBe(true);
        if (!decided.ok || !preview.ok) continue;
        expect(decided.change.target).toEqual(normalize({ planCode: p.code, addOns: r.kept }));
        expect(decided.change.removals).toEqual(r.removed);
        expect(preview.plan.removedAddOns.map((a) => [a.code, a.reason])).toEqual(
          r.removed.map((x) => [x.addOn.code, x.reason]),
        );
      }
    }
  });

  it("an up-sell keeps the held features reconcile keeps (spec: Ben's voicemail goes on Premium)", () => {
    const usage = { ldMinutes: 650, intlMinutes: 0, unansweredCalls: 0, missedWhileBusy: 0, periods: 3 };
    const result = computeOffers({
      catalog: catalogData,
      current: { planCode: 'PLUS', addOns: ['ld_300', 'voicemail'] },
      usage,
      suppressed: [],
      today: '2026-04-05',
    });
    expect(result.status).toBe('offers');
    if (result.status !== 'offers') return;
    const premium = result.offers.find((o) => o.kind === 'up_sell' && o.target.planCode === 'PREMIUM');
    expect(premium?.target.addOns.filter((c) => c === 'voicemail')).toEqual([]);
    expect(reconcile(catalogData, ['ld_300', 'voicemail'], plan('PREMIUM')).kept).toEqual(['ld_300']);
  });
});
