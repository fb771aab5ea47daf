import { findPlan } from './lookup';
import type { Catalog, Plan } from '../types';

/**
 * The one rule for choosing a plan: an active plan is open to everyone; a retired plan only
 * to the subscriber who holds it now (grandfathered), who may stay on it but not come back.
 */
export function isSelectable(plan: Plan, currentPlanCode: string | null): boolean {
  return plan.status === 'active' || plan.code === currentPlanCode;
}

/** The plans a subscriber on `currentPlanCode` may hold, in catalog order. */
export function selectablePlans(catalog: Catalog, currentPlanCode: string | null): Plan[] {
  return catalog.plans.filter((p) => isSelectable(p, currentPlanCode));
}

/** May a subscriber whose current plan is `currentPlanCode` move to `planCode`? */
export function planSelectable(catalog: Catalog, currentPlanCode: string | null, planCode: string): boolean {
  const plan = findPlan(catalog, planCode);
  return plan !== undefined && isSelectable(plan, currentPlanCode);
}
