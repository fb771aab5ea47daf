import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Db, Queryable } from '@/db/client';
import type { ChangePlan } from '@/lib/domain/changes';
import {
  emailFailure,
  listenerWants,
  needsListeners,
  needsRecipient,
  planFanOut,
  webhookFailure,
  type EventType,
  type FailureOutcome,
  type FanOut,
  type FanOutListener,
} from '@/lib/domain/notifications';
import { findAddOn, findPlan } from '@/lib/domain/catalog';
import type { Catalog, Configuration } from '@/lib/domain/types';
import { jobsConfig } from '@/lib/config';
import { CallbackRefusedError } from './callbacks';
import { log } from './log';

/**
 * The transactional outbox (SPEC §9). A use case writes its event with `recordEvent(tx, …)` in
 * its own transaction, so the event exists exactly when the change does. The event fans out
 * to its deliveries in that same transaction: an email to the subscriber (service messages
 * always; offers with consent) and one webhook per listener that wants the type.
 *
 * Delivery (`deliverOutbox`) is at least once, in order per stream (a subscriber's email; a
 * subscriber's events to one listener), with exponential backoff; an email that keeps failing
 * and a webhook whose listener is given up on are held as `dead` for an admin to retry.
 */

export interface NewEvent {
  type: EventType;
  subscriberId: number | null;
  payload: Record<string, unknown>;
  /** A natural key for events that must be written once (a reminder per scheduled change); default a new UUID. */
  eventKey?: string;
  /**
   * The email's recipient when it is not the subscriber's address on file (a staff member's
   * password reset), or null for none; undefined: the subscriber's, as usual.
   */
  emailTo?: string | null;
}

/** Writes the event and its deliveries; returns the event id, or null when nothing was written (the key was already written, or a TM Forum event nobody listens to). */
export async function recordEvent(tx: Queryable, event: NewEvent | null): Promise<number | null> {
  if (!event) return null;
  return (await recordEvents(tx, [event]))[0] ?? null;
}

/**
 * Writes many events and their deliveries in at most four statements (the batch rollover,
 * issue 23), and one event the same way (recordEvent is a batch of one): the subscribers, the
 * enabled listeners, the events, their deliveries. Which deliveries an event gets is decided in
 * one place, planFanOut (lib/domain/notifications). Returns the ids, in order (null where
 * nothing was written: the key was already written, earlier in the same batch too, or a TM
 * Forum event no listener wants).
 */
