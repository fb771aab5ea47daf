/**
 * Planning a plan/add-on change (spec section 3): validation, add-on reconciliation,
 * timing, proration, and the preview shown before the subscriber confirms.
 *
 * Pure: the day ("today") and the billing day are passed in; nothing is written.
 * The server layer persists the plan (order, ledger lines, pending change, audit).
 *
 * Decisions where the spec is silent (written down as the spec asks):
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
  addOnProblems,
  configurationProblems,
  features,
  findAddOn,
  findPlan,
  getAddOn,
  getPlan,
  normalize,
  planSelectable,
  sameConfiguration,
} from './catalog';
import { assertBillingDay, assertDay, periodContaining } from './periods';
import { formatCents, monthlyRecurringCents } from './pricing';
import { prorationLines, prorationTotal, type ProrationLine } from './proration';
import type { BillingPeriod, Catalog, Cents, Configuration, Day } from './types';

export interface PendingChange {
  target: Configuration;
  effectiveDate: Day;
}

export interface ChangeInput {
  catalog: Catalog;
  /** What the subscriber has now (assumed valid: it comes from the subscription). */
  current: Configuration;
  /** The target they ask for: plan + add-ons to hold. */
  requested: Configuration;
  billingDay: number;
  today: Day;
  /** The scheduled change, if any (at most one). */
  pending: PendingChange | null;
  /** An agent, with a reason, asks to apply a lower-priced change now (prorated credit). */
  applyNow?: boolean;
}

export interface CodeName {
  code: string;
  name: string;
}

export type RemovalReason = 'requested' | 'redundant' | 'not_offered' | 'requirement_lost';

export interface RemovedAddOn extends CodeName {
  reason: RemovalReason;
  explanation: string;
}

export interface ChangePlan {
  current: Configuration;
  /** Normalized and reconciled: what the subscription will have. */
  target: Configuration;
  timing: 'now' | 'end_of_period';
  effectiveDate: Day;
  /** The period containing `today`. */
  period: BillingPeriod;
  addedAddOns: CodeName[];
  removedAddOns: RemovedAddOn[];
  planChanged: boolean;
  fromPlan: CodeName;
  toPlan: CodeName;
  featuresGained: CodeName[];
  featuresLost: CodeName[];
  /** Empty when the change is scheduled for the end of the period. */
  prorationLines: ProrationLine[];
  prorationTotalCents: Cents;
  currentMonthlyCents: Cents;
  newMonthlyCents: Cents;
  monthlyChangeCents: Cents;
  nextBill: {
    /** Next period's recurring charges: the new configuration (now, or scheduled for period end). */
    recurringCents: Cents;
    prorationCents: Cents;
    totalCents: Cents;
  };
  /** The scheduled change this one replaces, if any. */
  replacesPending: PendingChange | null;
  /** The current plan is retired and the target plan differs: there is no way back. */
  leavesRetiredPlan: boolean;
  /** Plain words: how to undo it. */
  undo: string;
  /** One plain sentence. */
  summary: string;
}

export type ChangeResult = { ok: true; plan: ChangePlan } | { ok: false; reasons: string[] };

