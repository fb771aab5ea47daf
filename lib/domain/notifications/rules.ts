/**
 * Rules of notifications (SPEC §9): which events are service messages, when a failed delivery
 * is tried again, when a scheduled change is reminded, when a webhook listener is given up on.
 * Pure: the time is always passed in.
 */
import type { Day } from '../types';
import { addDays } from '../periods';

/** Event types written to the outbox. */
export const EVENT_TYPES = [
  'change_applied',
  'change_scheduled',
  'scheduled_change_cancelled',
  'scheduled_change_applied',
  'scheduled_change_reminder',
  'bill_issued',
  'offer_suggested',
  /** Issue 20: a price change of something the subscriber holds, with the old and new price (one per holder). */
  'price_change_notice',
  // Issue 21: an activation or password-reset link (email only, to the address on file).
  'account_link',
] as const;

/**
 * The TM Forum events (SPEC §8), for the listeners registered through the hubs of TMF622, 635,
 * 637 and 678: webhooks only, never an email (the portal's own types above tell the subscriber).
 */
export const TMF_EVENT_TYPES = {
  tmf622: ['ProductOrderCreateEvent', 'ProductOrderStateChangeEvent'],
  tmf635: ['UsageCreateEvent'],
  tmf637: ['ProductCreateEvent', 'ProductStateChangeEvent'],
  tmf678: ['CustomerBillCreateEvent', 'CustomerBillStateChangeEvent'],
} as const;
export type TmfHubApi = keyof typeof TMF_EVENT_TYPES;
export type TmfEventType = (typeof TMF_EVENT_TYPES)[TmfHubApi][number];
const TMF_TYPES: readonly string[] = Object.values(TMF_EVENT_TYPES).flat();

export type EventType = (typeof EVENT_TYPES)[number] | TmfEventType;

export function isTmfEvent(type: string): type is TmfEventType {
  return TMF_TYPES.includes(type);
}

/**
 * The event types a hub registration asks for: the API's types, narrowed by a query naming
 * them ("eventType=ProductOrderStateChangeEvent", a comma for several). A query naming a type
 * the API doesn't send is an error (returned as the message), not a silent listener to nothing.
 */
export function hubEventTypes(api: TmfHubApi, query: string | null | undefined): TmfEventType[] | string {
  const all: readonly TmfEventType[] = TMF_EVENT_TYPES[api];
  const q = (query ?? '').trim();
  if (!q) return [...all];
  const wanted: string[] = [];
  for (const part of q.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const [k, v = ''] = part.split('=');
    if (k !== 'eventType') return `A hub query may only name eventType (got "${k}").`;
    wanted.push(
      ...v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );
  }
  const unknown = wanted.filter((w) => !all.includes(w as TmfEventType));
  if (unknown.length) return `This API sends ${all.join(', ')}; not ${unknown.join(', ')}.`;
  return wanted.length ? [...new Set(wanted as TmfEventType[])] : [...all];
}

/** Service messages always go; offer emails only with the subscriber's consent. */
export function isServiceMessage(type: EventType): boolean {
  return type !== 'offer_suggested' && !isTmfEvent(type);
}

/** Events that only ever go by email, never to webhook listeners (a one-time sign-in link is the person's alone). */
export function isEmailOnly(type: EventType): boolean {
  return type === 'account_link';
}

/** Delay before attempt `attempt + 1`, after `attempt` failed ones (≥ 1): base × 2^(attempt − 1), capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^30 already exceeds any cap this is used with; keeps the arithmetic finite.
  return Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 30));
}

/** What to do with a delivery that just failed. */
export type FailureOutcome = { kind: 'retry'; delayMs: number } | { kind: 'dead'; reason: string };

export function emailFailure(attempts: number, maxAttempts: number, baseMs: number, maxMs: number): FailureOutcome {
  if (attempts >= maxAttempts) return { kind: 'dead', reason: `gave up after ${attempts} attempts` };
  return { kind: 'retry', delayMs: backoffMs(attempts, baseMs, maxMs) };
}

/**
 * A webhook is retried with the same backoff until its listener has been failing for
 * `disableAfterMs` (a day by default): then the listener is disabled and what it had not
 * received is held as dead.
 */
export function webhookFailure(
  failingForMs: number,
  attempts: number,
  disableAfterMs: number,
  baseMs: number,
  maxMs: number,
): FailureOutcome {
  if (failingForMs >= disableAfterMs) return { kind: 'dead', reason: 'listener disabled after failing for a day' };
  return { kind: 'retry', delayMs: backoffMs(attempts, baseMs, maxMs) };
}

/** Days before the effective date on which the scheduled-change reminder goes. */
export const REMINDER_DAYS = 3;

/**
 * The reminder is due from 3 days before the effective date until the change takes effect,
 * for a change scheduled before that window opened (one confirmed inside it was just told).
 */
export function reminderDue(effectiveDate: Day, scheduledOn: Day, today: Day): boolean {
  const opens = addDays(effectiveDate, -REMINDER_DAYS);
  return today >= opens && today < effectiveDate && scheduledOn < opens;
}
