/**
 * Offers: cross-sell, up-sell, right-size and best value (spec section 4).
 *
 * Pure: no I/O, no clock (today is passed in), no framework. Money in integer cents.
 * Every rule is evaluated from the catalog rows; the only codes named here are the two
 * features the usage signals point at (voicemail, call_waiting), see SIGNAL_RULES.
 *
 * Decisions where the spec is silent or ambiguous (each chosen for the subscriber):
 *
 * 1. Evidence threshold. A saving counts as evidence only from MIN_MONTHLY_SAVING_CENTS
 *    (1.00) a month, the same bar the spec sets for best value: a few cents is not worth
 *    a subscriber's attention. Signal offers (voicemail for unanswered calls, call waiting
 *    for calls missed while busy) may cost more; their price change is stated.
 * 2. Usage add-ons on an up-sell. Held add-ons are reconciled as in spec section 3 (those
 *    the new plan includes, doesn't offer, or whose requirement is lost are dropped). The
 *    held *feature* add-ons that survive are kept; the *usage* add-ons (long distance,
 *    international) are then chosen to make the new plan cheapest for the usage profile,
 *    which may add one or drop a held one that no longer pays for itself on the new plan
 *    (usage add-ons are only worth what they save). Ties keep what the subscriber has.
 * 3. Right-size candidates are, for each selectable plan of the same or a lower tier
 *    (including the current plan; a retired plan only if it is the subscriber's own), the
 *    cheapest configuration on that plan that keeps every feature. Higher tiers are up-sells.
 * 4. Kinds. A target's kind depends only on the target: a higher-tier plan is an up-sell;
 *    the same plan with add-ons only added or swapped (each removed add-on excluded by an
 *    added one) is a cross-sell; anything else is a right-size. So one target has one key.
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
 * 9. Wording. "last month" when the profile is one period, or several periods with the
 *    very same usage (then it is exactly what happened last month); otherwise "a month on
 *    average". usageProfile() records that as `sameEachPeriod`; a profile built elsewhere
 *    without it is worded "a month on average" when it spans more than one period.
 * 10. When every offer is suppressed but a cheaper configuration exists, the message is
 *    not "You're on the best plan…" (that would be untrue) but NOTHING_NEW_MESSAGE.
 *
 * Performance: the configuration space is enumerated once per catalog (`prepareCatalog`,
 * memoized by catalog object, then by content), with each configuration's recurring
 * price, allowance, international rate and features. A call then scans a few hundred
 * precomputed rows with integer arithmetic. Catalog objects are treated as immutable.
 */
import { addDays } from './periods';
import { allConfigurations, configKey, features, getPlan, normalize } from './catalog';
import {
  type CostBreakdown,
  formatCents,
  intlRateCents,
  ldAllowance,
  monthlyCost,
  monthlyRecurringCents,
  roundHalfAwayFromZero,
} from './pricing';
import type { AddOn, Catalog, Configuration, Day, PeriodUsage, Plan, UsageProfile } from './types';

// ---------------------------------------------------------------------------------------
// Thresholds and rules
// ---------------------------------------------------------------------------------------

/** How many complete periods the usage profile averages (the last ones). */
export const USAGE_PROFILE_PERIODS = 3;
/** Best value is always offered when it saves at least this much a month (spec: 1.00). */
export const BEST_VALUE_MIN_SAVING_CENTS = 100;
/** Smallest monthly saving that counts as evidence for any offer (our choice: 1.00). */
export const MIN_MONTHLY_SAVING_CENTS = 100;
/** Unanswered calls a month (average) from which voicemail is suggested (spec: ≥ 5). */
export const UNANSWERED_CALLS_FOR_VOICEMAIL = 5;
/** Calls missed while busy a month (average) from which call waiting is suggested (spec: ≥ 3). */
export const MISSED_WHILE_BUSY_FOR_CALL_WAITING = 3;
/** At most this many offers at once. */
export const MAX_OFFERS = 3;
/** "Not for me" hides an offer for 90 days, "Remind me later" for 30 (spec section 4). */
export const SUPPRESSION_DAYS = { dismissed: 90, snoozed: 30 } as const;

