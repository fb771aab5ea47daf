/**
 * Offer selection apart from its words: selectOffers returns the chosen candidates and,
 * when there are none, why; offers/copy.ts and offers/wording.ts word them (the sentences
 * are asserted in offers.test.ts through computeOffers).
 */
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import {
  BEST_PLAN_MESSAGE,
  NOTHING_NEW_MESSAGE,
  computeOffers,
  noOfferMessage,
  selectOffers,
  type ComputeOffersInput,
} from '@/lib/domain/offers';
import type { UsageProfile } from '@/lib/domain/types';

const usage = (u: Partial<UsageProfile>): UsageProfile => ({
  ldMinutes: 0,
  intlMinutes: 0,
  unansweredCalls: 0,
  missedWhileBusy: 0,
  periods: 3,
  ...u,
});
const ada: ComputeOffersInput = {
  catalog: catalogData,
  current: { planCode: 'BASIC', addOns: [] },
  usage: usage({ ldMinutes: 240, unansweredCalls: 12 }),
  suppressed: [],
  today: '2026-04-05',
};

describe('selectOffers', () => {
  it('no usage yet', () => {
    expect(selectOffers({ ...ada, usage: null })).toEqual({ status: 'no_usage' });
  });

  it("chooses Ada's three candidates as facts, ranked, with their evidence", () => {
    const s = selectOffers(ada);
    expect(s.status).toBe('offers');
    if (s.status !== 'offers') return;
    expect(s.candidates.map((c) => [c.key, c.saving, c.bestValue, c.savingEvidence])).toEqual([
      ['cross_sell:BASIC+ld_300', 1600, true, true],
      ['up_sell:PREMIUM', 900, false, true],
      ['cross_sell:BASIC+voicemail', -500, false, false],
    ]);
    expect(s.currentCostCents).toBe(4400);
  });

  it('nothing to offer: on the best plan', () => {
    const dev = {
      ...ada,
      current: { planCode: 'UNLIMITED', addOns: [] },
      usage: usage({ ldMinutes: 1400, intlMinutes: 10 }),
    };
    expect(selectOffers(dev)).toEqual({ status: 'none', why: { type: 'best_plan' }, currentCostCents: 5250 });
  });

  it('nothing new: every offer set aside while a cheaper configuration exists', () => {
    const first = computeOffers(ada);
    if (first.status !== 'offers') throw new Error('expected offers');
    const suppressed = first.offers.map((o) => ({ key: o.key, until: '2026-05-01' }));
    expect(selectOffers({ ...ada, suppressed })).toEqual({
      status: 'none',
      why: { type: 'nothing_new' },
      currentCostCents: 4400,
    });
    expect(computeOffers({ ...ada, suppressed })).toEqual({
      status: 'none',
      message: NOTHING_NEW_MESSAGE,
      currentCostCents: 4400,
    });
  });

  it('nothing else before a scheduled change', () => {
    const first = computeOffers(ada);
    if (first.status !== 'offers') throw new Error('expected offers');
    const [scheduledOffer, ...others] = first.offers;
    const input = {
      ...ada,
      suppressed: others.map((o) => ({ key: o.key, until: '2026-05-01' })),
      scheduled: { target: scheduledOffer!.target, effectiveDate: '2026-05-01' },
    };
    expect(selectOffers(input)).toEqual({
      status: 'none',
      why: { type: 'scheduled', effectiveDate: '2026-05-01' },
      currentCostCents: 4400,
    });
  });
});

describe('offers copy', () => {
  it('words each reason for having nothing to offer', () => {
    expect(noOfferMessage({ type: 'best_plan' })).toBe(BEST_PLAN_MESSAGE);
    expect(noOfferMessage({ type: 'nothing_new' })).toBe(NOTHING_NEW_MESSAGE);
    expect(noOfferMessage({ type: 'scheduled', effectiveDate: '2026-05-01' })).toBe(
      'Nothing else to suggest before your scheduled change takes effect on 2026-05-01.',
    );
  });
});