export async function recordEvents(tx: Queryable, events: (NewEvent | null)[]): Promise<(number | null)[]> {
  const present = events.filter((e): e is NewEvent => e !== null);
  if (present.length === 0) return events.map(() => null);
  const subscriberIds = [
    ...new Set(
      present
        .filter(needsRecipient)
        .map((e) => e.subscriberId)
        .filter((x): x is number => x !== null),
    ),
  ];
  const people =
    subscriberIds.length === 0
      ? []
      : await tx
          .select({
            id: s.subscribers.id,
            name: s.subscribers.name,
            email: s.subscribers.email,
            offerEmails: s.notificationPreferences.offerEmails,
          })
          .from(s.subscribers)
          .leftJoin(s.notificationPreferences, eq(s.notificationPreferences.subscriberId, s.subscribers.id))
          .where(
            subscriberIds.length === 1
              ? eq(s.subscribers.id, subscriberIds[0]!)
              : inArray(s.subscribers.id, subscriberIds),
          );
  const whoOf = new Map(people.map((p) => [p.id, p]));
  const listeners: FanOutListener[] = present.some(needsListeners)
    ? await tx
        .select({
          id: s.webhookListeners.id,
          url: s.webhookListeners.callbackUrl,
          types: s.webhookListeners.eventTypes,
        })
        .from(s.webhookListeners)
        .where(eq(s.webhookListeners.enabled, true))
    : [];
  const planned = new Map<NewEvent, { key: string; plan: FanOut }>();
  for (const event of present) {
    const who = event.subscriberId === null ? undefined : whoOf.get(event.subscriberId);
    const plan = planFanOut(event, who, listeners);
    if (plan) planned.set(event, { key: event.eventKey ?? randomUUID(), plan });
  }
  if (planned.size === 0) return events.map(() => null);
  const inserted = await tx
    .insert(s.outboxEvents)
    .values(
      [...planned].map(([event, { key, plan }]) => ({
        eventKey: key,
        type: event.type,
        subscriberId: event.subscriberId,
        payload: plan.payload,
      })),
    )
    .onConflictDoNothing({ target: s.outboxEvents.eventKey })
    .returning({ id: s.outboxEvents.id, eventKey: s.outboxEvents.eventKey });
  const idOf = new Map(inserted.map((r) => [r.eventKey, r.id]));
  const rows: (typeof s.deliveries.$inferInsert)[] = [];
  const ids = new Map<NewEvent, number>();
  const taken = new Set<number>();
  for (const [event, { key, plan }] of planned) {
    const eventId = idOf.get(key);
    // A key given twice in one batch is written once: the first event has it.
    if (eventId === undefined || taken.has(eventId)) continue;
    taken.add(eventId);
    ids.set(event, eventId);
    for (const d of plan.deliveries) rows.push({ eventId, ...d });
  }
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(s.deliveries).values(rows.slice(i, i + 1000));
  return events.map((e) => (e === null ? null : (ids.get(e) ?? null)));
}

/**
 * Whether an enabled listener wants this TM Forum event type: callers skip building a TMF
 * document nobody will receive (the rollover issues many bills).
 */
export async function wantsTmfEvent(tx: Queryable, type: string): Promise<boolean> {
  const rows = await tx
    .select({ types: s.webhookListeners.eventTypes })
    .from(s.webhookListeners)
    .where(eq(s.webhookListeners.enabled, true));
  return rows.some((l) => listenerWants(l, type));
}

/** The event of a confirmed change, with the amounts its preview showed. */
export function changeEvent(subscriberId: number, orderId: number, plan: ChangePlan): NewEvent {
  return {
    type: plan.timing === 'now' ? 'change_applied' : 'change_scheduled',
    subscriberId,
    payload: {
      orderId,
      timing: plan.timing,
      effectiveDate: plan.effectiveDate,
      summary: plan.summary,
      fromPlan: plan.fromPlan.name,
      toPlan: plan.toPlan.name,
      planChanged: plan.planChanged,
      added: plan.addedAddOns.map((a) => a.name),
      removed: plan.removedAddOns.map((a) => a.name),
      prorationLines: plan.prorationLines.map((l) => ({ description: l.description, amountCents: l.amountCents })),
      prorationTotalCents: plan.prorationTotalCents,
      currentMonthlyCents: plan.currentMonthlyCents,
      newMonthlyCents: plan.newMonthlyCents,
      monthlyChangeCents: plan.monthlyChangeCents,
      nextBillTotalCents: plan.nextBill.totalCents,
      undo: plan.undo,
    },
  };
}

/** The event of a cancelled scheduled change. */
export function cancelledEvent(
  subscriberId: number,
  row: { id: number; orderId: number | null; effectiveDate: string; targetConfig: Configuration },
): NewEvent {
  return {
    type: 'scheduled_change_cancelled',
    subscriberId,
    payload: {
      scheduledChangeId: row.id,
      orderId: row.orderId,
      effectiveDate: row.effectiveDate,
      target: row.targetConfig,
    },
  };
}

