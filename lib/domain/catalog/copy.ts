/**
 * The catalog's words: problems, add-on statuses and configuration labels, rendered from the
 * structured results of catalog/rules.ts.
 */
import { orList } from '../text';
import { addOnName, planName } from './lookup';
import { checkAddOn, checkConfiguration, type AddOnStatus, type CatalogProblem } from './rules';
import type { Catalog, CodeName, Configuration } from '../types';

const names = (items: readonly CodeName[]): string => orList(items.map((i) => i.name));

/** One problem as a sentence a subscriber understands. */
export function problemText(p: CatalogProblem): string {
  switch (p.type) {
    case 'unknown_plan':
      return `"${p.code}" is not a plan we offer.`;
    case 'unknown_add_on':
      return `"${p.code}" is not an add-on we offer.`;
    case 'listed_twice':
      return `${p.addOn.name} is listed twice.`;
    case 'already_included':
      return `${p.addOn.name} is already included in ${p.plan.name}.`;
    case 'not_available':
      return `${p.addOn.name} is not available on ${p.plan.name}.`;
    case 'needs':
      return `${p.addOn.name} needs ${names(p.missing)} first.`;
    case 'excluded':
      return `${p.addOn.name} can't be combined with ${names(p.by)}.`;
    case 'add_on_retired':
      return `${p.addOn.name} is no longer offered; only subscribers who already have it can keep it.`;
  }
}

/** Sentences for a list of problems, each once. */
export function problemTexts(problems: readonly CatalogProblem[]): string[] {
  return [...new Set(problems.map(problemText))];
}

/** Why one add-on can't be held in a configuration, in plain words; empty when it can. */
export function addOnProblems(catalog: Catalog, config: Configuration, code: string): string[] {
  return checkAddOn(catalog, config, code).map(problemText);
}

/** Every reason a configuration is not valid, in plain words; empty when it is valid. */
export function configurationProblems(catalog: Catalog, config: Configuration): string[] {
  return problemTexts(checkConfiguration(catalog, config));
}

/** The add-ons page's line for an add-on that can't be added as things are. */
export function addOnStatusReason(status: Extract<AddOnStatus, { problem: unknown }>): string {
  switch (status.status) {
    case 'not_available':
      return problemText(status.problem);
    case 'needs':
      return `Needs ${names(status.problem.missing)} first.`;
    case 'excluded':
      return `Can't be combined with ${names(status.problem.by)}.`;
  }
}

/**
 * Whom an account page speaks to: the subscriber about their own line ("your plan"), or staff
 * (an agent, an admin) about the subscriber they act for ("their plan").
 */
export type Voice = 'subscriber' | 'staff';

/** The add-ons page's status line for an add-on, in the page's voice. */
export function addOnStatusText(status: AddOnStatus, voice: Voice = 'subscriber'): string {
  const their = voice === 'staff' ? 'their' : 'your';
  switch (status.status) {
    case 'held':
      return `On ${their} line`;
    case 'included':
      return `Included in ${their} plan`;
    case 'available':
      return 'Available';
    default:
      return addOnStatusReason(status);
  }
}

/**
 * "Plus + Voicemail + Long Distance 300": the plan's name, then each add-on's, in the order
 * given (a caller that wants catalog order sorts first). Unknown codes stand for themselves.
 */
export function configurationLabel(catalog: Catalog, config: Configuration): string {
  return [planName(catalog, config.planCode).name, ...config.addOns.map((c) => addOnName(catalog, c).name)].join(' + ');
}
