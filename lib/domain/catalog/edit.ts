/**
 * Editing the catalog (Admin → Catalog): a plan or add-on definition put into a catalog, as
 * the admin's launch or rule change would leave it, so that `validateCatalog` can judge the
 * result before anything is written. Pure.
 *
 * - A plan's definition carries the add-ons offered on it ("available add-ons"): they are the
 *   availability rows of that plan, so they replace that plan in every add-on's availableOn.
 * - An add-on's exclusions are kept both ways: "A excludes B" is written on A and on B.
 */
import type { AddOn, Catalog, Plan } from '../types';

export type ItemDefinition = { kind: 'plan'; plan: Plan; availableAddOns: string[] } | { kind: 'addon'; addOn: AddOn };

const uniqueSorted = (xs: readonly string[]) => [...new Set(xs)].sort();

/** The catalog with `def` added (or put in place of the item with its code). */
export function withItem(catalog: Catalog, def: ItemDefinition): Catalog {
  if (def.kind === 'plan') {
    const plan = { ...def.plan, includes: uniqueSorted(def.plan.includes) };
    const exists = catalog.plans.some((p) => p.code === plan.code);
    const available = new Set(def.availableAddOns);
    return {
      ...catalog,
      plans: exists ? catalog.plans.map((p) => (p.code === plan.code ? plan : p)) : [...catalog.plans, plan],
      addOns: catalog.addOns.map((a) => {
        const on = a.availableOn.filter((c) => c !== plan.code);
        return { ...a, availableOn: available.has(a.code) ? [...on, plan.code] : on };
      }),
    };
  }
  const addOn = {
    ...def.addOn,
    availableOn: uniqueSorted(def.addOn.availableOn),
    requires: uniqueSorted(def.addOn.requires),
    excludes: uniqueSorted(def.addOn.excludes),
  };
  const exists = catalog.addOns.some((a) => a.code === addOn.code);
  const others = catalog.addOns.map((a) => {
    if (a.code === addOn.code) return addOn;
    const rest = a.excludes.filter((c) => c !== addOn.code);
    return { ...a, excludes: addOn.excludes.includes(a.code) ? [...rest, addOn.code].sort() : rest };
  });
  return { ...catalog, addOns: exists ? others : [...others, addOn] };
}

/** The add-ons offered on a plan (its availability rows), in catalog order. */
export function availableAddOnsOf(catalog: Catalog, planCode: string): string[] {
  return catalog.addOns.filter((a) => a.availableOn.includes(planCode)).map((a) => a.code);
}

/** The item definition of a launched plan or add-on, for editing its rules. */
export function definitionOf(catalog: Catalog, kind: 'plan' | 'addon', code: string): ItemDefinition | undefined {
  if (kind === 'plan') {
    const plan = catalog.plans.find((p) => p.code === code);
    return plan ? { kind, plan, availableAddOns: availableAddOnsOf(catalog, code) } : undefined;
  }
  const addOn = catalog.addOns.find((a) => a.code === code);
  return addOn ? { kind, addOn } : undefined;
}