/** The event of a bill the rollover issued (null when the bill already existed: nothing to tell). */
export function billIssuedEvent(
  subscriberId: number,
  issued: {
    id: number;
    number: number;
    bill: { billDate: string; dueDate: string; totalCents: number; creditForwardCents: number };
  } | null,
): NewEvent | null {
  if (!issued) return null;
  return {
    type: 'bill_issued',
    subscriberId,
    eventKey: `bill_issued:${issued.id}`,
    payload: {
      billId: issued.id,
      billNumber: issued.number,
      billDate: issued.bill.billDate,
      dueDate: issued.bill.dueDate,
      totalCents: issued.bill.totalCents,
      creditForwardCents: issued.bill.creditForwardCents,
    },
  };
}

/** "Plus with Voicemail, Caller ID", in the catalog's names. */
export function describeConfig(catalog: Catalog, config: Configuration): string {
  const plan = findPlan(catalog, config.planCode)?.name ?? config.planCode;
  const addOns = config.addOns.map((c) => findAddOn(catalog, c)?.name ?? c);
  return addOns.length ? `${plan} with ${addOns.join(', ')}` : plan;
}

/** The event of a scheduled change the rollover applied at its period boundary. */
export function appliedEvent(
  catalog: Catalog,
  subscriberId: number,
  row: { id: number; orderId: number | null; effectiveDate: string; targetConfig: Configuration },
): NewEvent {
  return {
    type: 'scheduled_change_applied',
    subscriberId,
    payload: {
      scheduledChangeId: row.id,
      orderId: row.orderId,
      effectiveDate: row.effectiveDate,
      target: row.targetConfig,
      targetDescription: describeConfig(catalog, row.targetConfig),
    },
  };
}

// ---------------------------------------------------------------- delivery

/** What a delivery hands to its transport. */
export interface OutgoingDelivery {
  deliveryId: number;
  attempt: number;
  channel: 'email' | 'webhook';
  recipient: string;
  listenerId: number | null;
  event: {
    id: number;
    key: string;
    type: EventType;
    subscriberId: number | null;
    payload: Record<string, unknown>;
    createdAt: Date;
  };
}

/** Sends one delivery; throws to fail it (the message is kept as the delivery's last error). */
export interface Transports {
  email(d: OutgoingDelivery): Promise<void>;
  webhook(d: OutgoingDelivery): Promise<void>;
}

export interface DeliverOptions {
  /** Runs the whole pass under a lock that no other deliverer holds (one pass at a time across instances). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Streams delivered side by side; one stream is always sequential. */
  concurrency?: number;
  batch?: number;
  /** Stop after this many rounds (tests step through retries). */
  maxRounds?: number;
}

export interface DeliverResult {
  delivered: number;
  failed: number;
  dead: number;
  /** When the earliest pending retry is due (null: nothing pending). */
  nextDueAt: Date | null;
  /** How long until then by the database's clock (≤ 0: due now). */
  nextDueInMs: number | null;
}

type OpenRow = {
  id: number;
  event_id: number;
  channel: 'email' | 'webhook';
  recipient: string;
  listener_id: number | null;
  attempts: number;
  event_key: string;
  type: EventType;
  subscriber_id: number | null;
  payload: Record<string, unknown>;
  created_at: string | Date;
};

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/**
 * One delivery pass: while there is a due delivery at the head of a stream, claim the heads
 * (attempts + 1, status sending), send them, record the outcome. Under `exclusive`, any row
 * still `sending` was left by a pass that died (a crash): it goes back to pending and is sent
 * again, with the same event id, so a receiver can drop the repeat.
 */
