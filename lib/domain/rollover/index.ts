/** Period rollover: scheduled changes applied at the boundary, the new period's recurring charges. */
export { planRollover, type RolloverInput, type RolloverPlan, type RolloverStep } from './plan';
export { recurringLines, type RecurringLine } from './recurring';
