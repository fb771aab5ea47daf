/** Prices: the monthly recurring price, allowances and rates, and the cost of a usage profile. */
export { intlRateCents, ldAllowance, monthlyCost, monthlyRecurringCents, type CostBreakdown } from './cost';
export { roundHalfAwayFromZero } from './rounding';
