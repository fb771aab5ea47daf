/** Plan and add-on changes: the decision, add-on reconciliation, proration, and their words. */
export { decideChange } from './plan';
export { planChange, reverseRequest } from './preview';
export { reconcile, type Reconciliation, type ReconcileRequest, type Removal } from './reconcile';
export { proratedCents, prorationLines, prorationTotal, type ProrationLine } from './prorate';
export { changeDescription, driftText, refusalText, removalText, summaryText, undoText } from './copy';
export {
  applyIntent,
  contradictions,
  driftBetween,
  hasDrift,
  intentBetween,
  isEmptyIntent,
  type ChangeIntent,
  type Drift,
} from './intent';
export type {
  ChangeDecision,
  ChangeInput,
  ChangePlan,
  ChangeRefusal,
  ChangeResult,
  PendingChange,
  PlannedChange,
  RemovalReason,
  RemovedAddOn,
} from './types';
