import type { AddOn, Catalog, Configuration, Plan } from './types';

/** Raised for a code that is not in the catalog. */
export class UnknownCodeError extends Error {
  constructor(
    readonly what: 'plan' | 'add-on',
    readonly code: string,
  ) {
    super(`Unknown ${what} "${code}".`);
    this.name = 'UnknownCodeError';
  }
}

export function findPlan(catalog: Catalog, code: string): Plan | undefined {
  return catalog.plans.find((p) => p.code === code);
}

export function findAddOn(catalog: Catalog, code: string): AddOn | undefined {
  return catalog.addOns.find((a) => a.code === code);
}

export function getPlan(catalog: Catalog, code: string): Plan {
  const plan = findPlan(catalog, code);
  if (!plan) throw new UnknownCodeError('plan', code);
  return plan;
}

export function getAddOn(catalog: Catalog, code: string): AddOn {
  const addOn = findAddOn(catalog, code);
  if (!addOn) throw new UnknownCodeError('add-on', code);
  return addOn;
}

/** Canonical form: unique, sorted add-on codes. */
export function normalize(config: Configuration): Configuration {
  return { planCode: config.planCode, addOns: [...new Set(config.addOns)].sort() };
}

/** A stable string key for a configuration, e.g. "PLUS+ld_300+voicemail". */
export function configKey(config: Configuration): string {
  const n = normalize(config);
  return [n.planCode, ...n.addOns].join('+');
}

export function sameConfiguration(a: Configuration, b: Configuration): boolean {
  return configKey(a) === configKey(b);
}

/** Add-on codes the configuration has: held plus included by its plan. */
export function effectiveAddOns(catalog: Catalog, config: Configuration): string[] {
  const plan = getPlan(catalog, config.planCode);
  return [...new Set([...plan.includes, ...config.addOns])].sort();
}

/** Feature capabilities of a configuration: feature add-ons held or included. */
export function features(catalog: Catalog, config: Configuration): string[] {
  return effectiveAddOns(catalog, config).filter((code) => findAddOn(catalog, code)?.kind === 'feature');
}

function names(catalog: Catalog, codes: string[]): string {
  const list = codes.map((c) => findAddOn(catalog, c)?.name ?? c);
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

/**
 * Why one add-on can't be held in a configuration (given the rest of it), in words a
 * subscriber understands; empty when it can.
 */
export function addOnProblems(catalog: Catalog, config: Configuration, code: string): string[] {
  const addOn = findAddOn(catalog, code);
  if (!addOn) return [`"${code}" is not an add-on we offer.`];
  const plan = findPlan(catalog, config.planCode);
  if (!plan) return [`"${config.planCode}" is not a plan we offer.`];
  const problems: string[] = [];
  if (plan.includes.includes(code)) {
    problems.push(`${addOn.name} is already included in ${plan.name}.`);
  } else if (!addOn.availableOn.includes(plan.code)) {
    problems.push(`${addOn.name} is not available on ${plan.name}.`);
  }
  const have = new Set([...plan.includes, ...config.addOns]);
  const missing = addOn.requires.filter((r) => !have.has(r));
  if (missing.length > 0) problems.push(`${addOn.name} needs ${names(catalog, missing)} first.`);
  const clash = addOn.excludes.filter((x) => config.addOns.includes(x) && x !== code);
  if (clash.length > 0) problems.push(`${addOn.name} can't be combined with ${names(catalog, clash)}.`);
  return problems;
}

/**
 * Every reason a configuration is not valid, in plain words; empty when it is valid.
 * Does not judge whether a retired plan may be chosen: that depends on who asks (see
 * `selectablePlan`).
 */
export function configurationProblems(catalog: Catalog, config: Configuration): string[] {
  const plan = findPlan(catalog, config.planCode);
  if (!plan) return [`"${config.planCode}" is not a plan we offer.`];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const code of config.addOns) {
    if (seen.has(code)) {
      problems.push(`${findAddOn(catalog, code)?.name ?? code} is listed twice.`);
      continue;
    }
    seen.add(code);
    problems.push(...addOnProblems(catalog, config, code));
  }
  return [...new Set(problems)];
}

export function isValidConfiguration(catalog: Catalog, config: Configuration): boolean {
  return configurationProblems(catalog, config).length === 0;
}

/**
 * May a subscriber whose current plan is `currentPlanCode` move to `planCode`?
 * Active plans: yes. A retired plan: only the one they already have (grandfathered).
 */
export function planSelectable(catalog: Catalog, currentPlanCode: string | null, planCode: string): boolean {
  const plan = findPlan(catalog, planCode);
  if (!plan) return false;
  return plan.status === 'active' || plan.code === currentPlanCode;
}

/** Every add-on status for a configuration, for an add-ons page. */
export type AddOnStatus =
  | { status: 'held' }
  | { status: 'included' }
  | { status: 'available' }
  | { status: 'not_available'; reason: string }
  | { status: 'needs'; needs: string[]; reason: string }
  | { status: 'excluded'; by: string[]; reason: string };

export function addOnStatus(catalog: Catalog, config: Configuration, code: string): AddOnStatus {
  const addOn = getAddOn(catalog, code);
  const plan = getPlan(catalog, config.planCode);
  if (plan.includes.includes(code)) return { status: 'included' };
  if (config.addOns.includes(code)) return { status: 'held' };
  if (!addOn.availableOn.includes(plan.code)) {
    return { status: 'not_available', reason: `${addOn.name} is not available on ${plan.name}.` };
  }
  const have = new Set([...plan.includes, ...config.addOns]);
  const needs = addOn.requires.filter((r) => !have.has(r));
  if (needs.length > 0) return { status: 'needs', needs, reason: `Needs ${names(catalog, needs)} first.` };
  const by = addOn.excludes.filter((x) => config.addOns.includes(x));
  if (by.length > 0) return { status: 'excluded', by, reason: `Can't be combined with ${names(catalog, by)}.` };
  return { status: 'available' };
}

/** Every valid configuration of the catalog on the given plans (the space is small). */
export function allConfigurations(catalog: Catalog, planCodes: string[]): Configuration[] {
  const out: Configuration[] = [];
  for (const planCode of planCodes) {
    const plan = getPlan(catalog, planCode);
    const candidates = catalog.addOns
      .filter((a) => a.availableOn.includes(plan.code) && !plan.includes.includes(a.code))
      .map((a) => a.code)
      .sort();
    const n = candidates.length;
    for (let mask = 0; mask < 1 << n; mask++) {
      const addOns: string[] = [];
      for (let i = 0; i < n; i++) if (mask & (1 << i)) addOns.push(candidates[i]!);
      const config = { planCode, addOns };
      if (isValidConfiguration(catalog, config)) out.push(config);
    }
  }
  return out;
}