/** The first day an offer may show again after a response on `today`. */
export function suppressedUntil(response: keyof typeof SUPPRESSION_DAYS, today: Day): Day {
  return addDays(today, SUPPRESSION_DAYS[response]);
}

export const NO_USAGE_MESSAGE =
  "We'll suggest options that fit how you use your line once your first full billing period is complete.";
export const BEST_PLAN_MESSAGE = "You're on the best plan for how you use your line.";
export const NOTHING_NEW_MESSAGE =
  "Nothing new to suggest right now: you've set aside the options we had for you.";

export type UsageSignal = 'unanswered_calls' | 'missed_while_busy';

export interface SignalRule {
  signal: UsageSignal;
  /** The feature add-on code the signal calls for. */
  feature: string;
  /** Average per month from which the signal counts. */
  threshold: number;
  measure: 'unansweredCalls' | 'missedWhileBusy';
  /** "12 unanswered calls" */
  phrase: string;
  /** "Voicemail lets callers leave a message" */
  benefit: string;
}

export const SIGNAL_RULES: readonly SignalRule[] = [
  {
    signal: 'unanswered_calls',
    feature: 'voicemail',
    threshold: UNANSWERED_CALLS_FOR_VOICEMAIL,
    measure: 'unansweredCalls',
    phrase: 'unanswered calls',
    benefit: 'lets callers leave a message',
  },
  {
    signal: 'missed_while_busy',
    feature: 'call_waiting',
    threshold: MISSED_WHILE_BUSY_FOR_CALL_WAITING,
    measure: 'missedWhileBusy',
    phrase: 'calls missed while you were on another call',
    benefit: "lets you take a second call while you're on the phone",
  },
];

// ---------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------

export type OfferKind = 'cross_sell' | 'up_sell' | 'right_size';

export type OfferEvidence =
  | { type: 'saving'; monthlySavingCents: number }
  | { type: 'signal'; signal: UsageSignal; perMonth: number; feature: string };

export interface Offer {
  /** Stable: `${kind}:${configKey(target)}`; used for dismiss/snooze and analytics. */
  key: string;
  kind: OfferKind;
  target: Configuration;
  title: string;
  explanation: string;
  evidence: OfferEvidence;
  /** recurring(target) − recurring(current). */
  monthlyPriceChangeCents: number;
  /** cost(current) − cost(target) for the usage profile, exactly (≤ 0 for some signal offers). */
  monthlySavingCents: number;
  currentCostCents: number;
  targetCostCents: number;
  bestValue: boolean;
  /** Feature add-on codes gained (held or included by the target plan). */
  addsFeatures: string[];
  /** Add-on codes held now and not held in the target. */
  removes: string[];
  /** Add-on codes held in the target and not held now. */
  adds: string[];
  talkingPoints: string[];
}

export type OffersResult =
  | { status: 'no_usage'; message: string }
  | { status: 'none'; message: string; currentCostCents: number }
  | { status: 'offers'; offers: Offer[]; currentCostCents: number };

export interface OfferSuppression {
  key: string;
  /** Suppressed while until > today. */
  until: Day;
}

export interface ComputeOffersInput {
  catalog: Catalog;
  current: Configuration;
  usage: UsageProfile | null;
  suppressed: OfferSuppression[];
  today: Day;
  /**
   * The change already scheduled, if any: it is not offered again (the subscriber already chose
   * it; its confirm would be refused as "already scheduled"). Other offers still show.
   */
  scheduled?: { target: Configuration; effectiveDate: Day } | null;
}

/** A usage profile as built by `usageProfile`: also says whether every period was alike. */
export interface AveragedUsageProfile extends UsageProfile {
  /** True when the averaged periods all had the same usage (always true for one period). */
  sameEachPeriod: boolean;
}

export function offerKey(kind: OfferKind, target: Configuration): string {
  return `${kind}:${configKey(target)}`;
}

// ---------------------------------------------------------------------------------------
// Usage profile
// ---------------------------------------------------------------------------------------

/**
 * Average of the last USAGE_PROFILE_PERIODS complete periods by periodStart (fewer if
 * there are fewer; none → null). One record per period is expected; if a period appears
 * twice, the later record wins. Averages stay fractional.
 */
