import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import * as s from '@/db/schema';
import { jobsConfig } from '@/lib/config';
import type { Actor } from './actor';
import { recordAudit } from './audit';
import { authorize } from './policy';
import { getDb } from './db';
import { AppError, invalidInput } from './errors';
import { listKeptMail, type KeptMail } from './mail/transport';
import { requeueDeliveries } from './outbox';

/** Admin → Deliveries: what the outbox sent, what it is retrying and what it holds as dead. */
export const DELIVERY_STATUSES = ['dead', 'pending', 'sending', 'delivered'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryView {
  id: number;
  eventKey: string;
  eventType: string;
  subscriberId: number | null;
  channel: 'email' | 'webhook';
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  createdAt: string;
  deliveredAt: string | null;
}

export interface DeliveriesPage {
  counts: Record<DeliveryStatus, number>;
  status: DeliveryStatus;
  rows: DeliveryView[];
}

const statusSchema = z.enum(DELIVERY_STATUSES).catch('dead');

export async function listDeliveries(actor: Actor, query: { status?: unknown }): Promise<DeliveriesPage> {
  const db = await getDb();
  await authorize(actor, 'view_deliveries', {}, { db });
  const status = statusSchema.parse(query.status);
  const [countRows, rows] = await Promise.all([
    db
      .select({ status: s.deliveries.status, n: sql<number>`count(*)::int` })
      .from(s.deliveries)
      .groupBy(s.deliveries.status),
    db
      .select({
        id: s.deliveries.id,
        eventKey: s.outboxEvents.eventKey,
        eventType: s.outboxEvents.type,
        subscriberId: s.outboxEvents.subscriberId,
        channel: s.deliveries.channel,
        recipient: s.deliveries.recipient,
        status: s.deliveries.status,
        attempts: s.deliveries.attempts,
        lastError: s.deliveries.lastError,
        nextAttemptAt: s.deliveries.nextAttemptAt,
        createdAt: s.deliveries.createdAt,
        deliveredAt: s.deliveries.deliveredAt,
      })
      .from(s.deliveries)
      .innerJoin(s.outboxEvents, eq(s.outboxEvents.id, s.deliveries.eventId))
      .where(eq(s.deliveries.status, status))
      .orderBy(desc(s.deliveries.id))
      .limit(200),
  ]);
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((k) => [k, 0])) as Record<DeliveryStatus, number>;
  for (const c of countRows) counts[c.status] = c.n;
  return {
    counts,
    status,
    rows: rows.map((r) => ({
      ...r,
      nextAttemptAt: r.nextAttemptAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
      deliveredAt: r.deliveredAt ? r.deliveredAt.toISOString() : null,
    })),
  };
}

const retrySchema = z.object({ deliveryId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

/** Puts a dead delivery back in line (attempts start again); audited. */
export async function retryDelivery(actor: Actor, input: unknown): Promise<{ message: string }> {
  const db = await getDb();
  await authorize(actor, 'retry_delivery', {}, { db });
  const parsed = retrySchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, 'That delivery could not be read.');
  const { deliveryId } = parsed.data;
  return db.transaction(async (tx) => {
    const row = (
      await tx
        .select({ status: s.deliveries.status, eventId: s.deliveries.eventId })
        .from(s.deliveries)
        .where(eq(s.deliveries.id, deliveryId))
        .for('update')
    )[0];
    if (!row) throw new AppError('not_found', 'That delivery was not found.');
    if (row.status !== 'dead')
      throw new AppError(
        'conflict',
        row.status === 'delivered'
          ? 'That delivery has already gone out.'
          : 'That delivery is already waiting to be sent.',
      );
    await requeueDeliveries(tx, [deliveryId]);
    await recordAudit(tx, {
      actor,
      action: 'retry_delivery',
      outcome: 'ok',
      detail: { deliveryId, eventId: row.eventId },
    });
    return { message: `Delivery ${deliveryId} is queued again and will be sent shortly.` };
  });
}

export interface MailFolderView {
  /** SMTP_URL is set: mail leaves through the relay and nothing is kept here. */
  smtp: boolean;
  messages: KeptMail[];
}

/** The mail kept under DATA_DIR/mail when there is no SMTP relay (demo and test runs). */
export async function listMailFolder(actor: Actor): Promise<MailFolderView> {
  const db = await getDb();
  await authorize(actor, 'view_mail', {}, { db });
  return { smtp: !!jobsConfig().smtpUrl, messages: await listKeptMail(100) };
}

// ---------------------------------------------------------------- the subscriber's consent

export async function getOfferEmailConsent(actor: Actor): Promise<boolean> {
  if (actor.role !== 'subscriber' || actor.subscriberId === null)
    throw new AppError('forbidden', 'Only a subscriber has offer-email preferences.');
  const db = await getDb();
  const row = (
    await db
      .select({ v: s.notificationPreferences.offerEmails })
      .from(s.notificationPreferences)
      .where(eq(s.notificationPreferences.subscriberId, actor.subscriberId))
  )[0];
  return row?.v ?? false;
}

/** The subscriber's own choice (staff can't give consent for them); audited. */
export async function setOfferEmailConsent(actor: Actor, offerEmails: boolean): Promise<{ message: string }> {
  const db = await getDb();
  await authorize(
    actor,
    'set_offer_email_consent',
    actor.subscriberId === null ? {} : { subscriberId: actor.subscriberId },
    { db },
  );
  const subscriberId = actor.subscriberId;
  if (subscriberId === null) throw new AppError('forbidden', 'Only a subscriber has offer-email preferences.');
  await db.transaction(async (tx) => {
    await tx
      .insert(s.notificationPreferences)
      .values({ subscriberId, offerEmails })
      .onConflictDoUpdate({
        target: s.notificationPreferences.subscriberId,
        set: { offerEmails, updatedAt: sql`now()` },
      });
    await recordAudit(tx, {
      actor,
      subscriberId,
      action: 'set_offer_email_consent',
      outcome: 'ok',
      after: { offerEmails },
    });
  });
  return {
    message: offerEmails
      ? 'Done: we may send you offer emails. You can turn them off here at any time.'
      : 'Done: no offer emails. Messages about your account and bills still come.',
  };
}
