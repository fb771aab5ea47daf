/**
 * Planning a plan/add-on change (docs/changes.md): validation, add-on reconciliation, timing
 * and proration. Returns facts or typed refusals; changes/copy.ts words them.
 *
 * Pure: the day ("today") and the billing day are passed in; nothing is written.
 * The server layer persists the plan (order, ledger lines, pending change, audit).
 *
 * Decisions where the spec is silent:
 * - Reconciliation applies to every change, not only tier changes: an add-on the
 *   subscriber keeps but whose requirement goes away (e.g. removing Voicemail while keeping
 *   Visual Voicemail) is removed as 'requirement_lost' and listed, rather than refused.
 *   Add-ons newly asked for, by contrast, are never dropped silently: if one can't be held
 *   on the target, the request is refused with the reasons.
 * - A held add-on the new plan includes is reported 'redundant', and one the new plan does
 *   not offer 'not_offered', whether or not the request still listed it (a form may leave
 *   out what the new plan includes): that is the more useful explanation, and the feature is
 *   not lost. A held add-on that could have been kept but was left out is 'requested'.
 * - Requesting exactly the change that is already scheduled (same target, still for the
 *   period end) is refused ("already scheduled") instead of replacing it by itself. With
 *   `applyNow` an agent may still bring that scheduled change forward to today.
 * - The price comparison is on the monthly recurring price (plan + held add-ons); an equal
 *   price takes effect now ("at least today's").
 */
import {
  addOnName,
  checkAddOn,
  checkConfiguration,
  features,
  findAddOn,
  findPlan,
  getPlan,
  normalize,
  planSelectable,
  sameConfiguration,
} from '../catalog';
import { assertBillingDay, assertDay, periodContaining } from '../periods';
import { monthlyRecurringCents } from '../pricing';
import { prorationLines, prorationTotal } from './prorate';
import { reconcile } from './reconcile';
import type { ChangeDecision, ChangeInput, ChangeRefusal, PlannedChange } from './types';

function refuse(refusals: ChangeRefusal[]): ChangeDecision {
  return { ok: false, refusals };
}

/** Decide a change: the facts of it, or why it can't be made. */
export function decideChange(input: ChangeInput): ChangeDecision {
  const { catalog, billingDay, today, pending } = input;
  const applyNow = input.applyNow === true;
  assertBillingDay(billingDay);
  assertDay(today, 'today');
  const current = normalize(input.current);
  const currentPlan = getPlan(catalog, current.planCode);
  const requested = normalize(input.requested);

  // 1. Codes must exist; a retired plan is only for those who already have it.
  const unknown: ChangeRefusal[] = [];
  const targetPlan = findPlan(catalog, requested.planCode);
  if (!targetPlan) unknown.push({ type: 'unknown_plan', code: requested.planCode });
  for (const code of requested.addOns) {
    if (!findAddOn(catalog, code)) unknown.push({ type: 'unknown_add_on', code });
  }
  if (!targetPlan || unknown.length > 0) return refuse(unknown);
  if (!planSelectable(catalog, current.planCode, targetPlan.code)) {
    return refuse([{ type: 'plan_not_selectable', plan: { code: targetPlan.code, name: targetPlan.name } }]);
  }

  // 2. Reconcile. Kept = held now and still requested; fresh = newly requested.
  const heldNow = new Set(current.addOns);
  const fresh = requested.addOns.filter((c) => !heldNow.has(c));
  const { kept, removed: removals } = reconcile(catalog, current.addOns, targetPlan, {
    keep: requested.addOns,
    adding: fresh,
  });
  const target = normalize({ planCode: targetPlan.code, addOns: [...kept, ...fresh] });

  // 3. What was explicitly asked for must be valid as asked: refuse, never drop silently.
  // A retired add-on is kept by its holders; nobody else can choose it.
  const retired = fresh.filter((code) => findAddOn(catalog, code)?.status === 'retired');
  if (retired.length > 0)
    return refuse(retired.map((code) => ({ type: 'add_on_retired', addOn: addOnName(catalog, code) })));
  const problems = fresh.flatMap((code) => checkAddOn(catalog, target, code));
  if (problems.length > 0) return refuse(problems);
  const remaining = checkConfiguration(catalog, target);
  if (remaining.length > 0) return refuse(remaining); // defensive: reconciliation should leave none

  // 4. Nothing to do?
  if (sameConfiguration(target, current)) return refuse([{ type: 'no_change', pending }]);

  // 5. Timing and money. The timing follows today's prices (what the subscriber pays now); the
  // monthly figures are those of the day the change takes effect, and the next bill is the next
  // period's charges at the prices of its first day: a price protection ending by then is over.
  const todayCurrentCents = monthlyRecurringCents(catalog, current);
  const todayNewCents = monthlyRecurringCents(catalog, target);
  const timing: PlannedChange['timing'] = todayNewCents >= todayCurrentCents || applyNow ? 'now' : 'end_of_period';
  const period = periodContaining(billingDay, today);
  const effectiveDate = timing === 'now' ? today : period.end;
  const nextCatalog = input.catalogOn?.(period.end) ?? catalog;
  const currentMonthlyCents = timing === 'now' ? todayCurrentCents : monthlyRecurringCents(nextCatalog, current);
  const newMonthlyCents = timing === 'now' ? todayNewCents : monthlyRecurringCents(nextCatalog, target);
  const nextRecurringCents = monthlyRecurringCents(nextCatalog, target);
  if (pending && timing === 'end_of_period' && sameConfiguration(pending.target, target)) {
    return refuse([{ type: 'already_scheduled', effectiveDate: pending.effectiveDate }]);
  }
  const lines = timing === 'now' ? prorationLines(catalog, current, target, period, today) : [];
  const prorationTotalCents = prorationTotal(lines);

  // 6. What changes for the subscriber.
  const featuresNow = features(catalog, current);
  const featuresThen = features(catalog, target);
  const planChanged = targetPlan.code !== currentPlan.code;
  return {
    ok: true,
    change: {
      current,
      target,
      timing,
      effectiveDate,
      period,
      addedAddOns: target.addOns.filter((c) => !heldNow.has(c)).map((c) => addOnName(catalog, c)),
      removals,
      planChanged,
      fromPlan: { code: currentPlan.code, name: currentPlan.name },
      toPlan: { code: targetPlan.code, name: targetPlan.name },
      featuresGained: featuresThen.filter((c) => !featuresNow.includes(c)).map((c) => addOnName(catalog, c)),
      featuresLost: featuresNow.filter((c) => !featuresThen.includes(c)).map((c) => addOnName(catalog, c)),
      prorationLines: lines,
      prorationTotalCents,
      currentMonthlyCents,
      newMonthlyCents,
      monthlyChangeCents: newMonthlyCents - currentMonthlyCents,
      nextBill: {
        recurringCents: nextRecurringCents,
        prorationCents: prorationTotalCents,
        totalCents: nextRecurringCents + prorationTotalCents,
      },
      replacesPending: pending ? { target: normalize(pending.target), effectiveDate: pending.effectiveDate } : null,
      leavesRetiredPlan: currentPlan.status === 'retired' && planChanged,
    },
  };
}
