/**
 * Choosing offers (docs/offers.md): candidates (cross-sells, up-sells, right-sizes, best
 * value), their evidence, restraint, suppression, ranking and the cap. Returns the chosen
 * candidates as facts; offers/wording.ts words them.
 *
 * Decisions where the spec is silent or ambiguous (each chosen for the subscriber):
 *
 * 1. Evidence threshold. A saving counts as evidence only from MIN_MONTHLY_SAVING_CENTS
 *    (1.00) a month, the same bar the spec sets for best value: a few cents is not worth
 *    a subscriber's attention. Signal offers (voicemail for unanswered calls, call waiting
 *    for calls missed while busy) may cost more; their price change is stated.
 * 2. Usage add-ons on an up-sell. Held add-ons are reconciled as for a change (those
 *    the new plan includes, doesn't offer, or whose requirement is lost are dropped). The
 *    held *feature* add-ons that survive are kept; the *usage* add-ons (long distance,
 *    international) are then chosen to make the new plan cheapest for the usage profile,
 *    which may add one or drop a held one that no longer pays for itself on the new plan
 *    (usage add-ons are only worth what they save). Ties keep what the subscriber has.
 * 3. Right-size candidates are, for each selectable plan of the same or a lower tier
 *    (including the current plan; a retired plan only if it is the subscriber's own), the
 *    cheapest configuration on that plan that keeps every feature. Higher tiers are up-sells.
 * 4. Kinds: see offers/kinds.ts.
 * 5. Restraint (dominance). Feature add-ons the subscriber has shown no need for are not
 *    value to them, so an offer is hidden when another offer saves at least as much, adds
 *    every signalled feature it adds, and is no bigger a change (plan change first, then
 *    the number of add-ons added or removed). E.g. Ada is not shown "Add Long Distance
 *    Unlimited" (saves 9.00) beside "Add Long Distance 300" (saves 16.00), and Finn is
 *    not pushed off his grandfathered plan to get call waiting when an add-on does it for
 *    the same price. The best-value offer is never hidden by this rule.
 * 6. Dominance is decided before suppression: declining an offer ("Not for me", "Remind
 *    me later") does not bring back the weaker alternatives it had hidden. Suppressions
 *    whose `until` day is after today apply; on or after `until` the offer may return.
 * 7. Ranking. Offers with a saving first, by saving (descending; best value first on a
 *    tie), then signal-only offers by signal strength (average per month ÷ threshold,
 *    strongest signal of the offer), then the smaller extra cost; then the smaller change,
 *    the lower recurring price, the configuration key. At most MAX_OFFERS.
 * 8. Best-value ties: the current configuration itself, then the smaller change, then the
 *    lower recurring price, then configuration key order.
 * 9. When every offer is suppressed but a cheaper configuration exists, there is nothing
 *    new to suggest (not "you're on the best plan", which would be untrue).
 */
import { configKey, isSelectable, selectablePlans } from '../catalog';
import { reconcile } from '../changes';
import { monthlyCost } from '../pricing';
import type { Day, Plan, UsageProfile } from '../types';
import { changeSize, compareScored, compareStrings, costOf, scanSpace, type Scored } from './best-value';
import { classifyPrepared, excludesEither } from './kinds';
import { BEST_VALUE_MIN_SAVING_CENTS, MAX_OFFERS, MIN_MONTHLY_SAVING_CENTS, SIGNAL_RULES } from './rules';
import {
  entryFor,
  hasFeature,
  maskSubset,
  prepareCatalog,
  retiredKept,
  type PreparedCatalog,
  type PreparedConfig,
} from './space';
import type { ComputeOffersInput, OfferEvidence, OfferKind } from './types';

export interface Candidate extends Scored {
  kind: OfferKind;
  key: string;
  saving: number;
  bestValue: boolean;
  /** Bit i: adds the feature answering SIGNAL_RULES[i] and that signal is on. */
  signals: number;
  /** Strongest signal ratio (perMonth ÷ threshold); 0 without a signal. */
  strength: number;
  /** Index in SIGNAL_RULES of the strongest signal, or -1. */
  strongest: number;
  savingEvidence: boolean;
}