export function usageProfile(completePeriods: PeriodUsage[]): AveragedUsageProfile | null {
  const byStart = new Map<string, PeriodUsage>();
  for (const p of completePeriods) byStart.set(p.periodStart, p);
  const last = [...byStart.values()]
    .sort((a, b) => (a.periodStart < b.periodStart ? 1 : a.periodStart > b.periodStart ? -1 : 0))
    .slice(0, USAGE_PROFILE_PERIODS);
  const n = last.length;
  if (n === 0) return null;
  const sum = { ld: 0, intl: 0, unanswered: 0, busy: 0 };
  for (const p of last) {
    sum.ld += p.ldMinutes;
    sum.intl += p.intlMinutes;
    sum.unanswered += p.unansweredCalls;
    sum.busy += p.missedWhileBusy;
  }
  const first = last[0]!;
  const sameEachPeriod = last.every(
    (p) =>
      p.ldMinutes === first.ldMinutes &&
      p.intlMinutes === first.intlMinutes &&
      p.unansweredCalls === first.unansweredCalls &&
      p.missedWhileBusy === first.missedWhileBusy,
  );
  return {
    ldMinutes: sum.ld / n,
    intlMinutes: sum.intl / n,
    unansweredCalls: sum.unanswered / n,
    missedWhileBusy: sum.busy / n,
    periods: n,
    sameEachPeriod,
  };
}

// ---------------------------------------------------------------------------------------
// Prepared catalog (memoized per catalog)
// ---------------------------------------------------------------------------------------

export interface PreparedConfig {
  /** Normalized (sorted, unique add-ons). Do not mutate. */
  readonly config: Configuration;
  readonly key: string;
  readonly plan: Plan;
  readonly recurringCents: number;
  /** null: unlimited. */
  readonly allowance: number | null;
  readonly intlRateCents: number;
  /** Feature add-on codes held or included, sorted. */
  readonly features: readonly string[];
  /** Bitset over PreparedCatalog.featureCodes. */
  readonly featureMask: readonly number[];
  /** Held feature add-ons, sorted, joined by "+". */
  readonly heldFeatureKey: string;
}

export interface PreparedCatalog {
  readonly catalog: Catalog;
  /** Every valid configuration on every plan (retired included), in allConfigurations order. */
  readonly configs: readonly PreparedConfig[];
  readonly byKey: ReadonlyMap<string, PreparedConfig>;
  readonly byPlan: ReadonlyMap<string, readonly PreparedConfig[]>;
  readonly addOnByCode: ReadonlyMap<string, AddOn>;
  /** Catalog order of add-ons, for wording. */
  readonly addOnOrder: ReadonlyMap<string, number>;
  readonly featureCodes: readonly string[];
  readonly featureIndex: ReadonlyMap<string, number>;
}

const preparedByObject = new WeakMap<Catalog, PreparedCatalog>();
const preparedByContent = new Map<string, PreparedCatalog>();
const CONTENT_CACHE_SIZE = 8;

/**
 * Enumerates the configuration space of a catalog once, with what offers need of each
 * configuration. Memoized by catalog object, then by content (so a catalog re-read from
 * the database on each request is prepared once too).
 */
export function prepareCatalog(catalog: Catalog): PreparedCatalog {
  const hit = preparedByObject.get(catalog);
  if (hit) return hit;
  const fingerprint = JSON.stringify(catalog);
  let prepared = preparedByContent.get(fingerprint);
  if (!prepared) {
    prepared = buildPrepared(catalog);
    if (preparedByContent.size >= CONTENT_CACHE_SIZE) {
      const oldest = preparedByContent.keys().next().value;
      if (oldest !== undefined) preparedByContent.delete(oldest);
    }
    preparedByContent.set(fingerprint, prepared);
  }
  preparedByObject.set(catalog, prepared);
  return prepared;
}

