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
export function reconcile(
  catalog: Catalog,
  held: readonly string[],
  plan: Plan,
  request: ReconcileRequest = {},
): Reconciliation {
  const n = held.length;
  if (n === 0) return { kept: [], removed: [] };
  const keep = request.keep ?? held;
  const adding = request.adding ?? [];
  const addOns = held.map((code) => getAddOn(catalog, code));
  // One slot per held add-on: why it goes, or undefined while it stays.
  const removed = new Array<Removal | undefined>(n);
  for (let i = 0; i < n; i++) {
    const addOn = addOns[i]!;
    if (plan.includes.includes(addOn.code)) {
      removed[i] = {
        reason: 'redundant',
        addOn: { code: addOn.code, name: addOn.name },
        plan: { code: plan.code, name: plan.name },
      };
    } else if (!addOn.availableOn.includes(plan.code)) {
      const replacedBy = plan.includes.filter((inc) => addOn.excludes.includes(inc)).map((c) => addOnName(catalog, c));
      removed[i] = {
        reason: 'not_offered',
        addOn: { code: addOn.code, name: addOn.name },
        plan: { code: plan.code, name: plan.name },
        replacedBy,
      };
    } else if (!keep.includes(addOn.code)) {
      removed[i] = { reason: 'requested', addOn: { code: addOn.code, name: addOn.name } };
    }
  }
  // Requirements lost, to a fixed point; each pass judges against what was there at its start.
  const stays = new Array<boolean>(n);
  const has = (code: string): boolean => {
    if (plan.includes.includes(code) || adding.includes(code)) return true;
    for (let j = 0; j < n; j++) if (stays[j] && held[j] === code) return true;
    return false;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < n; i++) stays[i] = removed[i] === undefined;
    for (let i = 0; i < n; i++) {
      const addOn = addOns[i]!;
      if (!stays[i] || addOn.requires.length === 0) continue;
      const missing = addOn.requires.filter((r) => !has(r));
      if (missing.length === 0) continue;
      removed[i] = {
        reason: 'requirement_lost',
        addOn: { code: addOn.code, name: addOn.name },
        missing: missing.map((c) => addOnName(catalog, c)),
      };
      changed = true;
    }
  }
  const kept: string[] = [];
  const gone: Removal[] = [];
  for (let i = 0; i < n; i++) {
    const r = removed[i];
    if (r === undefined) kept.push(held[i]!);
    else gone.push(r);
  }
  return { kept, removed: gone };
}
