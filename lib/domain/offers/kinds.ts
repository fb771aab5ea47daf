/**
 * Offer kinds. A target's kind depends only on the target: a higher-tier plan is an up-sell;
 * the same plan with add-ons only added or swapped (each removed add-on excluded by an added
 * one) is a cross-sell; anything else is a right-size. So one target has one key.
 */
import { configKey } from '../catalog';
import type { Catalog, Configuration } from '../types';
import { entryFor, prepareCatalog, type PreparedCatalog, type PreparedConfig } from './space';
import type { OfferKind } from './types';

/** Stable: `${kind}:${configKey(target)}`; used for dismiss/snooze and analytics. */
export function offerKey(kind: OfferKind, target: Configuration): string {
  return `${kind}:${configKey(target)}`;
}

export function heldDiff(from: Configuration, to: Configuration): { added: string[]; removed: string[] } {
  const now = new Set(from.addOns);
  const then = new Set(to.addOns);
  return {
    added: to.addOns.filter((c) => !now.has(c)),
    removed: from.addOns.filter((c) => !then.has(c)),
  };
}

export function excludesEither(prep: PreparedCatalog, a: string, b: string): boolean {
  return (
    (prep.addOnByCode.get(a)?.excludes.includes(b) ?? false) || (prep.addOnByCode.get(b)?.excludes.includes(a) ?? false)
  );
}

export function classifyPrepared(prep: PreparedCatalog, current: PreparedConfig, target: PreparedConfig): OfferKind {
  if (target.plan.tier > current.plan.tier) return 'up_sell';
  if (target.plan.code === current.plan.code) {
    const { added, removed } = heldDiff(current.config, target.config);
    if (added.length > 0 && removed.every((r) => added.some((a) => excludesEither(prep, a, r)))) return 'cross_sell';
  }
  return 'right_size';
}

/**
 * The kind of a move from `current` to `target`: a higher-tier plan is an up-sell; the
 * same plan with add-ons only added or swapped is a cross-sell; anything else a right-size.
 */
export function classifyOffer(catalog: Catalog, current: Configuration, target: Configuration): OfferKind {
  const prep = prepareCatalog(catalog);
  return classifyPrepared(prep, entryFor(prep, current), entryFor(prep, target));
}