function codeName(catalog: Catalog, code: string): CodeName {
  return { code, name: findAddOn(catalog, code)?.name ?? code };
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  if (words.length === 2) return `${words[0]} and ${words[1]}`;
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function refuse(reasons: string[]): ChangeResult {
  return { ok: false, reasons: [...new Set(reasons)] };
}

/** Plan a change; refuse with plain-sentence reasons when it can't be made. */
export function planChange(input: ChangeInput): ChangeResult {
  const { catalog, billingDay, today, pending } = input;
  const applyNow = input.applyNow === true;
  assertBillingDay(billingDay);
  assertDay(today, 'today');
  const current = normalize(input.current);
  const currentPlan = getPlan(catalog, current.planCode);
  const requested = normalize(input.requested);

  // 1. Codes must exist; a retired plan is only for those who already have it.
  const unknown: string[] = [];
  const targetPlan = findPlan(catalog, requested.planCode);
  if (!targetPlan) unknown.push(`"${requested.planCode}" is not a plan we offer.`);
  for (const code of requested.addOns) {
    if (!findAddOn(catalog, code)) unknown.push(`"${code}" is not an add-on we offer.`);
  }
  if (!targetPlan || unknown.length > 0) return refuse(unknown);
  if (!planSelectable(catalog, current.planCode, targetPlan.code)) {
    return refuse([`${targetPlan.name} is no longer offered; only subscribers who already have it can keep it.`]);
  }

  // 2. Reconcile. Kept = held now and still requested; fresh = newly requested.
  const heldNow = new Set(current.addOns);
  const fresh = requested.addOns.filter((c) => !heldNow.has(c));
  const removed = new Map<string, RemovedAddOn>();
  for (const code of current.addOns) {
    const addOn = getAddOn(catalog, code);
    if (targetPlan.includes.includes(code)) {
      removed.set(code, {
        code,
        name: addOn.name,
        reason: 'redundant',
        explanation: `${targetPlan.name} already includes ${addOn.name}, so you no longer pay for it separately.`,
      });
    } else if (!addOn.availableOn.includes(targetPlan.code)) {
      const replacedBy = targetPlan.includes.filter((inc) => addOn.excludes.includes(inc));
      const because =
        replacedBy.length > 0
          ? ` ${targetPlan.name} includes ${listWords(replacedBy.map((c) => codeName(catalog, c).name))} instead.`
          : '';
      removed.set(code, {
        code,
        name: addOn.name,
        reason: 'not_offered',
        explanation: `${addOn.name} is not available on ${targetPlan.name}.${because}`,
      });
    } else if (!requested.addOns.includes(code)) {
      removed.set(code, { code, name: addOn.name, reason: 'requested', explanation: `You asked to remove ${addOn.name}.` });
    }
  }
  let kept = requested.addOns.filter((c) => heldNow.has(c) && !removed.has(c));
  // Requirements lost, to a fixed point (a removal can cost another add-on its requirement).
  for (let changed = true; changed; ) {
    changed = false;
    const have = new Set([...targetPlan.includes, ...kept, ...fresh]);
    for (const code of kept) {
      const addOn = getAddOn(catalog, code);
      const missing = addOn.requires.filter((r) => !have.has(r));
      if (missing.length > 0) {
        const missingNames = listWords(missing.map((c) => codeName(catalog, c).name));
        removed.set(code, {
          code,
          name: addOn.name,
          reason: 'requirement_lost',
          explanation: `${addOn.name} needs ${missingNames}, which you will no longer have.`,
        });
        changed = true;
      }
    }
    kept = kept.filter((c) => !removed.has(c));
  }
  const target = normalize({ planCode: targetPlan.code, addOns: [...kept, ...fresh] });

  // 3. What was explicitly asked for must be valid as asked: refuse, never drop silently.
  const problems = fresh.flatMap((code) => addOnProblems(catalog, target, code));
  if (problems.length > 0) return refuse(problems);
  const remaining = configurationProblems(catalog, target);
  if (remaining.length > 0) return refuse(remaining); // defensive: reconciliation should leave none

  // 4. Nothing to do?
  if (sameConfiguration(target, current)) {
    return refuse([
      pending
        ? `That is already your plan. You have a change scheduled for ${pending.effectiveDate}; to drop the scheduled change, cancel it.`
        : 'That is already your plan.',
    ]);
  }

  // 5. Timing and money.
  const currentMonthlyCents = monthlyRecurringCents(catalog, current);
  const newMonthlyCents = monthlyRecurringCents(catalog, target);
  const timing: ChangePlan['timing'] = newMonthlyCents >= currentMonthlyCents || applyNow ? 'now' : 'end_of_period';
  const period = periodContaining(billingDay, today);
  const effectiveDate = timing === 'now' ? today : period.end;
  if (pending && timing === 'end_of_period' && sameConfiguration(pending.target, target)) {
    return refuse([`That change is already scheduled for ${pending.effectiveDate}.`]);
  }
  const lines = timing === 'now' ? prorationLines(catalog, current, target, period, today) : [];
  const prorationTotalCents = prorationTotal(lines);

  // 6. The preview.
  const addedAddOns = target.addOns.filter((c) => !heldNow.has(c)).map((c) => codeName(catalog, c));
  const removedAddOns = current.addOns.flatMap((c) => {
    const r = removed.get(c);
    return r ? [r] : [];
  });
  const featuresNow = features(catalog, current);
  const featuresThen = features(catalog, target);
  const featuresGained = featuresThen.filter((c) => !featuresNow.includes(c)).map((c) => codeName(catalog, c));
  const featuresLost = featuresNow.filter((c) => !featuresThen.includes(c)).map((c) => codeName(catalog, c));
  const planChanged = targetPlan.code !== currentPlan.code;
  const leavesRetiredPlan = currentPlan.status === 'retired' && planChanged;

  let undo: string;
  if (timing === 'end_of_period') {
    undo = `You can cancel this scheduled change until ${effectiveDate}.`;
  } else if (newMonthlyCents > currentMonthlyCents) {
    undo =
      `To undo, make another change; a change back to a lower price takes effect at the end of ` +
      `the billing period, on ${period.end}.`;
  } else {
    undo = 'To undo, make another change; a change back takes effect immediately and is prorated.';
  }
  if (leavesRetiredPlan) {
    undo += ` ${currentPlan.name} is retired, so you can't switch back to it.`;
  }

  const actions: string[] = [];
  if (planChanged) actions.push(`switch from ${currentPlan.name} to ${targetPlan.name}`);
  if (addedAddOns.length > 0) actions.push(`add ${listWords(addedAddOns.map((a) => a.name))}`);
  if (removedAddOns.length > 0) actions.push(`remove ${listWords(removedAddOns.map((a) => a.name))}`);
  const what = listWords(actions);
  const whatCapitalized = what.charAt(0).toUpperCase() + what.slice(1);
  const monthly = `${formatCents(newMonthlyCents)} a month`;
  let summary: string;
  if (timing === 'now') {
    const bill =
      prorationTotalCents < 0
        ? `a credit of ${formatCents(-prorationTotalCents)} on your next bill`
        : `${formatCents(prorationTotalCents)} on your next bill`;
    summary = `${whatCapitalized} today (${effectiveDate}): ${bill}, then ${monthly}.`;
  } else {
    summary = `${whatCapitalized} on ${effectiveDate}, at the end of your billing period: ${monthly} from then.`;
  }

  return {
    ok: true,
    plan: {
      current,
      target,
      timing,
      effectiveDate,
      period,
      addedAddOns,
      removedAddOns,
      planChanged,
      fromPlan: { code: currentPlan.code, name: currentPlan.name },
      toPlan: { code: targetPlan.code, name: targetPlan.name },
      featuresGained,
      featuresLost,
      prorationLines: lines,
      prorationTotalCents,
      currentMonthlyCents,
      newMonthlyCents,
      monthlyChangeCents: newMonthlyCents - currentMonthlyCents,
      nextBill: {
        recurringCents: newMonthlyCents,
        prorationCents: prorationTotalCents,
        totalCents: newMonthlyCents + prorationTotalCents,
      },
      replacesPending: pending ? { target: normalize(pending.target), effectiveDate: pending.effectiveDate } : null,
      leavesRetiredPlan,
      undo,
      summary,
    },
  };
}

/** The request that would undo a change: back to the configuration it started from. */
export function reverseRequest(plan: ChangePlan): Configuration {
  return normalize(plan.current);
}
