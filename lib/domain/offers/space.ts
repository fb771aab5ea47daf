/**
 * The candidate space of offers: every valid configuration of a catalog, enumerated once
 * (memoized by catalog object, then by content) with what offers need of each: recurring
 * price, allowance, international rate and features (also as a bitset). A call then scans a
 * few hundred precomputed rows with integer arithmetic. Catalog objects are treated as
 * immutable.
 */
import { allConfigurations, configKey, features, getPlan, normalize } from '../catalog';
import { SIGNAL_RULES, signalFeature } from './rules';
import { intlRateCents, ldAllowance, monthlyRecurringCents } from '../pricing';
import type { AddOn, Catalog, Configuration, Plan } from '../types';

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
  /** The feature answering each of SIGNAL_RULES (catalog data), by index; undefined: none. */
  readonly signalFeatures: readonly (string | undefined)[];
  /** Retired add-ons: only their holders may keep them. */
  readonly retiredAddOns: ReadonlySet<string>;
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
  const signalFeatures = SIGNAL_RULES.map((r) => signalFeature(catalog, r.signal));
  const retiredAddOns = new Set(catalog.addOns.filter((a) => a.status === 'retired').map((a) => a.code));
  return {
    catalog,
    configs,
    byKey,
    byPlan,
    addOnByCode,
    addOnOrder,
    featureCodes,
    featureIndex,
    signalFeatures,
    retiredAddOns,
  };
}

export function describeConfig(
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
    words[w] = (words[w] ?? 0) | (1 << (i % 31));
  }
  return words;
}

/** Every bit of `a` is in `b`. */
export function maskSubset(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    if ((x & ~(b[i] ?? 0)) !== 0) return false;
  }
  return true;
}

export function hasFeature(prep: PreparedCatalog, pc: PreparedConfig, code: string): boolean {
  const i = prep.featureIndex.get(code);
  if (i === undefined) return false;
  return ((pc.featureMask[Math.floor(i / 31)] ?? 0) & (1 << (i % 31))) !== 0;
}

/** The prepared row of a configuration (described on the fly when it is not in the space). */
export function entryFor(prep: PreparedCatalog, config: Configuration): PreparedConfig {
  return (
    prep.byKey.get(configKey(config)) ??
    // Not a valid configuration (e.g. inconsistent data): described on the fly.
    describeConfig(prep.catalog, prep.addOnByCode, prep.featureIndex, config)
  );
}

/** A target may hold a retired add-on only if the current configuration holds it already. */
export function retiredKept(prep: PreparedCatalog, current: PreparedConfig, target: PreparedConfig): boolean {
  if (prep.retiredAddOns.size === 0) return true;
  return target.config.addOns.every((c) => !prep.retiredAddOns.has(c) || current.config.addOns.includes(c));
}
