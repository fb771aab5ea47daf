/**
 * Which deliveries an outbox event gets (SPEC §9): the one rule for the single and the batch
 * path of lib/server/outbox.ts, so the two can't diverge. Pure: the caller reads the subscriber
 * and the enabled listeners, this decides.
 *
 * - A TM Forum event (TMF622/635/637/678 hubs) goes to webhooks only, never an email; with no
 *   listener that wants it, nothing is written at all.
 * - An email-only event (an account link, issue 21) never goes to a webhook.
 * - `emailTo` names the email's recipient (a staff member's reset) or none (null); otherwise the
 *   subscriber's address on file gets service messages always and offers with consent.
 * - Every enabled listener whose types include the event's (or that takes every type) gets one
 *   webhook, in the stream of (listener, subscriber).
 */
import { isEmailOnly, isServiceMessage, isTmfEvent, type EventType } from './rules';

export interface FanOutEvent {
  type: EventType;
  subscriberId: number | null;
  payload: Record<string, unknown>;
  /** undefined: the subscriber's address; null: no email; a string: that address. */
  emailTo?: string | null;
}

/** The subscriber of the event, as read for its email. */
export interface FanOutRecipient {
  name: string;
  email: string | null;
  offerEmails: boolean | null;
}

/** An enabled webhook listener. `types` null: every type. */
export interface FanOutListener {
  id: number;
  url: string;
  types: readonly string[] | null;
}

export interface PlannedDelivery {
  channel: 'email' | 'webhook';
  stream: string;
  recipient: string;
  listenerId?: number;
}

export interface FanOut {
  /** The payload stored with the event (the subscriber's name added for the templates). */
  payload: Record<string, unknown>;
  deliveries: PlannedDelivery[];
}

/** Whether the event's subscriber must be read for its fan-out (TM Forum events never email). */
export function needsRecipient(event: Pick<FanOutEvent, 'type' | 'subscriberId'>): boolean {
  return event.subscriberId !== null && !isTmfEvent(event.type);
}

/** Whether the enabled listeners must be read for this event. */
export function needsListeners(event: Pick<FanOutEvent, 'type'>): boolean {
  return !isEmailOnly(event.type);
}

export function listenerWants(l: Pick<FanOutListener, 'types'>, type: string): boolean {
  return !l.types || l.types.includes(type);
}

/** The event's stored payload and deliveries, or null when nothing is to be written. */
export function planFanOut(
  event: FanOutEvent,
  who: FanOutRecipient | undefined,
  listeners: readonly FanOutListener[],
): FanOut | null {
  const tmf = isTmfEvent(event.type);
  const person = needsRecipient(event) ? who : undefined;
  const hooks = needsListeners(event) ? listeners.filter((l) => listenerWants(l, event.type)) : [];
  if (tmf && hooks.length === 0) return null;
  const deliveries: PlannedDelivery[] = [];
  if (!tmf) {
    if (event.emailTo !== undefined) {
      if (event.emailTo)
        deliveries.push({ channel: 'email', stream: `email:to:${event.emailTo}`, recipient: event.emailTo });
    } else if (person?.email && (isServiceMessage(event.type) || person.offerEmails === true)) {
      // A subscriber with no email address on file (opened through the customer API) gets none.
      deliveries.push({ channel: 'email', stream: `email:${event.subscriberId}`, recipient: person.email });
    }
  }
  for (const l of hooks)
    deliveries.push({
      channel: 'webhook',
      stream: `webhook:${l.id}:${event.subscriberId ?? 'all'}`,
      recipient: l.url,
      listenerId: l.id,
    });
  return {
    payload: person ? { subscriberName: person.name, ...event.payload } : event.payload,
    deliveries,
  };
}
