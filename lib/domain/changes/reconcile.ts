/**
 * Add-on reconciliation (docs/changes.md): which held add-ons survive a move to a plan, and
 * why each of the others goes. The one home of this rule: change planning, offers and the
 * plan cards all reconcile through it.
 */
import { addOnName, getAddOn } from '../catalog';
import type { Catalog, CodeName, Plan } from '../types';

/** Why a held add-on is removed by a change. */
export type Removal =
  /** The new plan includes it: the feature stays, the separate charge goes. */
  | { reason: 'redundant'; addOn: CodeName; plan: CodeName }
  /** The new plan doesn't offer it; `replacedBy`: what the plan includes instead (it excludes those). */
  | { reason: 'not_offered'; addOn: CodeName; plan: CodeName; replacedBy: CodeName[] }
  /** It could have stayed, but the request left it out. */
  | { reason: 'requested'; addOn: CodeName }
  /** What it needs is no longer there (removed, or never included by the new plan). */
  | { reason: 'requirement_lost'; addOn: CodeName; missing: CodeName[] };

export interface Reconciliation {
  /** Held add-ons that stay, in the order held. */
  kept: string[];
  /** The held add-ons that go, in the order held. */
  removed: Removal[];
}

export interface ReconcileRequest {
  /** Held add-ons the request still lists (default: every held one). */
  keep?: readonly string[];
  /** Add-ons newly asked for: they count towards the requirements of those kept. */
  adding?: readonly string[];
}

/**
 * Held add-ons on a move to `plan`. A held add-on the plan includes is 'redundant', one it
 * doesn't offer 'not_offered' (whether or not the request still lists it), one left out of
 * the request 'requested'; then, to a fixed point, a kept add-on whose requirement is gone
 * is 'requirement_lost' (a removal can cost another add-on its requirement).
 */
export function reconcile(catalog: Catalog, held: readonly string[], plan: Plan, request: ReconcileRequest = {}): Reconciliation {
  const keep = new Set(request.keep ?? held);
  const adding = request.adding ?? [];
  const removed = new Map<string, Removal>();
  const target = { code: plan.code, name: plan.name };
  for (const code of held) {
    const addOn = getAddOn(catalog, code);
    const self = { code, name: addOn.name };
    if (plan.includes.includes(code)) {
      removed.set(code, { reason: 'redundant', addOn: self, plan: target });
    } else if (!addOn.availableOn.includes(plan.code)) {
      const replacedBy = plan.includes.filter((inc) => addOn.excludes.includes(inc)).map((c) => addOnName(catalog, c));
      removed.set(code, { reason: 'not_offered', addOn: self, plan: target, replacedBy });
    } else if (!keep.has(code)) {
      removed.set(code, { reason: 'requested', addOn: self });
    }
  }
  let kept = held.filter((c) => !removed.has(c));
  for (let changed = true; changed; ) {
    changed = false;
    const have = new Set([...plan.includes, ...kept, ...adding]);
    for (const code of kept) {
      const addOn = getAddOn(catalog, code);
      const missing = addOn.requires.filter((r) => !have.has(r));
      if (missing.length > 0) {
        removed.set(code, { reason: 'requirement_lost', addOn: { code, name: addOn.name }, missing: missing.map((c) => addOnName(catalog, c)) });
        changed = true;
      }
    }
    kept = kept.filter((c) => !removed.has(c));
  }
  return { kept, removed: held.flatMap((c) => removed.get(c) ?? []) };
}
