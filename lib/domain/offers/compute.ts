import { noOfferMessage, NO_USAGE_MESSAGE } from './copy';
import { selectOffers } from './select';
import type { ComputeOffersInput, OffersResult } from './types';
import { wordOffers } from './wording';

/** The offers for a subscriber (offers/select.ts), worded (offers/wording.ts). */
export function computeOffers(input: ComputeOffersInput): OffersResult {
  const s = selectOffers(input);
  switch (s.status) {
    case 'no_usage':
      return { status: 'no_usage', message: NO_USAGE_MESSAGE };
    case 'none':
      return { status: 'none', message: noOfferMessage(s.why, input.formats), currentCostCents: s.currentCostCents };
    case 'offers':
      return {
        status: 'offers',
        offers: wordOffers(
          s.prep,
          s.current,
          s.usage,
          s.currentCostCents,
          s.candidates,
          input.lastMonth ?? null,
          input.formats,
        ),
        currentCostCents: s.currentCostCents,
      };
  }
}
