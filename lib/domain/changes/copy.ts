/**
 * The words of a change: refusals, why each add-on goes, the one-sentence summary, how to
 * undo it, and the short description a history entry shows. Rendered from the facts that
 * changes/plan.ts decides; a copy edit here never touches a rule.
 */
import { addOnName, configKey, planName, problemText, type Voice } from '../catalog';
import { andList, capitalize, type Formats, PLAIN_FORMATS } from '../text';
import type { Catalog, Configuration } from '../types';
import type { Drift } from './intent';
import type { Removal } from './reconcile';
import type { ChangeRefusal, PlannedChange } from './types';

export function refusalText(r: ChangeRefusal, f: Formats = PLAIN_FORMATS): string {
  switch (r.type) {
    case 'plan_not_selectable':
      return `${r.plan.name} is no longer offered; only subscribers who already have it can keep it.`;
    case 'no_change':
      return r.pending
        ? `That is already your plan. You have a change scheduled for ${f.day(r.pending.effectiveDate)}; to drop the scheduled change, cancel it.`
        : 'That is already your plan.';
    case 'already_scheduled':
      return `That change is already scheduled for ${f.day(r.effectiveDate)}.`;
    default:
      return problemText(r);
  }
}

/** Why an add-on goes, in a sentence: to the subscriber or, for staff, of the account. */
export function removalText(r: Removal, voice: Voice = 'subscriber'): string {
  const staff = voice === 'staff';
  switch (r.reason) {
    case 'redundant':
      return `${r.plan.name} already includes ${r.addOn.name}, so ${staff ? 'they' : 'you'} no longer pay for it separately.`;
    case 'not_offered': {
      const because =
        r.replacedBy.length > 0 ? ` ${r.plan.name} includes ${andList(r.replacedBy.map((a) => a.name))} instead.` : '';
      return `${r.addOn.name} is not available on ${r.plan.name}.${because}`;
    }
    case 'requested':
      return staff ? `Removing ${r.addOn.name} was asked for.` : `You asked to remove ${r.addOn.name}.`;
    case 'requirement_lost':
      return `${r.addOn.name} needs ${andList(r.missing.map((a) => a.name))}, which ${staff ? 'they' : 'you'} will no longer have.`;
  }
}

/** How to undo the change, said to the subscriber or, for staff, of the account. */
export function undoText(c: PlannedChange, f: Formats = PLAIN_FORMATS, voice: Voice = 'subscriber'): string {
  const staff = voice === 'staff';
  let undo: string;
  if (c.timing === 'end_of_period') {
    undo = staff
      ? `The scheduled change can be cancelled until ${f.day(c.effectiveDate)}.`
      : `You can cancel this scheduled change until ${f.day(c.effectiveDate)}.`;
  } else if (c.newMonthlyCents > c.currentMonthlyCents) {
    undo =
      `To undo, make another change; a change back to a lower price takes effect at the end of ` +
      `the billing period, on ${f.day(c.period.end)}.`;
  } else {
    undo = 'To undo, make another change; a change back takes effect immediately and is prorated.';
  }
  if (c.leavesRetiredPlan)
    undo += ` ${c.fromPlan.name} is retired, so ${staff ? 'the account' : 'you'} can't switch back to it.`;
  return undo;
}

/** "Switch from Basic to Plus and add Voicemail today (2026-11-16): 7.50 on your next bill, then 30.00 a month." */
export function summaryText(c: PlannedChange, f: Formats = PLAIN_FORMATS, voice: Voice = 'subscriber'): string {
  const their = voice === 'staff' ? 'their' : 'your';
  const actions: string[] = [];
  if (c.planChanged) actions.push(`switch from ${c.fromPlan.name} to ${c.toPlan.name}`);
  if (c.addedAddOns.length > 0) actions.push(`add ${andList(c.addedAddOns.map((a) => a.name))}`);
  if (c.removals.length > 0) actions.push(`remove ${andList(c.removals.map((r) => r.addOn.name))}`);
  const what = capitalize(andList(actions));
  const monthly = `${f.money(c.newMonthlyCents)} a month`;
  if (c.timing === 'now') {
    // "then": from the next period, at its prices (a price protection may end by then).
    const then = `${f.money(c.nextBill.recurringCents)} a month`;
    const bill =
      c.prorationTotalCents < 0
        ? `a credit of ${f.money(-c.prorationTotalCents)} on ${their} next bill`
        : `${f.money(c.prorationTotalCents)} on ${their} next bill`;
    return `${what} today (${f.day(c.effectiveDate)}): ${bill}, then ${then}.`;
  }
  return `${what} on ${f.day(c.effectiveDate)}, at the end of ${their} billing period: ${monthly} from then.`;
}

/**
 * A change from one configuration to another in a few words, for a history entry:
 * "Basic → Plus; added Voicemail; removed Caller ID, Call Waiting" (the target's key when
 * nothing differs).
 */
export function changeDescription(catalog: Catalog, from: Configuration, to: Configuration): string {
  const parts: string[] = [];
  if (from.planCode !== to.planCode)
    parts.push(`${planName(catalog, from.planCode).name} → ${planName(catalog, to.planCode).name}`);
  const added = to.addOns.filter((c) => !from.addOns.includes(c));
  const removed = from.addOns.filter((c) => !to.addOns.includes(c));
  if (added.length) parts.push(`added ${added.map((c) => addOnName(catalog, c).name).join(', ')}`);
  if (removed.length) parts.push(`removed ${removed.map((c) => addOnName(catalog, c).name).join(', ')}`);
  return parts.join('; ') || configKey(to);
}

/**
 * What changed in the account between a preview and its confirm, and what the same request
 * does with it now: "Since this preview (at 10:02): Caller ID was added; it stays."
 * `replanned` is the configuration the request gives on the account as it is now (null when
 * it can no longer be made).
 */
export function driftText(drift: Drift, replanned: Configuration | null, at: string | null): string {
  const facts: string[] = [];
  if (drift.plan) facts.push(`the plan changed from ${drift.plan.from.name} to ${drift.plan.to.name}`);
  for (const a of drift.added) {
    const fate =
      replanned === null ? '' : replanned.addOns.includes(a.code) ? '; it stays' : '; this change removes it';
    facts.push(`${a.name} was added${fate}`);
  }
  if (drift.removed.length > 0) facts.push(`${andList(drift.removed.map((a) => a.name))} was removed`);
  if (facts.length === 0) return '';
  return `Since this preview${at ? ` (at ${at})` : ''}: ${facts.join('; ')}.`;
}
