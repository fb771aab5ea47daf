/**
 * Domain types. Pure data: no I/O, no framework, no database.
 * Money is integer cents everywhere. Calendar days are ISO strings "YYYY-MM-DD"
 * in the operator's time zone (UTC); instants are `Date`.
 */

export type Cents = number;
/** A calendar day, "YYYY-MM-DD". */
export type Day = string;

export type PlanStatus = 'active' | 'retired';
export type AddOnKind = 'feature' | 'usage';

export interface Plan {
  code: string;
  name: string;
  monthlyCents: Cents;
  tier: number;
  /** Long-distance minutes included per period; null means unlimited. */
  ldMinutes: number | null;
  /** Add-on codes this plan includes. */
  includes: string[];
  status: PlanStatus;
}

export interface AddOn {
  code: string;
  name: string;
  monthlyCents: Cents;
  kind: AddOnKind;
  /** Plan codes on which it can be held. */
  availableOn: string[];
  /** Add-on codes, each met by an add-on held or included by the plan. */
  requires: string[];
  /** Add-on codes that can't be held together with this one. */
  excludes: string[];
  /** Extra long-distance minutes per period it grants (Long Distance 300: 300). */
  ldMinutes: number;
  /** Grants unlimited long distance (Long Distance Unlimited). */
  ldUnlimited: boolean;
  /** International per-minute rate while held or included (International Saver: 5); null: no effect. */
  intlRateCents: Cents | null;
  /** Retired: kept by its holders, chosen by nobody else. Absent: active. */
  status?: AddOnStatusValue;
  /** The usage signal this feature answers in offers (unanswered calls → Voicemail); absent or null: none. */
  answersSignal?: UsageSignalName | null;
}

export type AddOnStatusValue = 'active' | 'retired';
/** The usage signals offers look for (docs/offers.md). */
export type UsageSignalName = 'unanswered_calls' | 'missed_while_busy';

/** The pay-per-use rates by code (usage_rates.code; a rate change's item code). */
export type RateCode = 'ld_overage' | 'intl';

/** Pay-per-use rates, from the catalog data. */
export interface Rates {
  ldOverageCentsPerMinute: Cents;
  intlCentsPerMinute: Cents;
}

export interface Catalog {
  /** The catalog version this is (catalog_versions.id); absent for catalog data not read from a version. */
  version?: number;
  plans: Plan[];
  addOns: AddOn[];
  rates: Rates;
}

/** A plan plus a set of add-on codes (sorted, unique). */
export interface Configuration {
  planCode: string;
  addOns: string[];
}

/** Average monthly usage over the last complete periods (periods = how many were averaged). */
export interface UsageProfile {
  ldMinutes: number;
  intlMinutes: number;
  unansweredCalls: number;
  missedWhileBusy: number;
  periods: number;
}

/** One period's usage record. */
export interface PeriodUsage {
  periodStart: Day;
  ldMinutes: number;
  intlMinutes: number;
  unansweredCalls: number;
  missedWhileBusy: number;
}

/** A catalog item by code, with its display name (the code itself when the catalog lacks it). */
export interface CodeName {
  code: string;
  name: string;
}

export interface BillingPeriod {
  start: Day;
  /** Exclusive: the next period's start. */
  end: Day;
  days: number;
}
