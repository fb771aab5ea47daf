/**
 * Validation of a catalog as a whole, for the admin catalog (docs/catalog.md, "Managing the
 * catalog"): what must hold before a draft is launched or a rule or price is changed. Returns
 * structured problems; `ruleProblemText` words each one. Pure.
 *
 * Decisions where the spec is silent:
 * - "excludes both ways": an exclusion listed on one add-on only is a problem (not completed
 *   silently), so the admin sees both sides of the rule they are writing.
 * - An add-on may not require one it excludes, nor exclude or require itself.
 * - At most one active feature answers each usage signal (offers would otherwise have to guess).
 */
import type { AddOn, Catalog, CodeName, Plan } from '../types';

export type CatalogRuleProblem =
  | { type: 'duplicate_code'; code: string }
  | { type: 'blank_name'; code: string }
  | { type: 'negative_price'; item: CodeName }
  | { type: 'negative_minutes'; item: CodeName }
  | { type: 'bad_tier'; plan: CodeName }
  | {
      type: 'unknown_reference';
      item: CodeName;
      field: 'includes' | 'availableOn' | 'requires' | 'excludes';
      code: string;
    }
  | { type: 'included_and_available'; addOn: CodeName; plan: CodeName }
  | { type: 'exclusion_one_way'; addOn: CodeName; other: CodeName }
  | { type: 'self_reference'; addOn: CodeName; field: 'requires' | 'excludes' }
  | { type: 'requires_excluded'; addOn: CodeName; other: CodeName }
  | { type: 'requirement_cycle'; cycle: CodeName[] }
  | { type: 'signal_twice'; signal: string; addOns: CodeName[] }
  | { type: 'signal_on_usage_add_on'; addOn: CodeName };

const nameOf = (x: Plan | AddOn): CodeName => ({ code: x.code, name: x.name.trim() || x.code });
const isCount = (n: number) => Number.isInteger(n) && n >= 0;

/** Every problem of a catalog; empty when it may be launched as it is. */
export function validateCatalog(catalog: Catalog): CatalogRuleProblem[] {
  const problems: CatalogRuleProblem[] = [];
  const plans = new Map(catalog.plans.map((p) => [p.code, p] as const));
  const addOns = new Map(catalog.addOns.map((a) => [a.code, a] as const));
  const seen = new Set<string>();
  for (const item of [...catalog.plans, ...catalog.addOns]) {
    if (seen.has(item.code)) problems.push({ type: 'duplicate_code', code: item.code });
    seen.add(item.code);
    if (item.name.trim() === '') problems.push({ type: 'blank_name', code: item.code });
    if (!isCount(item.monthlyCents)) problems.push({ type: 'negative_price', item: nameOf(item) });
  }
  for (const p of catalog.plans) {
    if (p.ldMinutes !== null && !isCount(p.ldMinutes)) problems.push({ type: 'negative_minutes', item: nameOf(p) });
    if (!Number.isInteger(p.tier) || p.tier < 1) problems.push({ type: 'bad_tier', plan: nameOf(p) });
    for (const code of p.includes) {
      const a = addOns.get(code);
      if (!a) problems.push({ type: 'unknown_reference', item: nameOf(p), field: 'includes', code });
      else if (a.availableOn.includes(p.code))
        problems.push({ type: 'included_and_available', addOn: nameOf(a), plan: nameOf(p) });
    }
  }
  for (const a of catalog.addOns) {
    if (!isCount(a.ldMinutes)) problems.push({ type: 'negative_minutes', item: nameOf(a) });
    for (const code of a.availableOn)
      if (!plans.has(code)) problems.push({ type: 'unknown_reference', item: nameOf(a), field: 'availableOn', code });
    for (const field of ['requires', 'excludes'] as const) {
      for (const code of a[field]) {
        if (code === a.code) problems.push({ type: 'self_reference', addOn: nameOf(a), field });
        else if (!addOns.has(code)) problems.push({ type: 'unknown_reference', item: nameOf(a), field, code });
      }
    }
    for (const code of a.excludes) {
      const other = addOns.get(code);
      if (other && code !== a.code && !other.excludes.includes(a.code))
        problems.push({ type: 'exclusion_one_way', addOn: nameOf(a), other: nameOf(other) });
    }
    for (const code of a.requires) {
      const other = addOns.get(code);
      if (other && a.excludes.includes(code))
        problems.push({ type: 'requires_excluded', addOn: nameOf(a), other: nameOf(other) });
    }
    if (a.answersSignal && a.kind !== 'feature') problems.push({ type: 'signal_on_usage_add_on', addOn: nameOf(a) });
  }
  for (const cycle of requirementCycles(catalog.addOns))
    problems.push({ type: 'requirement_cycle', cycle: cycle.map((c) => nameOf(addOns.get(c)!)) });
  const bySignal = new Map<string, AddOn[]>();
  for (const a of catalog.addOns) {
    if (!a.answersSignal || a.status === 'retired' || a.kind !== 'feature') continue;
    bySignal.set(a.answersSignal, [...(bySignal.get(a.answersSignal) ?? []), a]);
  }
  for (const [signal, list] of bySignal)
    if (list.length > 1) problems.push({ type: 'signal_twice', signal, addOns: list.map(nameOf) });
  return problems;
}

