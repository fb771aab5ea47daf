/**
 * A change of a pay-per-use rate (docs/catalog.md, "Rate changes"): who pays it, whether it may
 * be made, and what it does to monthly revenue. Pure: the caller passes the catalog, each
 * subscription's configuration and usage profile, and the days.
 *
 * Who is affected: every subscription whose configuration would pay a different rate per minute
 * after the change. For the long-distance overage rate that is every configuration with a
 * limited allowance (not Unlimited, not with Long Distance Unlimited); for the international
 * rate, every configuration that pays the catalog's rate, i.e. no held or included add-on grants
 * a lower one (International Saver) — unless the new catalog rate falls below that add-on's,
 * which then affects its holders too (they pay the lower of the two). A subscription that would
 * pay the same rate either way is not affected, is not told, and needs no protection.
 */
import { earliestHolderDay } from '../catalog';
import { type Formats, PLAIN_FORMATS } from '../text';
import { monthlyCost, intlRateCents, ldAllowance } from './cost';
import type { Catalog, Cents, Configuration, Day, RateCode, UsageProfile } from '../types';

export const RATE_CODES: readonly RateCode[] = ['ld_overage', 'intl'];

/** What each rate is called on the admin's pages and in the notices. */
export const RATE_NAMES: Record<RateCode, string> = {
  ld_overage: 'Long-distance minutes beyond the allowance',
  intl: 'International minutes',
};

export function isRateCode(code: string): code is RateCode {
  return (RATE_CODES as readonly string[]).includes(code);
}

/** The catalog's rate `code`, cents per minute. */
export function catalogRate(catalog: Catalog, code: RateCode): Cents {
  return code === 'ld_overage' ? catalog.rates.ldOverageCentsPerMinute : catalog.rates.intlCentsPerMinute;
}

/** The catalog with rate `code` set to `cents`. */
export function withRate(catalog: Catalog, code: RateCode, cents: Cents): Catalog {
  return {
    ...catalog,
    rates:
      code === 'ld_overage'
        ? { ...catalog.rates, ldOverageCentsPerMinute: cents }
        : { ...catalog.rates, intlCentsPerMinute: cents },
  };
}

/** The rate a configuration pays per minute of `code`; null: it pays none (unlimited long distance). */
export function appliedRate(catalog: Catalog, config: Configuration, code: RateCode): Cents | null {
  if (code === 'ld_overage')
    return ldAllowance(catalog, config) === null ? null : catalog.rates.ldOverageCentsPerMinute;
  return intlRateCents(catalog, config);
}

/** Does changing rate `code` to `newCents` change what this configuration pays per minute? */
export function affectedByRate(catalog: Catalog, config: Configuration, code: RateCode, newCents: Cents): boolean {
  return appliedRate(catalog, config, code) !== appliedRate(withRate(catalog, code, newCents), config, code);
}

export interface RateChangeInput {
  code: string;
  oldCents: Cents;
  newCents: number;
  /** The day the notices go out (today). */
  noticeDay: Day;
  /** The day the new rate reaches existing subscribers who pay it. */
  effectiveOn: Day;
}

/** Why a rate change can't be made, in words; empty when it can. */
export function rateChangeProblems(input: RateChangeInput, f: Formats = PLAIN_FORMATS): string[] {
  const problems: string[] = [];
  if (!isRateCode(input.code)) return [`"${input.code}" is not a pay-per-use rate we charge.`];
  if (!Number.isSafeInteger(input.newCents) || input.newCents < 0)
    problems.push('The new rate must be a whole number of cents per minute, 0 or more.');
  else if (input.newCents === input.oldCents)
    problems.push(`${RATE_NAMES[input.code]} already cost ${f.money(input.oldCents)} each.`);
  const earliest = earliestHolderDay(input.noticeDay);
  if (input.effectiveOn < earliest)
    problems.push(
      `Subscribers who pay this rate must be told at least 30 days ahead: the new rate can reach them on ${f.day(earliest)} at the earliest.`,
    );
  return problems;
}

/** One subscription as the rate-change preview sees it. */
export interface RateHolder {
  config: Configuration;
  /** The average of its last complete periods (offers' usageProfile); null: none complete yet. */
  usage: UsageProfile | null;
}

export interface RateChangeImpact {
  /** Subscriptions whose rate per minute changes (each gets a notice). */
  affected: number;
  /** Of those, how many have a complete period to estimate from. */
  withUsage: number;
  /**
   * The monthly revenue change once the new rate reaches them all: for each affected
   * subscription, its monthly cost at its average usage with the new rate minus with the old
   * one (each usage charge rounded to the cent, as the offers compute a month), summed.
   */
  monthlyRevenueChangeCents: Cents;
}

/** What changing rate `code` to `newCents` does, over the subscriptions (at the catalog's current rates). */
export function rateChangeImpact(
  catalog: Catalog,
  holders: readonly RateHolder[],
  code: RateCode,
  newCents: Cents,
): RateChangeImpact {
  const after = withRate(catalog, code, newCents);
  let affected = 0;
  let withUsage = 0;
  let change = 0;
  for (const h of holders) {
    if (!affectedByRate(catalog, h.config, code, newCents)) continue;
    affected++;
    if (!h.usage) continue;
    withUsage++;
    change += monthlyCost(after, h.config, h.usage).totalCents - monthlyCost(catalog, h.config, h.usage).totalCents;
  }
  return { affected, withUsage, monthlyRevenueChangeCents: change };
}
