/**
 * Period rollover (docs/changes.md): at each period boundary that has been reached, apply the
 * scheduled change due by then and list the new period's recurring charges (billed in
 * advance, full monthly price).
 *
 * A pure function of its inputs. It catches up on every boundary up to `today` (a job that
 * did not run for months), and it is idempotent: feeding its result back in (finalConfig,
 * finalPeriod, pendingRemaining) yields no steps. Uniqueness of the bookings themselves
 * (one recurring booking per subscription per period start) is the database's job.
 */
import { normalize } from '../catalog';
import { assertBillingDay, assertDay, daysBetween, nextPeriod } from '../periods';
import type { BillingPeriod, Catalog, Configuration, Day } from '../types';
import type { PendingChange } from '../changes';
import { recurringLines, type RecurringLine } from './recurring';

export interface RolloverInput {
  catalog: Catalog;
  /** The catalog of a day (its version, the holder's price protections); absent: `catalog` on every day. */
  catalogOn?: (day: Day) => Catalog;
  billingDay: number;
  config: Configuration;
  /** The subscription's stored current period. */
  period: BillingPeriod;
  pending: PendingChange | null;
  today: Day;
}

export interface RolloverStep {
  /** The period that begins at the boundary. */
  period: BillingPeriod;
  /** The configuration in force for that period. */
  config: Configuration;
  /** Whether the pending change was applied at this boundary. */
  appliedPending: boolean;
  /** The period's recurring charges: plan + each held add-on at full monthly price. */
  recurringLines: RecurringLine[];
}

export interface RolloverPlan {
  steps: RolloverStep[];
  finalConfig: Configuration;
  finalPeriod: BillingPeriod;
  pendingRemaining: PendingChange | null;
}

/** Every rollover due by `today`; no steps when the stored period has not ended yet. */
export function planRollover(input: RolloverInput): RolloverPlan {
  const { catalog, billingDay, today } = input;
  assertBillingDay(billingDay);
  assertDay(today, 'today');
  assertDay(input.period.start, 'period start');
  assertDay(input.period.end, 'period end');
  if (daysBetween(input.period.start, input.period.end) <= 0) {
    throw new RangeError(`Invalid period ${input.period.start} to ${input.period.end}.`);
  }

  let config = normalize(input.config);
  let period: BillingPeriod = { ...input.period };
  let pending: PendingChange | null = input.pending
    ? { target: normalize(input.pending.target), effectiveDate: input.pending.effectiveDate }
    : null;
  if (pending) assertDay(pending.effectiveDate, 'pending effective date');

  const steps: RolloverStep[] = [];
  while (period.end <= today) {
    const boundary = period.end;
    let appliedPending = false;
    if (pending && pending.effectiveDate <= boundary) {
      config = pending.target;
      pending = null;
      appliedPending = true;
    }
    period = nextPeriod(billingDay, period);
    const ofDay = input.catalogOn?.(period.start) ?? catalog;
    steps.push({ period, config, appliedPending, recurringLines: recurringLines(ofDay, config, period) });
  }
  return { steps, finalConfig: config, finalPeriod: period, pendingRemaining: pending };
}