/**
 * The requirement cycles among add-ons (a requires b requires … requires a), each once, as the
 * codes along it starting from its smallest code. Self-requirements are reported elsewhere.
 */
export function requirementCycles(addOns: readonly AddOn[]): string[][] {
  const requires = new Map(addOns.map((a) => [a.code, a.requires.filter((r) => r !== a.code)] as const));
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (code: string): void => {
    state.set(code, 'visiting');
    path.push(code);
    for (const next of requires.get(code) ?? []) {
      if (!requires.has(next)) continue;
      const st = state.get(next);
      if (st === 'visiting') {
        const cycle = path.slice(path.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join('>'), rotated);
      } else if (st === undefined) visit(next);
    }
    path.pop();
    state.set(code, 'done');
  };
  for (const a of addOns) if (!state.has(a.code)) visit(a.code);
  return [...cycles.values()];
}

const SIGNAL_NAMES: Record<string, string> = {
  unanswered_calls: 'unanswered calls',
  missed_while_busy: 'calls missed while busy',
};
const FIELD_WORDS = {
  includes: 'includes',
  availableOn: 'is available on',
  requires: 'requires',
  excludes: 'excludes',
};

/** One catalog problem as a sentence an admin understands. */
export function ruleProblemText(p: CatalogRuleProblem): string {
  switch (p.type) {
    case 'duplicate_code':
      return `The code "${p.code}" is used twice: each plan and add-on needs its own code.`;
    case 'blank_name':
      return `"${p.code}" needs a name.`;
    case 'negative_price':
      return `${p.item.name}: the monthly price must be a whole number of cents, 0 or more.`;
    case 'negative_minutes':
      return `${p.item.name}: included minutes must be a whole number, 0 or more.`;
    case 'bad_tier':
      return `${p.plan.name}: the tier must be a whole number, 1 or more.`;
    case 'unknown_reference':
      return `${p.item.name} ${FIELD_WORDS[p.field]} "${p.code}", which is not in the catalog.`;
    case 'included_and_available':
      return `${p.addOn.name} is both included in ${p.plan.name} and available on it as an add-on: choose one.`;
    case 'exclusion_one_way':
      return `${p.addOn.name} can't be combined with ${p.other.name}, so ${p.other.name} must exclude ${p.addOn.name} too.`;
    case 'self_reference':
      return `${p.addOn.name} can't ${p.field === 'requires' ? 'require' : 'exclude'} itself.`;
    case 'requires_excluded':
      return `${p.addOn.name} both requires and excludes ${p.other.name}.`;
    case 'requirement_cycle':
      return `Requirements go round in a circle: ${[...p.cycle, p.cycle[0]!].map((c) => c.name).join(' needs ')}.`;
    case 'signal_twice':
      return `Only one feature can answer ${SIGNAL_NAMES[p.signal] ?? p.signal} in offers; now ${p.addOns.map((a) => a.name).join(' and ')} do.`;
    case 'signal_on_usage_add_on':
      return `${p.addOn.name} is a usage add-on: only a feature can answer a usage signal in offers.`;
  }
}

/** The sentences for a catalog's problems, each once. */
export function catalogProblems(catalog: Catalog): string[] {
  return [...new Set(validateCatalog(catalog).map(ruleProblemText))];
}
