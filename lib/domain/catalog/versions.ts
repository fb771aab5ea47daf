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
import type { Catalog, Cents, Day } from '../types';

export interface CatalogVersion {
  id: number;
  /** The first day it is in force. */
  effectiveOn: Day;
  catalog: Catalog;
}

/** A holder's old price of one item, until `effectiveOn` (exclusive). */
export interface PriceProtection {
  /** The price change it comes from; an earlier one wins when two overlap. */
  priceChangeId: number;
  itemType: 'plan' | 'addon';
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

/**
 * The catalog as one subscriber pays for it on `day`: the catalog of the day with their price
 * protections still running on that day applied (the same object when none is).
 */
export function holderCatalog(catalog: Catalog, protections: readonly PriceProtection[], day: Day): Catalog {
  const running = protections.filter((p) => day < p.effectiveOn).sort((a, b) => a.priceChangeId - b.priceChangeId);
  if (running.length === 0) return catalog;
  const price = (type: PriceProtection['itemType'], code: string, cents: Cents): Cents =>
    running.find((p) => p.itemType === type && p.code === code)?.oldCents ?? cents;
  return {
    ...catalog,
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
