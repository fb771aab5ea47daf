import type { Formats } from '../text';
import type { CatalogProblem } from '../catalog';
import type { BillingPeriod, Catalog, Cents, CodeName, Configuration, Day } from '../types';
import type { ProrationLine } from './prorate';
import type { Removal } from './reconcile';

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
  /** How the words write money and days (lib/server/format.ts passes the operator's); plain figures when absent. */
  formats?: Formats;
  /**
   * The catalog as this subscriber pays for it on a later day (issue 20: the version of the day
   * at their price protections). The next period, and a change scheduled for the period end,
   * are priced with the catalog of the period's end, so a protection that ends by then no longer
   * applies, as on the dashboard's estimate and the bill the rollover issues. Absent: `catalog`.
   */
  catalogOn?: (day: Day) => Catalog;
}

/** Why a change can't be made. */
export type ChangeRefusal =
  | CatalogProblem
  /** A retired plan the subscriber doesn't hold. */
  | { type: 'plan_not_selectable'; plan: CodeName }
  /** The request is what the subscriber already has. */
  | { type: 'no_change'; pending: PendingChange | null }
  /** The request is the change already scheduled for the period end. */
  | { type: 'already_scheduled'; effectiveDate: Day };

/** A change that can be made, as facts: what planChange words into the preview. */
export interface PlannedChange {
  current: Configuration;
  /** Normalized and reconciled: what the subscription will have. */
  target: Configuration;
  timing: 'now' | 'end_of_period';
  effectiveDate: Day;
  /** The period containing `today`. */
  period: BillingPeriod;
  addedAddOns: CodeName[];
  /** Held add-ons that go, in the order held, each with why. */
  removals: Removal[];
  planChanged: boolean;
  fromPlan: CodeName;
  toPlan: CodeName;
  featuresGained: CodeName[];
  featuresLost: CodeName[];
  /** Empty when the change is scheduled for the end of the period. */
  prorationLines: ProrationLine[];
  prorationTotalCents: Cents;
  /**
   * The monthly price before and after, on the day the change takes effect (today, or the
   * period end for a scheduled change: at the prices of that day).
   */
  currentMonthlyCents: Cents;
  newMonthlyCents: Cents;
  monthlyChangeCents: Cents;
  nextBill: {
    /** Next period's recurring charges: the new configuration (now, or scheduled for period end), at the prices of the period's end. */
    recurringCents: Cents;
    prorationCents: Cents;
    totalCents: Cents;
  };
  /** The scheduled change this one replaces, if any. */
  replacesPending: PendingChange | null;
  /** The current plan is retired and the target plan differs: there is no way back. */
  leavesRetiredPlan: boolean;
}

export type ChangeDecision = { ok: true; change: PlannedChange } | { ok: false; refusals: ChangeRefusal[] };

export type RemovalReason = Removal['reason'];

export interface RemovedAddOn extends CodeName {
  reason: RemovalReason;
  explanation: string;
  /** The same, of the account, for staff acting on it. */
  staffExplanation: string;
}

/** The preview of a change: its facts in words. */
export interface ChangePlan extends Omit<PlannedChange, 'removals'> {
  removedAddOns: RemovedAddOn[];
  /** Plain words: how to undo it. */
  undo: string;
  /** One plain sentence, to the subscriber (their emails say it too). */
  summary: string;
  /** The same two, of the account, for staff acting on it ("…on their next bill"). */
  staffSummary: string;
  staffUndo: string;
}

export type ChangeResult = { ok: true; plan: ChangePlan } | { ok: false; reasons: string[] };
