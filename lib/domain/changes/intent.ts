/**
 * A change request as an intent: what the person asked for relative to what they had
 * (move to plan X; add these add-ons; remove those), the shape of a TM Forum product order's
 * items (add / modify / delete). A preview plans the intent against the subscription as it is;
 * a confirm that finds the subscription changed meanwhile plans the SAME intent against the new
 * state, so a change someone else made in between (another tab, an agent) is kept, not undone.
 */
import { addOnName, normalize, planName } from '../catalog';
import type { Catalog, CodeName, Configuration } from '../types';

export interface ChangeIntent {
  /** The plan to move to; absent: keep the plan held at the time of planning. */
  plan?: string;
  /** Add-ons to add (already held: nothing to do). */
  add: readonly string[];
  /** Add-ons to remove (not held: nothing to do). */
  remove: readonly string[];
}

/** True when the intent asks for nothing. */
export function isEmptyIntent(intent: ChangeIntent): boolean {
  return intent.plan === undefined && intent.add.length === 0 && intent.remove.length === 0;
}

/** Codes both added and removed by the intent (a contradiction the caller refuses). */
export function contradictions(intent: ChangeIntent): string[] {
  const removed = new Set(intent.remove);
  return [...new Set(intent.add.filter((c) => removed.has(c)))].sort();
}

/**
 * The configuration the intent asks for, from the one held now: the plan moved (if asked), the
 * removed add-ons gone, the added ones added. Add-ons the new plan includes or doesn't offer are
 * reconciled by the planner afterwards, with their reasons.
 */
export function applyIntent(current: Configuration, intent: ChangeIntent): Configuration {
  const removed = new Set(intent.remove);
  const addOns = current.addOns.filter((c) => !removed.has(c));
  for (const c of intent.add) if (!addOns.includes(c)) addOns.push(c);
  return normalize({ planCode: intent.plan ?? current.planCode, addOns });
}

/** The intent that turns `current` into `target`: the plan only when it differs, and the add-on differences. */
export function intentBetween(current: Configuration, target: Configuration): ChangeIntent {
  const from = normalize(current);
  const to = normalize(target);
  return {
    ...(from.planCode !== to.planCode ? { plan: to.planCode } : {}),
    add: to.addOns.filter((c) => !from.addOns.includes(c)),
    remove: from.addOns.filter((c) => !to.addOns.includes(c)),
  };
}

/** What changed in a subscription between two moments (a preview and its confirm). */
export interface Drift {
  plan: { from: CodeName; to: CodeName } | null;
  added: CodeName[];
  removed: CodeName[];
}

export function driftBetween(catalog: Catalog, before: Configuration, now: Configuration): Drift {
  const a = normalize(before);
  const b = normalize(now);
  return {
    plan: a.planCode === b.planCode ? null : { from: planName(catalog, a.planCode), to: planName(catalog, b.planCode) },
    added: b.addOns.filter((c) => !a.addOns.includes(c)).map((c) => addOnName(catalog, c)),
    removed: a.addOns.filter((c) => !b.addOns.includes(c)).map((c) => addOnName(catalog, c)),
  };
}

export function hasDrift(d: Drift): boolean {
  return d.plan !== null || d.added.length > 0 || d.removed.length > 0;
}
