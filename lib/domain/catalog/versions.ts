/**
 * Catalog versions and price protection (docs/catalog.md, "Versions and price changes"). Pure.
 *
 * Every launch, rule change, retirement and price change writes a new catalog version, in
 * force from the day it was made. "The catalog of day D" is the newest version in force on D.
 * A price change is in the new version at once (so a new subscriber pays the new price), and
 * each subscriber who held the item when the change was announced keeps the old price until
 * the change's effective day for holders (at least 30 days after their notice): a price
 * protection, applied per subscriber on top of the catalog of the day.
 */
import { addDays } from '../periods';
import type { Catalog, Cents, Day, RateCode, Rates } from '../types';

export interface CatalogVersion {
  id: number;
  /** The first day it is in force. */
  effectiveOn: Day;
  catalog: Catalog;
}

/**
 * A holder's old price of one item, until `effectiveOn` (exclusive): a plan's or an add-on's
 * monthly price, or a pay-per-use rate (`itemType` 'rate', `code` 'ld_overage' or 'intl', the
 * old cents per minute).
 */
export interface PriceProtection {
  /** The price change it comes from; an earlier one wins when two overlap. */
  priceChangeId: number;
  itemType: 'plan' | 'addon' | 'rate';
  code: string;
  oldCents: Cents;
  /** The day the new price reaches this holder. */
  effectiveOn: Day;
}

/** Existing holders are told at least this many days before a price change reaches them (spec §10). */
export const PRICE_NOTICE_DAYS = 30;

/** The first day a price change announced on `noticeDay` may reach existing holders. */
export function earliestHolderDay(noticeDay: Day): Day {
  return addDays(noticeDay, PRICE_NOTICE_DAYS);
}

/**
 * The version in force on `day`: the newest (highest id) whose effectiveOn is on or before it;
 * the oldest when none is (a day before the first version: history predates versioning).
 */
export function versionOfDay(versions: readonly CatalogVersion[], day: Day): CatalogVersion {
  if (versions.length === 0) throw new RangeError('There is no catalog version.');
  let best: CatalogVersion | undefined;
  let oldest = versions[0]!;
  for (const v of versions) {
    if (v.id < oldest.id) oldest = v;
    if (v.effectiveOn <= day && (!best || v.id > best.id)) best = v;
  }
  return best ?? oldest;
}

/** The catalog of `day`. */
export function catalogOfDay(versions: readonly CatalogVersion[], day: Day): Catalog {
  return versionOfDay(versions, day).catalog;
}

/** The field of `Rates` each rate code names. */
export const RATE_FIELDS: Record<RateCode, keyof Rates> = {
  ld_overage: 'ldOverageCentsPerMinute',
  intl: 'intlCentsPerMinute',
};

/** The stored item type of a price change or protection ('plan', 'addon' or 'rate'). */
export function protectionItemType(stored: string): PriceProtection['itemType'] {
  return stored === 'plan' || stored === 'rate' ? stored : 'addon';
}

const running = (protections: readonly PriceProtection[], day: Day) =>
  protections.filter((p) => day < p.effectiveOn).sort((a, b) => a.priceChangeId - b.priceChangeId);

/** The catalog's rates with the rate protections running on `day` applied (the same object when none is). */
function protectedRates(rates: Rates, protections: readonly PriceProtection[], day: Day): Rates {
  const run = running(protections, day).filter((p) => p.itemType === 'rate');
  if (run.length === 0) return rates;
  const out = { ...rates };
  let changed = false;
  for (const code of Object.keys(RATE_FIELDS) as RateCode[]) {
    const p = run.find((x) => x.code === code);
    if (p && p.oldCents !== rates[RATE_FIELDS[code]]) {
      out[RATE_FIELDS[code]] = p.oldCents;
      changed = true;
    }
  }
  return changed ? out : rates;
}

/**
 * The catalog as one subscriber pays for it on `day`: the catalog of the day with their price
 * protections still running on that day applied (the same object when none is): monthly prices
 * and pay-per-use rates.
 */
export function holderCatalog(catalog: Catalog, protections: readonly PriceProtection[], day: Day): Catalog {
  const run = running(protections, day);
  if (run.length === 0) return catalog;
  const rates = protectedRates(catalog.rates, run, day);
  const price = (type: PriceProtection['itemType'], code: string, cents: Cents): Cents =>
    run.find((p) => p.itemType === type && p.code === code)?.oldCents ?? cents;
  return {
    ...catalog,
    rates,
    plans: catalog.plans.map((p) => {
      const c = price('plan', p.code, p.monthlyCents);
      return c === p.monthlyCents ? p : { ...p, monthlyCents: c };
    }),
    addOns: catalog.addOns.map((a) => {
      const c = price('addon', a.code, a.monthlyCents);
      return c === a.monthlyCents ? a : { ...a, monthlyCents: c };
    }),
  };
}

/**
 * The catalog a period's usage is rated with, for one holder: the catalog of the period's last
 * day (`catalog`: its allowances and rules are those of the configuration held at the end), with
 * the holder's monthly-price protections of that day, and with the pay-per-use rates they had on
 * the period's FIRST day. A period's usage is one total against one allowance, so it can't be
 * split at a rate change's day; rating it at the rate its first day had means a protected holder
 * never pays the new rate for a minute used before their day: the first period rated at the new
 * rate is the first that starts on or after it, as the first bill at a new monthly price is the
 * first one dated on or after it. Without rate protections this is holderCatalog on the last day.
 */
export function usageRatingCatalog(
  catalog: Catalog,
  protections: readonly PriceProtection[],
  period: { start: Day; end: Day },
): Catalog {
  const prices = protections.filter((p) => p.itemType !== 'rate');
  const rateProtections = protections.filter((p) => p.itemType === 'rate');
  const held = holderCatalog(catalog, prices, addDays(period.end, -1));
  const rates = protectedRates(held.rates, rateProtections, period.start);
  return rates === held.rates ? held : { ...held, rates };
}
