/** Prices: the monthly recurring price, allowances and rates, and the cost of a usage profile. */
export { intlRateCents, ldAllowance, monthlyCost, monthlyRecurringCents, type CostBreakdown } from './cost';
export { roundHalfAwayFromZero } from './rounding';
export {
  RATE_CODES,
  RATE_NAMES,
  affectedByRate,
  appliedRate,
  catalogRate,
  isRateCode,
  rateChangeImpact,
  rateChangeProblems,
  withRate,
  type RateChangeImpact,
  type RateChangeInput,
  type RateHolder,
} from './rate-change';
