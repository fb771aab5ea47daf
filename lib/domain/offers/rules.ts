/** Offer thresholds and the usage signals (docs/offers.md). The words for them are in offers/copy.ts. */
import { addDays } from '../periods';
import type { Catalog, Day, UsageSignalName } from '../types';

/** How many complete periods the usage profile averages (the last ones). */
export const USAGE_PROFILE_PERIODS = 3;
/** Best value is always offered when it saves at least this much a month (spec: 1.00). */
export const BEST_VALUE_MIN_SAVING_CENTS = 100;
/** Smallest monthly saving that counts as evidence for any offer (our choice: 1.00). */
export const MIN_MONTHLY_SAVING_CENTS = 100;
/** Unanswered calls a month (average) from which voicemail is suggested (spec: ≥ 5). */
export const UNANSWERED_CALLS_FOR_VOICEMAIL = 5;
/** Calls missed while busy a month (average) from which call waiting is suggested (spec: ≥ 3). */
export const MISSED_WHILE_BUSY_FOR_CALL_WAITING = 3;
/** At most this many offers at once. */
export const MAX_OFFERS = 3;
/** "Not for me" hides an offer for 90 days, "Remind me later" for 30 (docs/offers.md). */
export const SUPPRESSION_DAYS = { dismissed: 90, snoozed: 30 } as const;

/** The first day an offer may show again after a response on `today`. */
export function suppressedUntil(response: keyof typeof SUPPRESSION_DAYS, today: Day): Day {
  return addDays(today, SUPPRESSION_DAYS[response]);
}

export type UsageSignal = UsageSignalName;

export interface SignalRule {
  signal: UsageSignal;
  /** Average per month from which the signal counts. */
  threshold: number;
  measure: 'unansweredCalls' | 'missedWhileBusy';
}

/**
 * The usage signals. Which feature answers each is catalog data (add_ons.answers_signal), so an
 * add-on an admin creates can answer one too: see `signalFeature`.
 */
export const SIGNAL_RULES: readonly SignalRule[] = [
  { signal: 'unanswered_calls', threshold: UNANSWERED_CALLS_FOR_VOICEMAIL, measure: 'unansweredCalls' },
  { signal: 'missed_while_busy', threshold: MISSED_WHILE_BUSY_FOR_CALL_WAITING, measure: 'missedWhileBusy' },
];

/**
 * The feature add-on that answers a signal: the first feature in catalog order marked for it,
 * an active one before a retired one (a retired feature still answers through the plans that
 * include it); none: undefined.
 */
export function signalFeature(catalog: Catalog, signal: UsageSignal): string | undefined {
  const marked = catalog.addOns.filter((a) => a.kind === 'feature' && a.answersSignal === signal);
  return (marked.find((a) => a.status !== 'retired') ?? marked[0])?.code;
}