function signalsOf(
  prep: PreparedCatalog,
  current: PreparedConfig,
  target: PreparedConfig,
  usage: UsageProfile,
): { signals: number; strength: number; strongest: number } {
  let signals = 0;
  let strength = 0;
  let strongest = -1;
  SIGNAL_RULES.forEach((rule, i) => {
    const perMonth = usage[rule.measure];
    if (perMonth < rule.threshold) return;
    const feature = prep.signalFeatures[i];
    if (feature === undefined || !hasFeature(prep, target, feature) || hasFeature(prep, current, feature)) return;
    signals |= 1 << i;
    const ratio = perMonth / rule.threshold;
    if (ratio > strength) {
      strength = ratio;
      strongest = i;
    }
  });
  return { signals, strength, strongest };
}

/** Per prepared row, by plan code: the held feature add-ons that survive reconcile() on a move to that plan. */
const keptFeatureKeys = new WeakMap<PreparedConfig, Map<string, string>>();

/**
 * The held feature add-ons (sorted, joined by "+", as PreparedConfig.heldFeatureKey) that
 * reconcile() keeps on a move from `current` to `plan`. It depends on the row and the plan
 * only, so it is worked out once per pair rather than once per subscriber.
 */
function keptFeatureKey(prep: PreparedCatalog, current: PreparedConfig, plan: Plan): string {
  let byPlan = keptFeatureKeys.get(current);
  if (!byPlan) {
    byPlan = new Map();
    keptFeatureKeys.set(current, byPlan);
  }
  let key = byPlan.get(plan.code);
  if (key === undefined) {
    const { kept } = reconcile(prep.catalog, current.config.addOns, plan);
    key = kept.filter((c) => prep.addOnByCode.get(c)?.kind === 'feature').join('+');
    byPlan.set(plan.code, key);
  }
  return key;
}

/** Offer order (see decision 7). */
function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.savingEvidence !== b.savingEvidence) return a.savingEvidence ? -1 : 1;
  const primary = a.savingEvidence
    ? b.saving - a.saving || Number(b.bestValue) - Number(a.bestValue) || b.strength - a.strength
    : b.strength - a.strength || b.saving - a.saving;
  return primary || a.size - b.size || a.pc.recurringCents - b.pc.recurringCents || compareStrings(a.key, b.key);
}

/** `a` makes `b` pointless: saves at least as much, adds its signalled features, no bigger a change. */
function dominates(a: Candidate, b: Candidate): boolean {
  if (a === b || b.bestValue) return false;
  if (a.saving < b.saving || (a.signals & b.signals) !== b.signals || a.size > b.size) return false;
  const strictly = a.saving > b.saving || a.signals !== b.signals || a.size < b.size;
  return strictly || compareCandidates(a, b) < 0;
}

/** Why a candidate is offered: the saving, or else its strongest usage signal. */
export function offerEvidence(prep: PreparedCatalog, c: Candidate, usage: UsageProfile): OfferEvidence {
  if (c.savingEvidence) return { type: 'saving', monthlySavingCents: c.saving };
  const rule = SIGNAL_RULES[c.strongest]!;
  return {
    type: 'signal',
    signal: rule.signal,
    perMonth: usage[rule.measure],
    feature: prep.signalFeatures[c.strongest]!,
  };
}

/** What the rules chose: nothing (and why), or the candidates to word, in order. */
export type OfferSelection =
  | { status: 'no_usage' }
  | { status: 'none'; why: NoOfferReason; currentCostCents: number }
  | {
      status: 'offers';
      candidates: Candidate[];
      prep: PreparedCatalog;
      current: PreparedConfig;
      usage: UsageProfile;
      currentCostCents: number;
    };

export type NoOfferReason =
  /** A change is scheduled and nothing else is worth suggesting before it. */
  | { type: 'scheduled'; effectiveDate: Day }
  /** A cheaper configuration exists, but the subscriber has set aside every offer. */
  | { type: 'nothing_new' }
  | { type: 'best_plan' };

