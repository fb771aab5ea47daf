/**
 * Offers (docs/offers.md): the usage profile, the candidate space, best value, kinds, the
 * choice and ranking of offers, and their words. Pure: today is passed in; money in cents.
 */
export { computeOffers } from './compute';
export { usageProfile } from './profile';
export { prepareCatalog, type PreparedCatalog, type PreparedConfig } from './space';
export { bestValue } from './best-value';
export { classifyOffer, offerKey } from './kinds';
export { selectOffers, type NoOfferReason, type OfferSelection } from './select';
export {
  BEST_PLAN_MESSAGE,
  kindBadge,
  NO_USAGE_MESSAGE,
  NOTHING_NEW_MESSAGE,
  noOfferMessage,
  valuePhrase,
} from './copy';
export {
  BEST_VALUE_MIN_SAVING_CENTS,
  MAX_OFFERS,
  MIN_MONTHLY_SAVING_CENTS,
  MISSED_WHILE_BUSY_FOR_CALL_WAITING,
  SIGNAL_RULES,
  SUPPRESSION_DAYS,
  UNANSWERED_CALLS_FOR_VOICEMAIL,
  USAGE_PROFILE_PERIODS,
  signalFeature,
  suppressedUntil,
  type SignalRule,
  type UsageSignal,
} from './rules';
export type {
  AveragedUsageProfile,
  ComputeOffersInput,
  Offer,
  OfferEvidence,
  OfferKind,
  OffersResult,
  OfferSuppression,
} from './types';
