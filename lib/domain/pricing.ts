import { findAddOn, getAddOn, getPlan, effectiveAddOns } from './catalog';
import type { Catalog, Cents, Configuration, UsageProfile } from './types';

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

/** Round to an integer, half away from zero (1.5 → 2, −1.5 → −2). */
export function roundHalfAwayFromZero(x: number): number {
  // Guard against binary noise such as 166.66666666666666 vs 166.5 exactly.
  const r = Math.round(Math.abs(x) * 1e6) / 1e6;
  return Math.sign(x) * Math.floor(r + 0.5) || 0;
}

/** "+7.50" / "-10.00" / "0.00": a change or a ledger line. */
export function formatSignedCents(cents: Cents): string {
  const text = formatCents(Math.abs(cents));
  return cents > 0 ? `+${text}` : cents < 0 ? `-${text}` : text;
}

/** "12.34" from 1234; "-12.34" from -1234. */
export function formatCents(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