function buildPrepared(catalog: Catalog): PreparedCatalog {
  const addOnByCode = new Map(catalog.addOns.map((a) => [a.code, a] as const));
  const addOnOrder = new Map(catalog.addOns.map((a, i) => [a.code, i] as const));
  const featureCodes = catalog.addOns
    .filter((a) => a.kind === 'feature')
    .map((a) => a.code)
    .sort();
  const featureIndex = new Map(featureCodes.map((c, i) => [c, i] as const));
  const configs = allConfigurations(
    catalog,
    catalog.plans.map((p) => p.code),
  ).map((c) => describeConfig(catalog, addOnByCode, featureIndex, c));
  const byKey = new Map(configs.map((c) => [c.key, c] as const));
  const byPlan = new Map<string, PreparedConfig[]>();
  for (const c of configs) {
    const list = byPlan.get(c.plan.code);
    if (list) list.push(c);
    else byPlan.set(c.plan.code, [c]);
  }
  return { catalog, configs, byKey, byPlan, addOnByCode, addOnOrder, featureCodes, featureIndex };
}

function describeConfig(
  catalog: Catalog,
  addOnByCode: ReadonlyMap<string, AddOn>,
  featureIndex: ReadonlyMap<string, number>,
  raw: Configuration,
): PreparedConfig {
  const config = normalize(raw);
  const feats = features(catalog, config);
  return {
    config,
    key: configKey(config),
    plan: getPlan(catalog, config.planCode),
    recurringCents: monthlyRecurringCents(catalog, config),
    allowance: ldAllowance(catalog, config),
    intlRateCents: intlRateCents(catalog, config),
    features: feats,
    featureMask: toMask(featureIndex, feats),
    heldFeatureKey: config.addOns.filter((c) => addOnByCode.get(c)?.kind === 'feature').join('+'),
  };
}

function toMask(featureIndex: ReadonlyMap<string, number>, codes: readonly string[]): number[] {
  const words = new Array<number>(Math.max(1, Math.ceil(featureIndex.size / 31))).fill(0);
  for (const code of codes) {
    const i = featureIndex.get(code);
    if (i === undefined) continue;
    const w = Math.floor(i / 31);
    words[w] = (words[w] ?? 0) | (1 << i % 31);
  }
  return words;
}

/** Every bit of `a` is in `b`. */
function maskSubset(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    if ((x & ~(b[i] ?? 0)) !== 0) return false;
  }
  return true;
}

function hasFeature(prep: PreparedCatalog, pc: PreparedConfig, code: string): boolean {
  const i = prep.featureIndex.get(code);
  if (i === undefined) return false;
  return ((pc.featureMask[Math.floor(i / 31)] ?? 0) & (1 << i % 31)) !== 0;
}

function entryFor(prep: PreparedCatalog, config: Configuration): PreparedConfig {
  return (
    prep.byKey.get(configKey(config)) ??
    // Not a valid configuration (e.g. inconsistent data): described on the fly.
    describeConfig(prep.catalog, prep.addOnByCode, prep.featureIndex, config)
  );
}

/** Same arithmetic as pricing.monthlyCost(…).totalCents, on precomputed rows. */
function costOf(prep: PreparedCatalog, pc: PreparedConfig, usage: UsageProfile): number {
  const rates = prep.catalog.rates;
  const over = pc.allowance === null ? 0 : Math.max(0, usage.ldMinutes - pc.allowance);
  return (
    pc.recurringCents +
    roundHalfAwayFromZero(over * rates.ldOverageCentsPerMinute) +
    roundHalfAwayFromZero(usage.intlMinutes * pc.intlRateCents)
  );
}