/** The offers for a subscriber, as facts (see the decisions above). */
export function selectOffers(input: ComputeOffersInput): OfferSelection {
  const { catalog, current, usage, suppressed, today, scheduled } = input;
  if (!usage) return { status: 'no_usage' };

  const prep = prepareCatalog(catalog);
  const cur = entryFor(prep, current);
  const currentCostCents = monthlyCost(catalog, current, usage).totalCents;
  const scan = scanSpace(prep, cur, usage);

  const plans = selectablePlans(catalog, cur.plan.code);
  const candidates = new Map<string, Candidate>();
  const consider = (pc: PreparedConfig, isBestValue: boolean): void => {
    if (pc.key === cur.key || !isSelectable(pc.plan, cur.plan.code) || !maskSubset(cur.featureMask, pc.featureMask))
      return;
    if (!retiredKept(prep, cur, pc)) return;
    const existing = candidates.get(pc.key);
    if (existing) {
      existing.bestValue ||= isBestValue;
      return;
    }
    const cost = costOf(prep, pc, usage);
    const saving = currentCostCents - cost;
    const sig = signalsOf(prep, cur, pc, usage);
    const kind = classifyPrepared(prep, cur, pc);
    candidates.set(pc.key, {
      pc,
      cost,
      size: changeSize(cur, pc),
      kind,
      key: `${kind}:${pc.key}`,
      saving,
      bestValue: isBestValue,
      ...sig,
      savingEvidence: false,
    });
  };

  // Best value: always offered when it saves enough.
  const best = scan.best;
  const bestSaving = currentCostCents - best.cost;
  const bestOffered = best.pc.key !== cur.key && bestSaving >= BEST_VALUE_MIN_SAVING_CENTS;
  if (bestOffered) consider(best.pc, true);

  // Cross-sells: one add-on the subscriber can hold on the current plan (swaps included).
  const heldNow = new Set(cur.config.addOns);
  for (const addOn of catalog.addOns) {
    if (heldNow.has(addOn.code) || cur.plan.includes.includes(addOn.code)) continue;
    if (!addOn.availableOn.includes(cur.plan.code)) continue;
    const addOns = cur.config.addOns.filter((c) => !excludesEither(prep, addOn.code, c));
    addOns.push(addOn.code);
    const target = prep.byKey.get(configKey({ planCode: cur.plan.code, addOns }));
    if (target) consider(target, false); // absent: not valid (e.g. a requirement not met)
  }

  // Up-sells: each higher-tier active plan, add-ons reconciled, usage add-ons at their cheapest.
  for (const plan of plans) {
    if (plan.tier <= cur.plan.tier) continue;
    const featureKey = keptFeatureKey(prep, cur, plan);
    let pick: Scored | undefined;
    for (const pc of prep.byPlan.get(plan.code) ?? []) {
      if (pc.heldFeatureKey !== featureKey) continue;
      const cost = costOf(prep, pc, usage);
      if (pick && cost > pick.cost) continue; // cannot come first (compareScored orders by cost first)
      const s: Scored = { pc, cost, size: changeSize(cur, pc) };
      if (!pick || compareScored(s, pick) < 0) pick = s;
    }
    if (pick) consider(pick.pc, false); // loses a held feature → dropped by consider()
  }

  // Right-size: the cheapest feature-keeping configuration on each selectable plan of the
  // same or a lower tier (the current plan included).
  for (const [, s] of scan.perPlan) {
    if (s.pc.plan.tier > cur.plan.tier) continue;
    if (s.cost < currentCostCents) consider(s.pc, false);
  }

  // Evidence.
  const qualified: Candidate[] = [];
  for (const c of candidates.values()) {
    c.savingEvidence = c.saving >= MIN_MONTHLY_SAVING_CENTS || (c.bestValue && c.saving > 0);
    if (c.savingEvidence || c.signals !== 0) qualified.push(c);
  }

  // Restraint, then suppression, then ranking and the cap.
  const shown = qualified.filter((c) => !qualified.some((o) => dominates(o, c)));
  const hidden = new Set(suppressed.filter((s) => s.until > today).map((s) => s.key));
  const scheduledKey = scheduled ? configKey(scheduled.target) : null;
  const ranked = shown
    .filter((c) => !hidden.has(c.key) && c.pc.key !== scheduledKey)
    .sort(compareCandidates)
    .slice(0, MAX_OFFERS);

  if (ranked.length === 0) {
    const why: NoOfferReason = scheduled
      ? { type: 'scheduled', effectiveDate: scheduled.effectiveDate }
      : bestOffered
        ? { type: 'nothing_new' }
        : { type: 'best_plan' };
    return { status: 'none', why, currentCostCents };
  }
  return { status: 'offers', candidates: ranked, prep, current: cur, usage, currentCostCents };
}
