/**
 * Best value (docs/offers.md): the cheapest selectable configuration that keeps every feature
 * the subscriber has, for their usage profile, found in one pass over the candidate space.
 */
import { isSelectable } from '../catalog';
import { roundHalfAwayFromZero } from '../pricing';
import type { Catalog, Configuration, UsageProfile } from '../types';
import { entryFor, maskSubset, prepareCatalog, retiredKept, type PreparedCatalog, type PreparedConfig } from './space';

/** Same arithmetic as pricing.monthlyCost(…).totalCents, on precomputed rows. */
export function costOf(prep: PreparedCatalog, pc: PreparedConfig, usage: UsageProfile): number {
  const rates = prep.catalog.rates;
  const over = pc.allowance === null ? 0 : Math.max(0, usage.ldMinutes - pc.allowance);
  return (
    pc.recurringCents +
    roundHalfAwayFromZero(over * rates.ldOverageCentsPerMinute) +
    roundHalfAwayFromZero(usage.intlMinutes * pc.intlRateCents)
  );
}

/** Size of a change, ordered: a plan change outweighs any number of add-on changes. */
export function changeSize(from: PreparedConfig, to: PreparedConfig): number {
  const a = from.config.addOns;
  const b = to.config.addOns;
  let i = 0;
  let j = 0;
  let diff = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && y !== undefined && x === y) {
      i++;
      j++;
    } else if (y === undefined || (x !== undefined && x < y)) {
      diff++;
      i++;
    } else {
      diff++;
      j++;
    }
  }
  return (from.plan.code === to.plan.code ? 0 : 1_000_000) + diff;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Scored {
  pc: PreparedConfig;
  cost: number;
  size: number;
}

/** Best-value order: cost, the current configuration, smaller change, lower recurring, key. */
export function compareScored(a: Scored, b: Scored): number {
  return (
    a.cost - b.cost ||
    (a.size === 0 ? 0 : 1) - (b.size === 0 ? 0 : 1) ||
    a.size - b.size ||
    a.pc.recurringCents - b.pc.recurringCents ||
    compareStrings(a.pc.key, b.pc.key)
  );
}

export interface Scan {
  best: Scored;
  /** Cheapest feature-keeping configuration per selectable plan. */
  perPlan: Map<string, Scored>;
}

/**
 * One pass over the space, plan by plan: best value overall and per plan, keeping every held
 * feature. compareScored is a total order (keys are unique), so the best overall is the best
 * of the plans' bests, and a row that costs more than its plan's best so far can win neither
 * (its change size is not worked out).
 */
export function scanSpace(prep: PreparedCatalog, current: PreparedConfig, usage: UsageProfile): Scan {
  let best: Scored | undefined;
  const perPlan = new Map<string, Scored>();
  for (const [planCode, rows] of prep.byPlan) {
    if (!isSelectable(rows[0]!.plan, current.plan.code)) continue;
    let planBest: Scored | undefined;
    for (const pc of rows) {
      if (!maskSubset(current.featureMask, pc.featureMask) || !retiredKept(prep, current, pc)) continue;
      const cost = costOf(prep, pc, usage);
      if (planBest && cost > planBest.cost) continue;
      const s: Scored = { pc, cost, size: changeSize(current, pc) };
      if (!planBest || compareScored(s, planBest) < 0) planBest = s;
    }
    if (!planBest) continue;
    perPlan.set(planCode, planBest);
    if (!best || compareScored(planBest, best) < 0) best = planBest;
  }
  if (!best) {
    // Only possible for an invalid current configuration whose features nothing offers.
    best = { pc: current, cost: costOf(prep, current, usage), size: 0 };
  }
  return { best, perPlan };
}

/**
 * The cheapest valid configuration (active plans, or the subscriber's own retired plan)
 * that keeps every feature the subscriber has, for the usage profile. Ties: the current
 * configuration itself, then the smaller change, the lower recurring price, configKey order.
 */
export function bestValue(
  catalog: Catalog,
  current: Configuration,
  usage: UsageProfile,
): { config: Configuration; costCents: number } {
  const prep = prepareCatalog(catalog);
  const { best } = scanSpace(prep, entryFor(prep, current), usage);
  return { config: { planCode: best.pc.config.planCode, addOns: [...best.pc.config.addOns] }, costCents: best.cost };
}