/** Size of a change, ordered: a plan change outweighs any number of add-on changes. */
function changeSize(from: PreparedConfig, to: PreparedConfig): number {
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

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Scored {
  pc: PreparedConfig;
  cost: number;
  size: number;
}

/** Best-value order: cost, the current configuration, smaller change, lower recurring, key. */
function compareScored(a: Scored, b: Scored): number {
  return (
    a.cost - b.cost ||
    (a.size === 0 ? 0 : 1) - (b.size === 0 ? 0 : 1) ||
    a.size - b.size ||
    a.pc.recurringCents - b.pc.recurringCents ||
    compareStrings(a.pc.key, b.pc.key)
  );
}

function selectable(pc: PreparedConfig, current: PreparedConfig): boolean {
  return pc.plan.status === 'active' || pc.plan.code === current.plan.code;
}

interface Scan {
  best: Scored;
  /** Cheapest feature-keeping configuration per selectable plan. */
  perPlan: Map<string, Scored>;
}

/** One pass over the space: best value overall and per plan, keeping every held feature. */
function scanSpace(prep: PreparedCatalog, current: PreparedConfig, usage: UsageProfile): Scan {
  let best: Scored | undefined;
  const perPlan = new Map<string, Scored>();
  for (const pc of prep.configs) {
    if (!selectable(pc, current)) continue;
    if (!maskSubset(current.featureMask, pc.featureMask)) continue;
    const s: Scored = { pc, cost: costOf(prep, pc, usage), size: changeSize(current, pc) };
    if (!best || compareScored(s, best) < 0) best = s;
    const planBest = perPlan.get(pc.plan.code);
    if (!planBest || compareScored(s, planBest) < 0) perPlan.set(pc.plan.code, s);
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

// ---------------------------------------------------------------------------------------
// Kinds
// ---------------------------------------------------------------------------------------

function heldDiff(from: Configuration, to: Configuration): { added: string[]; removed: string[] } {
  const now = new Set(from.addOns);
  const then = new Set(to.addOns);
  return {
    added: to.addOns.filter((c) => !now.has(c)),
    removed: from.addOns.filter((c) => !then.has(c)),
  };
}

function excludesEither(prep: PreparedCatalog, a: string, b: string): boolean {
  return (prep.addOnByCode.get(a)?.excludes.includes(b) ?? false) || (prep.addOnByCode.get(b)?.excludes.includes(a) ?? false);
}

function classifyPrepared(prep: PreparedCatalog, current: PreparedConfig, target: PreparedConfig): OfferKind {
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

// ---------------------------------------------------------------------------------------
// Offers
// ---------------------------------------------------------------------------------------

interface Candidate extends Scored {
  kind: OfferKind;
  key: string;
  saving: number;
  bestValue: boolean;
  /** Bit i: adds SIGNAL_RULES[i].feature and that signal is on. */
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
    if (!hasFeature(prep, target, rule.feature) || hasFeature(prep, current, rule.feature)) return;
    signals |= 1 << i;
    const ratio = perMonth / rule.threshold;
    if (ratio > strength) {
      strength = ratio;
      strongest = i;
    }
  });
  return { signals, strength, strongest };
}

/** Offer order (see decision 7). */
function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.savingEvidence !== b.savingEvidence) return a.savingEvidence ? -1 : 1;
  const primary = a.savingEvidence
    ? b.saving - a.saving || Number(b.bestValue) - Number(a.bestValue) || b.strength - a.strength
    : b.strength - a.strength || b.saving - a.saving;
  return (
    primary ||
    a.size - b.size ||
    a.pc.recurringCents - b.pc.recurringCents ||
    compareStrings(a.key, b.key)
  );
}

/** `a` makes `b` pointless: saves at least as much, adds its signalled features, no bigger a change. */
function dominates(a: Candidate, b: Candidate): boolean {
  if (a === b || b.bestValue) return false;
  if (a.saving < b.saving || (a.signals & b.signals) !== b.signals || a.size > b.size) return false;
  const strictly = a.saving > b.saving || a.signals !== b.signals || a.size < b.size;
  return strictly || compareCandidates(a, b) < 0;
}

/** Held add-ons kept on a move to `plan` (spec section 3). */
function reconcile(prep: PreparedCatalog, held: readonly string[], plan: Plan): string[] {
  let kept = held.filter((code) => {
    const addOn = prep.addOnByCode.get(code);
    return addOn !== undefined && !plan.includes.includes(code) && addOn.availableOn.includes(plan.code);
  });
  for (;;) {
    const next = kept.filter((code) =>
      (prep.addOnByCode.get(code)?.requires ?? []).every((r) => kept.includes(r) || plan.includes.includes(r)),
    );
    if (next.length === kept.length) return kept;
    kept = next;
  }
}