export async function deliverOutbox(db: Db, transports: Transports, opts: DeliverOptions): Promise<DeliverResult> {
  return opts.exclusive(async () => {
    const cfg = jobsConfig();
    const concurrency = opts.concurrency ?? 8;
    const batch = opts.batch ?? 100;
    const result: DeliverResult = { delivered: 0, failed: 0, dead: 0, nextDueAt: null, nextDueInMs: null };
    const orphans = await db
      .update(s.deliveries)
      .set({ status: 'pending', updatedAt: sql`now()` })
      .where(eq(s.deliveries.status, 'sending'))
      .returning({ id: s.deliveries.id });
    if (orphans.length > 0)
      log.warn(
        `[outbox] ${orphans.length} delivery(ies) were being sent when a previous run stopped; sending them again`,
      );
    for (let round = 0; opts.maxRounds === undefined || round < opts.maxRounds; round++) {
      // The head of each stream (its oldest unfinished delivery), when it is due.
      const claimed = rowsOf<OpenRow>(
        await db.execute(sql`
          with heads as (
            select distinct on (stream) id, status, next_attempt_at
            from deliveries where status in ('pending', 'sending')
            order by stream, id
          ), due as (
            select id from heads where status = 'pending' and next_attempt_at <= now() order by id limit ${batch}
          ), claimed as (
            update deliveries d set status = 'sending', attempts = d.attempts + 1, updated_at = now()
            from due where d.id = due.id and d.status = 'pending'
            returning d.id, d.event_id, d.channel, d.recipient, d.listener_id, d.attempts
          )
          select c.*, e.event_key, e.type, e.subscriber_id, e.payload, e.created_at
          from claimed c join outbox_events e on e.id = c.event_id
          order by c.id
        `),
      );
      if (claimed.length === 0) break;
      let next = 0;
      const worker = async () => {
        for (;;) {
          const row = claimed[next++];
          if (!row) return;
          await deliverOne(db, transports, row, cfg, result);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
    }
    const due = rowsOf<{ at: string | Date | null; in_ms: number | string | null }>(
      await db.execute(
        sql`select min(next_attempt_at) as at, extract(epoch from (min(next_attempt_at) - now())) * 1000 as in_ms from deliveries where status = 'pending'`,
      ),
    )[0];
    result.nextDueAt = due?.at ? new Date(due.at) : null;
    result.nextDueInMs = due?.in_ms == null ? null : Number(due.in_ms);
    return result;
  });
}

async function deliverOne(
  db: Db,
  transports: Transports,
  row: OpenRow,
  cfg: ReturnType<typeof jobsConfig>,
  result: DeliverResult,
): Promise<void> {
  const d: OutgoingDelivery = {
    deliveryId: Number(row.id),
    attempt: row.attempts,
    channel: row.channel,
    recipient: row.recipient,
    listenerId: row.listener_id,
    event: {
      id: Number(row.event_id),
      key: row.event_key,
      type: row.type,
      subscriberId: row.subscriber_id,
      payload: row.payload,
      createdAt: new Date(row.created_at),
    },
  };
  let listener: { enabled: boolean; failingSince: Date | null } | undefined;
  if (d.channel === 'webhook' && d.listenerId !== null) {
    listener = (
      await db
        .select({ enabled: s.webhookListeners.enabled, failingSince: s.webhookListeners.failingSince })
        .from(s.webhookListeners)
        .where(eq(s.webhookListeners.id, d.listenerId))
    )[0];
    if (!listener?.enabled) {
      await markDead(db, d.deliveryId, 'the listener is disabled');
      result.dead++;
      return;
    }
  }
  try {
    await (d.channel === 'email' ? transports.email(d) : transports.webhook(d));
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).slice(0, 500) || 'failed';
    if (e instanceof CallbackRefusedError) {
      // The SSRF guard refused the callback's address: no retry would be any different.
      await markDead(db, d.deliveryId, message);
      result.dead++;
      log.warn(`[outbox] webhook delivery ${d.deliveryId} of event ${d.event.key} held as dead: ${message}`);
      return;
    }
    result.failed++;
    let outcome: FailureOutcome;
    if (d.channel === 'webhook' && d.listenerId !== null) {
      // The failing-since mark is set once per run of failures (the first failure after a
      // success); how long it has been failing is measured by the database's clock.
      const marked = rowsOf<{ since: string | Date; failing_ms: number | string }>(
        await db.execute(sql`
          update webhook_listeners set failing_since = coalesce(failing_since, now()) where id = ${d.listenerId}
          returning failing_since as since, extract(epoch from (now() - failing_since)) * 1000 as failing_ms`),
      )[0];
      const since = marked ? new Date(marked.since) : new Date();
      outcome = webhookFailure(
        marked ? Number(marked.failing_ms) : 0,
        d.attempt,
        cfg.webhookDisableAfterMs,
        cfg.backoffBaseMs,
        cfg.backoffMaxMs,
      );
      if (outcome.kind === 'dead') {
        await disableListener(db, d.listenerId, outcome.reason);
        result.dead++;
        log.warn(`[outbox] webhook listener ${d.listenerId} disabled: failing since ${since.toISOString()}`);
        return;
      }
    } else {
      outcome = emailFailure(d.attempt, cfg.maxAttempts, cfg.backoffBaseMs, cfg.backoffMaxMs);
    }
    if (outcome.kind === 'dead') {
      await markDead(db, d.deliveryId, `${message} (${outcome.reason})`);
      result.dead++;
      log.error(
        `[outbox] ${d.channel} delivery ${d.deliveryId} of event ${d.event.key} (${d.event.type}) held as dead after ${d.attempt} attempts: ${message}`,
      );
    } else {
      await db
        .update(s.deliveries)
        .set({
          status: 'pending',
          lastError: message,
          nextAttemptAt: sql`now() + make_interval(secs => ${outcome.delayMs / 1000})`,
          updatedAt: sql`now()`,
        })
        .where(eq(s.deliveries.id, d.deliveryId));
      log.warn(
        `[outbox] ${d.channel} delivery ${d.deliveryId} of event ${d.event.key} failed (attempt ${d.attempt}), retrying in ${Math.round(outcome.delayMs / 1000)} s: ${message}`,
      );
    }
    return;
  }
  await db
    .update(s.deliveries)
    .set({ status: 'delivered', deliveredAt: sql`now()`, lastError: null, updatedAt: sql`now()` })
    .where(eq(s.deliveries.id, d.deliveryId));
  if (d.channel === 'webhook' && d.listenerId !== null && listener?.failingSince) {
    await db.update(s.webhookListeners).set({ failingSince: null }).where(eq(s.webhookListeners.id, d.listenerId));
  }
  result.delivered++;
}

async function markDead(db: Db, id: number, reason: string): Promise<void> {
  await db
    .update(s.deliveries)
    .set({ status: 'dead', lastError: reason.slice(0, 500), updatedAt: sql`now()` })
    .where(eq(s.deliveries.id, id));
}

/** Disables a listener and holds everything it had not received as dead. */
async function disableListener(db: Db, listenerId: number, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(s.webhookListeners)
      .set({ enabled: false, disabledAt: sql`now()` })
      .where(eq(s.webhookListeners.id, listenerId));
    await tx
      .update(s.deliveries)
      .set({ status: 'dead', lastError: reason, updatedAt: sql`now()` })
      .where(and(eq(s.deliveries.listenerId, listenerId), inArray(s.deliveries.status, ['pending', 'sending'])));
  });
}

/** Puts dead deliveries back in line, to be tried at once (attempts start again). Returns how many. */
export async function requeueDeliveries(tx: Queryable, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await tx
    .update(s.deliveries)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(inArray(s.deliveries.id, ids), eq(s.deliveries.status, 'dead')))
    .returning({ id: s.deliveries.id, listenerId: s.deliveries.listenerId });
  const listenerIds = [...new Set(rows.map((r) => r.listenerId).filter((v): v is number => v !== null))];
  if (listenerIds.length > 0) {
    // Retrying a webhook gives its listener another day.
    await tx
      .update(s.webhookListeners)
      .set({ enabled: true, disabledAt: null, failingSince: null })
      .where(inArray(s.webhookListeners.id, listenerIds));
  }
  if (rows.length > 0) await tx.execute(sql`select pg_notify('switchboard_outbox', '')`);
  return rows.length;
}
