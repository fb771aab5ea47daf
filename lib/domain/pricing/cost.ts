import { effectiveAddOns, findAddOn, getAddOn, getPlan } from '../catalog';
import { roundHalfAwayFromZero } from './rounding';
import type { Catalog, Cents, Configuration, UsageProfile } from '../types';

/** Monthly recurring price: plan + held add-ons. */
export function monthlyRecurringCents(catalog: Catalog, config: Configuration): Cents {
  const plan = getPlan(catalog, config.planCode);
  return config.addOns.reduce((sum, code) => sum + getAddOn(catalog, code).monthlyCents, plan.monthlyCents);
}

/** Long-distance allowance per period; null means unlimited. */
export function ldAllowance(catalog: Catalog, config: Configuration): number | null {
  const plan = getPlan(catalog, config.planCode);
  const all = effectiveAddOns(catalog, config);
  if (plan.ldMinutes === null) return null;
  if (all.some((code) => findAddOn(catalog, code)?.ldUnlimited)) return null;
  // "+300 per ld_300": only held add-ons add minutes (an included one is already in plan.ldMinutes).
  return config.addOns.reduce((sum, code) => sum + (findAddOn(catalog, code)?.ldMinutes ?? 0), plan.ldMinutes);
}

/** International per-minute rate that applies: the lowest granted rate, else the catalog's. */
export function intlRateCents(catalog: Catalog, config: Configuration): Cents {
  let rate = catalog.rates.intlCentsPerMinute;
  for (const code of effectiveAddOns(catalog, config)) {
    const r = findAddOn(catalog, code)?.intlRateCents;
    if (r !== null && r !== undefined && r < rate) rate = r;
  }
  return rate;
}

export interface CostBreakdown {
  recurringCents: Cents;
  ldAllowance: number | null;
  ldOverageMinutes: number;
  ldOverageCents: Cents;
  intlRateCents: Cents;
  intlCents: Cents;
  totalCents: Cents;
}

/**
 * Monthly cost of a configuration for a usage profile: plan + add-ons + long-distance
 * overage + international minutes at the applicable rate. Averages can be fractional
 * minutes; each usage charge is rounded to the cent (half away from zero).
 */
export function monthlyCost(catalog: Catalog, config: Configuration, usage: UsageProfile): CostBreakdown {
  const recurringCents = monthlyRecurringCents(catalog, config);
  const allowance = ldAllowance(catalog, config);
  const ldOverageMinutes = allowance === null ? 0 : Math.max(0, usage.ldMinutes - allowance);
  const ldOverageCents = roundHalfAwayFromZero(ldOverageMinutes * catalog.rates.ldOverageCentsPerMinute);
  const rate = intlRateCents(catalog, config);
  const intlCents = roundHalfAwayFromZero(usage.intlMinutes * rate);
  return {
    recurringCents,
    ldAllowance: allowance,
    ldOverageMinutes,
    ldOverageCents,
    intlRateCents: rate,
    intlCents,
    totalCents: recurringCents + ldOverageCents + intlCents,
  };
}
