/**
 * Rating a closed period's usage (docs/bills.md): usage is billed in arrears, against the
 * allowance of the configuration held at the period's END, with the catalog's rates.
 *
 * - An upgrade made during the period is already in the stored configuration at its end, so
 *   the whole period is rated on the new allowance (the subscriber gets all of it).
 * - A scheduled change takes effect at the boundary: the closed period is rated on the
 *   configuration held before it (the caller passes that one).
 *
 * Pure: the caller passes the catalog of the day, the configuration and the period's totals.
 */
import { ldAllowance, intlRateCents, roundHalfAwayFromZero } from '../pricing';
import { formatCents } from '../text';
import { findAddOn, effectiveAddOns } from '../catalog';
import type { Catalog, Cents, Configuration } from '../types';

/** One period's rated quantities (whole minutes, as the usage records carry them). */
export interface RatedUsageInput {
  ldMinutes: number;
  intlMinutes: number;
}

export interface UsageLine {
  itemType: 'usage';
  /** 'ld_overage' or 'intl': what was rated. */
  code: 'ld_overage' | 'intl';
  quantity: number;
  rateCents: Cents;
  amountCents: Cents;
  /** "Long-distance minutes beyond the allowance: 163 × 0.10 = 16.30". */
  description: string;
}

export interface UsageRating {
  /** null: unlimited. */
  ldAllowance: number | null;
  ldMinutes: number;
  ldOverageMinutes: number;
  intlMinutes: number;
  intlRateCents: Cents;
  /** The add-on (held or included) whose lower international rate applies, e.g. International Saver; null: the catalog's rate. */
  intlRateBy: { code: string; name: string } | null;
  lines: UsageLine[];
  totalCents: Cents;
}

function assertQuantity(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`Invalid ${what} ${String(n)}: expected a whole number of minutes, 0 or more.`);
}

/** The wording of one usage line: "<what>: <quantity> × <rate> = <amount>". */
export function usageLineDescription(what: string, quantity: number, rateCents: Cents, amountCents: Cents): string {
  return `${what}: ${quantity} × ${formatCents(rateCents)} = ${formatCents(amountCents)}`;
}

/**
 * The usage lines of one period: long-distance minutes beyond the allowance at the overage
 * rate, and every international minute at the rate that applies (the lowest one a held or
 * included add-on grants, else the catalog's). A charge of zero is not a line.
 */
export function rateUsage(catalog: Catalog, config: Configuration, usage: RatedUsageInput): UsageRating {
  assertQuantity(usage.ldMinutes, 'long-distance minutes');
  assertQuantity(usage.intlMinutes, 'international minutes');
  const allowance = ldAllowance(catalog, config);
  const overage = allowance === null ? 0 : Math.max(0, usage.ldMinutes - allowance);
  const ldRate = catalog.rates.ldOverageCentsPerMinute;
  const intlRate = intlRateCents(catalog, config);
  const by =
    intlRate < catalog.rates.intlCentsPerMinute
      ? effectiveAddOns(catalog, config)
          .map((c) => findAddOn(catalog, c))
          .find((a) => a !== undefined && a.intlRateCents === intlRate)
      : undefined;
  const lines: UsageLine[] = [];
  if (overage > 0) {
    const amount = roundHalfAwayFromZero(overage * ldRate);
    lines.push({
      itemType: 'usage',
      code: 'ld_overage',
      quantity: overage,
      rateCents: ldRate,
      amountCents: amount,
      description: usageLineDescription('Long-distance minutes beyond the allowance', overage, ldRate, amount),
    });
  }
  if (usage.intlMinutes > 0 && intlRate > 0) {
    const amount = roundHalfAwayFromZero(usage.intlMinutes * intlRate);
    const what = by ? `International minutes at the ${by.name} rate` : 'International minutes';
    lines.push({
      itemType: 'usage',
      code: 'intl',
      quantity: usage.intlMinutes,
      rateCents: intlRate,
      amountCents: amount,
      description: usageLineDescription(what, usage.intlMinutes, intlRate, amount),
    });
  }
  return {
    ldAllowance: allowance,
    ldMinutes: usage.ldMinutes,
    ldOverageMinutes: overage,
    intlMinutes: usage.intlMinutes,
    intlRateCents: intlRate,
    intlRateBy: by ? { code: by.code, name: by.name } : null,
    lines,
    totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
  };
}