export function computeOffers(input: ComputeOffersInput): OffersResult {
  const { catalog, current, usage, suppressed, today, scheduled } = input;
  if (!usage) return { status: 'no_usage', message: NO_USAGE_MESSAGE };

  const prep = prepareCatalog(catalog);
  const cur = entryFor(prep, current);
  const currentCostCents = monthlyCost(catalog, current, usage).totalCents;
  const scan = scanSpace(prep, cur, usage);

  const candidates = new Map<string, Candidate>();
  const consider = (pc: PreparedConfig, isBestValue: boolean): void => {
    if (pc.key === cur.key || !selectable(pc, cur) || !maskSubset(cur.featureMask, pc.featureMask)) return;
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
  for (const plan of catalog.plans) {
    if (plan.status !== 'active' || plan.tier <= cur.plan.tier) continue;
    const kept = reconcile(prep, cur.config.addOns, plan);
    const featureKey = kept.filter((c) => prep.addOnByCode.get(c)?.kind === 'feature').join('+');
    let pick: Scored | undefined;
    for (const pc of prep.byPlan.get(plan.code) ?? []) {
      if (pc.heldFeatureKey !== featureKey) continue;
      const s: Scored = { pc, cost: costOf(prep, pc, usage), size: changeSize(cur, pc) };
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
    return {
      status: 'none',
      message: scheduled
        ? `Nothing else to suggest before your scheduled change takes effect on ${scheduled.effectiveDate}.`
        : bestOffered
          ? NOTHING_NEW_MESSAGE
          : BEST_PLAN_MESSAGE,
      currentCostCents,
    };
  }
  const words = new Wording(prep, cur, usage, currentCostCents);
  return { status: 'offers', offers: ranked.map((c) => words.offer(c)), currentCostCents };
}

// ---------------------------------------------------------------------------------------
// Wording
// ---------------------------------------------------------------------------------------

/** 240 → "240"; 213.333… → "213.3". */
function formatCount(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const s = n.toFixed(1);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

class Wording {
  private readonly when: string;
  private readonly currentCost: CostBreakdown;

  constructor(
    private readonly prep: PreparedCatalog,
    private readonly cur: PreparedConfig,
    private readonly usage: UsageProfile,
    private readonly currentCostCents: number,
  ) {
    const same = (usage as Partial<AveragedUsageProfile>).sameEachPeriod === true;
    this.when = usage.periods <= 1 || same ? 'last month' : 'a month on average';
    this.currentCost = monthlyCost(prep.catalog, cur.config, usage);
  }

  private name(code: string): string {
    return this.prep.addOnByCode.get(code)?.name ?? code;
  }

  private names(codes: readonly string[]): string {
    return joinAnd(this.sortCodes(codes).map((c) => this.name(c)));
  }

  private sortCodes(codes: readonly string[]): string[] {
    const order = this.prep.addOnOrder;
    return [...codes].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || compareStrings(a, b));
  }

  private price(codes: readonly string[]): number {
    return codes.reduce((sum, c) => sum + (this.prep.addOnByCode.get(c)?.monthlyCents ?? 0), 0);
  }

  private label(pc: PreparedConfig): string {
    return [pc.plan.name, ...this.sortCodes(pc.config.addOns).map((c) => this.name(c))].join(' + ');
  }

  /** "24.00 for 240 long-distance minutes" / "25.00 for 250 long-distance minutes beyond the 400 included". */
  private charges(b: CostBreakdown): string[] {
    const out: string[] = [];
    if (b.ldOverageCents > 0) {
      const beyond = b.ldAllowance ? ` beyond the ${formatCount(b.ldAllowance)} included` : '';
      out.push(`${formatCents(b.ldOverageCents)} for ${formatCount(b.ldOverageMinutes)} long-distance minutes${beyond}`);
    }
    if (b.intlCents > 0) out.push(`${formatCents(b.intlCents)} for ${formatCount(this.usage.intlMinutes)} international minutes`);
    return out;
  }

  private allowancePhrase(b: CostBreakdown): string {
    if (this.usage.ldMinutes <= 0 || b.ldOverageCents > 0) return '';
    return b.ldAllowance === null
      ? ', with unlimited long distance'
      : `, with ${formatCount(b.ldAllowance)} long-distance minutes included`;
  }

  /**
   * Same plan, only usage add-ons changed and something added: the usage it is about, in
   * the spec's words ("Your 240 long-distance minutes cost 24.00 last month; Long
   * Distance 300 costs 8.00."). Null when another wording fits better.
   */
  private usageSentence(
    c: Candidate,
    tgt: CostBreakdown,
    added: string[],
    removed: string[],
  ): string | null {
    if (c.pc.plan.code !== this.cur.plan.code || added.length === 0) return null;
    if (![...added, ...removed].every((code) => this.prep.addOnByCode.get(code)?.kind === 'usage')) return null;
    const now = this.currentCost;
    const ld = now.ldOverageCents !== tgt.ldOverageCents && now.ldOverageCents > 0;
    const intl = now.intlCents !== tgt.intlCents && now.intlCents > 0;
    if (!ld && !intl) return null;
    const parts: string[] = [];
    if (ld) {
      const beyond = now.ldAllowance ? ` beyond the ${formatCount(now.ldAllowance)} included` : '';
      parts.push(`${formatCount(now.ldOverageMinutes)} long-distance minutes${beyond} cost ${formatCents(now.ldOverageCents)}`);
    }
    if (intl) parts.push(`${formatCount(this.usage.intlMinutes)} international minutes cost ${formatCents(now.intlCents)}`);
    const plural = added.length > 1;
    let second = `${this.names(added)} ${plural ? 'cost' : 'costs'} ${formatCents(this.price(added))}`;
    if (removed.length > 0) second += ` instead of the ${formatCents(this.price(removed))} for ${this.names(removed)}`;
    const rest: string[] = [];
    if (ld && tgt.ldOverageCents > 0) {
      rest.push(
        `${plural ? 'leave' : 'leaves'} ${formatCount(tgt.ldOverageMinutes)} minutes beyond the ${formatCount(tgt.ldAllowance ?? 0)} included at ${formatCents(tgt.ldOverageCents)}`,
      );
    }
    if (intl && tgt.intlCents > 0) {
      rest.push(`${plural ? 'bring' : 'brings'} ${ld ? 'the international minutes' : 'them'} down to ${formatCents(tgt.intlCents)}`);
    }
    if (rest.length > 0) second += ` and ${rest.join(' and ')}`;
    return `Your ${parts.join(' and your ')} ${this.when}; ${second}.`;
  }

  private signalSentence(c: Candidate, ruleIndex: number, alsoClause: boolean): string {
    const rule = SIGNAL_RULES[ruleIndex]!;
    const n = formatCount(this.usage[rule.measure]);
    const feature = this.name(rule.feature);
    if (alsoClause) return `It also includes ${feature}: you had ${n} ${rule.phrase} ${this.when}.`;
    const held = c.pc.config.addOns.includes(rule.feature);
    const benefit = held
      ? `${feature} ${rule.benefit}, for ${formatCents(this.prep.addOnByCode.get(rule.feature)?.monthlyCents ?? 0)} a month`
      : `${c.pc.plan.name} includes ${feature}, which ${rule.benefit}`;
    return `You had ${n} ${rule.phrase} ${this.when}; ${benefit}.`;
  }

  private title(c: Candidate, added: string[], removed: string[]): string {
    switch (c.kind) {
      case 'cross_sell':
        return removed.length === 0 ? `Add ${this.names(added)}` : `Swap ${this.names(removed)} for ${this.names(added)}`;
      case 'up_sell':
        return `Move to ${c.pc.plan.name}${added.length > 0 ? ` with ${this.names(added)}` : ''}`;
      case 'right_size':
        return c.pc.plan.code === this.cur.plan.code && added.length === 0
          ? `Remove ${this.names(removed)}`
          : `Switch to ${this.label(c.pc)}`;
    }
  }

  offer(c: Candidate): Offer {
    const { added, removed } = heldDiff(this.cur.config, c.pc.config);
    const tgt = monthlyCost(this.prep.catalog, c.pc.config, this.usage);
    const signalIdx = SIGNAL_RULES.map((_, i) => i).filter((i) => (c.signals & (1 << i)) !== 0);

    let explanation: string;
    if (c.savingEvidence) {
      const curCharges = this.charges(this.currentCost);
      const tgtCharges = this.charges(tgt);
      explanation =
        this.usageSentence(c, tgt, added, removed) ??
        `Your line cost ${formatCents(this.currentCostCents)} ${this.when}` +
          (curCharges.length > 0 ? `, including ${joinAnd(curCharges)}` : '') +
          `; ${this.label(c.pc)} would cost ${formatCents(c.cost)} for the same use` +
          (tgtCharges.length > 0 ? `, including ${joinAnd(tgtCharges)}` : '') +
          `${this.allowancePhrase(tgt)}.`;
      for (const i of signalIdx) explanation += ` ${this.signalSentence(c, i, true)}`;
    } else {
      // Strongest signal first.
      const order = [c.strongest, ...signalIdx.filter((i) => i !== c.strongest)];
      explanation = order.map((i) => this.signalSentence(c, i, false)).join(' ');
    }

    const evidence: OfferEvidence = c.savingEvidence
      ? { type: 'saving', monthlySavingCents: c.saving }
      : {
          type: 'signal',
          signal: SIGNAL_RULES[c.strongest]!.signal,
          perMonth: this.usage[SIGNAL_RULES[c.strongest]!.measure],
          feature: SIGNAL_RULES[c.strongest]!.feature,
        };

    const curFeatures = new Set(this.cur.features);
    const addsFeatures = c.pc.features.filter((f) => !curFeatures.has(f));
    const priceChange = c.pc.recurringCents - this.cur.recurringCents;

    const points: string[] = [explanation];
    if (c.saving > 0) points.push(`That saves ${formatCents(c.saving)} a month for the same use.`);
    else if (c.saving < 0) points.push(`For the same use, the bill goes up by ${formatCents(-c.saving)} a month.`);
    else points.push('For the same use, the bill stays the same.');
    points.push(
      priceChange === 0
        ? `The monthly price stays at ${formatCents(c.pc.recurringCents)}.`
        : `The monthly price goes from ${formatCents(this.cur.recurringCents)} to ${formatCents(c.pc.recurringCents)} (${priceChange > 0 ? '+' : '-'}${formatCents(Math.abs(priceChange))}).`,
    );
    if (addsFeatures.length > 0) points.push(`Adds ${this.names(addsFeatures)}.`);
    for (const code of this.sortCodes(removed)) {
      points.push(
        c.pc.plan.includes.includes(code)
          ? `${this.name(code)} is included in ${c.pc.plan.name}, so the add-on is removed.`
          : `${this.name(code)} is removed.`,
      );
    }
    if (this.cur.features.length > 0) points.push(`Keeps ${this.names(this.cur.features)}.`);
    if (this.usage.ldMinutes > 0 && c.pc.allowance !== this.cur.allowance) {
      points.push(
        c.pc.allowance === null
          ? 'Long distance is unlimited.'
          : `Includes ${formatCount(c.pc.allowance)} long-distance minutes a month; you use ${formatCount(this.usage.ldMinutes)}.`,
      );
    }
    if (c.pc.plan.code !== this.cur.plan.code && this.cur.plan.status === 'retired') {
      points.push(`${this.cur.plan.name} is no longer offered: once you leave it, you can't switch back.`);
    }
    points.push(
      priceChange < 0
        ? 'The lower price starts with the next billing period.'
        : 'It takes effect right away, prorated for the rest of this billing period.',
    );
    if (c.bestValue) points.push('This is the lowest-cost option for how you use your line.');

    return {
      key: c.key,
      kind: c.kind,
      target: { planCode: c.pc.config.planCode, addOns: [...c.pc.config.addOns] },
      title: this.title(c, added, removed),
      explanation,
      evidence,
      monthlyPriceChangeCents: priceChange,
      monthlySavingCents: c.saving,
      currentCostCents: this.currentCostCents,
      targetCostCents: c.cost,
      bestValue: c.bestValue,
      addsFeatures,
      removes: removed,
      adds: added,
      talkingPoints: points,
    };
  }
}
