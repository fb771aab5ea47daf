/**
 * Catalog rules: whether an add-on can be held in a configuration, and what an add-ons page
 * shows for each add-on. The rules return structured problems; catalog/copy.ts words them.
 */
import { addOnName, findAddOn, findPlan, getAddOn, getPlan } from './lookup';
import type { Catalog, CodeName, Configuration } from '../types';

/** Why a configuration (or one add-on in it) is not valid. */
export type CatalogProblem =
  | { type: 'unknown_plan'; code: string }
  | { type: 'unknown_add_on'; code: string }
  | { type: 'listed_twice'; addOn: CodeName }
  | { type: 'already_included'; addOn: CodeName; plan: CodeName }
  | { type: 'not_available'; addOn: CodeName; plan: CodeName }
  /** Requirements that nothing in the configuration (held or included) meets. */
  | { type: 'needs'; addOn: CodeName; missing: CodeName[] }
  /** Held add-ons this one can't be combined with. */
  | { type: 'excluded'; addOn: CodeName; by: CodeName[] }
  /** A retired add-on asked for by someone who doesn't hold it. */
  | { type: 'add_on_retired'; addOn: CodeName };

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Why one add-on can't be held in a configuration (given the rest of it); empty when it can. */
export function checkAddOn(catalog: Catalog, config: Configuration, code: string): CatalogProblem[] {
  const addOn = findAddOn(catalog, code);
  if (!addOn) return [{ type: 'unknown_add_on', code }];
  const plan = findPlan(catalog, config.planCode);
  if (!plan) return [{ type: 'unknown_plan', code: config.planCode }];
  const self = { code, name: addOn.name };
  const on = { code: plan.code, name: plan.name };
  const problems: CatalogProblem[] = [];
  if (plan.includes.includes(code)) {
    problems.push({ type: 'already_included', addOn: self, plan: on });
  } else if (!addOn.availableOn.includes(plan.code)) {
    problems.push({ type: 'not_available', addOn: self, plan: on });
  }
  const have = new Set([...plan.includes, ...config.addOns]);
  const missing = addOn.requires.filter((r) => !have.has(r));
  if (missing.length > 0)
    problems.push({ type: 'needs', addOn: self, missing: missing.map((c) => addOnName(catalog, c)) });
  const clash = addOn.excludes.filter((x) => config.addOns.includes(x) && x !== code);
  if (clash.length > 0) problems.push({ type: 'excluded', addOn: self, by: clash.map((c) => addOnName(catalog, c)) });
  return problems;
}

/**
 * Every reason a configuration is not valid; empty when it is valid. Does not judge whether
 * a retired plan may be chosen: that depends on who asks (see `selectablePlans`).
 */
export function checkConfiguration(catalog: Catalog, config: Configuration): CatalogProblem[] {
  const plan = findPlan(catalog, config.planCode);
  if (!plan) return [{ type: 'unknown_plan', code: config.planCode }];
  const problems: CatalogProblem[] = [];
  const seen = new Set<string>();
  for (const code of config.addOns) {
    if (seen.has(code)) {
      problems.push({ type: 'listed_twice', addOn: addOnName(catalog, code) });
      continue;
    }
    seen.add(code);
    problems.push(...checkAddOn(catalog, config, code));
  }
  return unique(problems);
}

type ProblemOf<T extends CatalogProblem['type']> = Extract<CatalogProblem, { type: T }>;

/** Every add-on status for a configuration, for an add-ons page. */
export type AddOnStatus =
  | { status: 'held' }
  | { status: 'included' }
  | { status: 'available' }
  | { status: 'not_available'; problem: ProblemOf<'not_available'> }
  | { status: 'needs'; needs: string[]; problem: ProblemOf<'needs'> }
  | { status: 'excluded'; by: string[]; problem: ProblemOf<'excluded'> };

export function addOnStatus(catalog: Catalog, config: Configuration, code: string): AddOnStatus {
  const addOn = getAddOn(catalog, code);
  const plan = getPlan(catalog, config.planCode);
  if (plan.includes.includes(code)) return { status: 'included' };
  if (config.addOns.includes(code)) return { status: 'held' };
  const self = { code, name: addOn.name };
  if (!addOn.availableOn.includes(plan.code)) {
    return {
      status: 'not_available',
      problem: { type: 'not_available', addOn: self, plan: { code: plan.code, name: plan.name } },
    };
  }
  const have = new Set([...plan.includes, ...config.addOns]);
  const needs = addOn.requires.filter((r) => !have.has(r));
  if (needs.length > 0) {
    return {
      status: 'needs',
      needs,
      problem: { type: 'needs', addOn: self, missing: needs.map((c) => addOnName(catalog, c)) },
    };
  }
  const by = addOn.excludes.filter((x) => config.addOns.includes(x));
  if (by.length > 0) {
    return {
      status: 'excluded',
      by,
      problem: { type: 'excluded', addOn: self, by: by.map((c) => addOnName(catalog, c)) },
    };
  }
  return { status: 'available' };
}
