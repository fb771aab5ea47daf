import { normalize } from '../catalog';
import { refusalText, removalText, summaryText, undoText } from './copy';
import { decideChange } from './plan';
import type { Configuration } from '../types';
import type { ChangeInput, ChangePlan, ChangeResult } from './types';

/**
 * Plan a change and word it: the preview shown before the subscriber confirms, computed
 * again by the confirm. Refused with plain-sentence reasons when it can't be made.
 */
export function planChange(input: ChangeInput): ChangeResult {
  const decision = decideChange(input);
  if (!decision.ok)
    return { ok: false, reasons: [...new Set(decision.refusals.map((r) => refusalText(r, input.formats)))] };
  const { removals, ...facts } = decision.change;
  const plan: ChangePlan = {
    ...facts,
    removedAddOns: removals.map((r) => ({
      code: r.addOn.code,
      name: r.addOn.name,
      reason: r.reason,
      explanation: removalText(r),
      staffExplanation: removalText(r, 'staff'),
    })),
    undo: undoText(decision.change, input.formats),
    summary: summaryText(decision.change, input.formats),
    staffSummary: summaryText(decision.change, input.formats, 'staff'),
    staffUndo: undoText(decision.change, input.formats, 'staff'),
  };
  return { ok: true, plan };
}

/** The request that would undo a change: back to the configuration it started from. */
export function reverseRequest(plan: ChangePlan): Configuration {
  return normalize(plan.current);
}
