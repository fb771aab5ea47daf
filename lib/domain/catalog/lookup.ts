import type { AddOn, Catalog, CodeName, Plan } from '../types';

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

/** An add-on's code and name; the code stands in for the name of one the catalog lacks. */
export function addOnName(catalog: Catalog, code: string): CodeName {
  return { code, name: findAddOn(catalog, code)?.name ?? code };
}

/** A plan's code and name; the code stands in for the name of one the catalog lacks. */
export function planName(catalog: Catalog, code: string): CodeName {
  return { code, name: findPlan(catalog, code)?.name ?? code };
}
