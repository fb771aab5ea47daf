import 'server-only';
import { and, eq, gt, inArray, lte, not } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Db } from '@/db/client';
import { reminderDue, REMINDER_DAYS } from '@/lib/domain/notifications';
import { addDays, dayOf } from '@/lib/domain/periods';
import { monthlyRecurringCents } from '@/lib/domain/pricing';
import type { Catalog, Day } from '@/lib/domain/types';
import { onTestClock, rolloverDue } from '../billing';
import { readCatalogVersions } from '../catalog';
import { catalogOfDay } from '@/lib/domain/catalog';
import { readNow } from '../clock';
import { log } from '../log';
import { sendEventEmail } from '../mail/transport';
import {
  deliverOutbox,
  describeConfig,
  recordEvent,
  type DeliverOptions,
  type DeliverResult,
  type Transports,
} from '../outbox';
import { webhookTransport } from '../webhooks';

/**
 * The job functions. Each is idempotent and safe to run on several instances at once: the
 * rollover books each period once (row lock + unique index), a reminder is written once per
 * scheduled change (its event key), and delivery runs one pass at a time under a lock. The
 * queue (graphile-worker on PostgreSQL) or the in-process timer (PGlite) only decides when.
 */

/**
 * Writes the "your change takes effect in 3 days" event of every scheduled change now in its
 * window: of the portal's subscribers (the daily job), or of one test clock's (its advance,
 * SPEC §12), each on its own day.
 */
export async function queueReminders(
  db: Db,
  catalog: Catalog,
  today: Day,
  scope: { testClockId: number } | 'portal' = 'portal',
): Promise<number> {
  const due = await db
    .select({
      id: s.scheduledChanges.id,
      effectiveDate: s.scheduledChanges.effectiveDate,
      target: s.scheduledChanges.targetConfig,
      orderId: s.scheduledChanges.orderId,
      scheduledAt: s.orders.createdAt,
      createdAt: s.scheduledChanges.createdAt,
      subscriberId: s.subscriptions.subscriberId,
    })
    .from(s.scheduledChanges)
    .innerJoin(s.subscriptions, eq(s.subscriptions.id, s.scheduledChanges.subscriptionId))
    .leftJoin(s.orders, eq(s.orders.id, s.scheduledChanges.orderId))
    .where(
      and(
        eq(s.scheduledChanges.status, 'pending'),
        gt(s.scheduledChanges.effectiveDate, today),
        lte(s.scheduledChanges.effectiveDate, addDays(today, REMINDER_DAYS)),
        scope === 'portal'
          ? not(onTestClock(s.subscriptions.subscriberId))
          : inArray(
              s.subscriptions.subscriberId,
              db
                .select({ id: s.testFixtures.subscriberId })
                .from(s.testFixtures)
                .where(eq(s.testFixtures.clockId, scope.testClockId)),
            ),
      ),
    );
  let written = 0;
  for (const r of due) {
    // The order's time is on the business clock (the test clock outside production).
    const scheduledOn = dayOf(r.scheduledAt ?? r.createdAt);
    if (!reminderDue(r.effectiveDate, scheduledOn, today)) continue;
    let newMonthlyCents = 0;
    try {
      newMonthlyCents = monthlyRecurringCents(catalog, r.target);
    } catch {
      // a target no longer in the catalog: the rollover reports it; the reminder still goes
    }
    const id = await db.transaction((tx) =>
      recordEvent(tx, {
        type: 'scheduled_change_reminder',
        subscriberId: r.subscriberId,
        eventKey: `scheduled_change_reminder:${r.id}`,
        payload: {
          scheduledChangeId: r.id,
          orderId: r.orderId,
          effectiveDate: r.effectiveDate,
          target: r.target,
          targetDescription: describeConfig(catalog, r.target),
          newMonthlyCents,
        },
      }),
    );
    if (id !== null) written++;
  }
  return written;
}

export interface DailyResult {
  today: Day;
  periods: number;
  subscriptions: number;
  failed: number[];
  reminders: number;
}

/**
 * The daily job: period rollover and billing for every period that has ended, then the
 * reminders, on the portal's clock. Subscribers attached to a test clock are skipped: their
 * clock's advance runs the same for them (lib/server/test-clocks.ts).
 */
export async function runDailyJobs(db: Db): Promise<DailyResult> {
  const today = dayOf(await readNow(db));
  // Issue 20: every boundary is billed with the catalog version of its day.
  const versions = await readCatalogVersions(db);
  const r = await rolloverDue(db, versions, today);
  const reminders = await queueReminders(db, catalogOfDay(versions, today), today);
  if (r.periods > 0 || reminders > 0 || r.failed.length > 0) {
    log.info(
      `[jobs] daily run for ${today}: ${r.periods} period(s) closed on ${r.subscriptions} subscription(s), ${reminders} reminder(s) written${r.failed.length ? `, ${r.failed.length} subscription(s) failed` : ''}`,
    );
  }
  return { today, periods: r.periods, subscriptions: r.subscriptions, failed: r.failed, reminders };
}

export function outboxTransports(db: Db): Transports {
  return { email: sendEventEmail, webhook: webhookTransport(db) };
}

/** The delivery job: one pass over the outbox. */
export async function runOutboxDelivery(db: Db, exclusive: DeliverOptions['exclusive']): Promise<DeliverResult> {
  const r = await deliverOutbox(db, outboxTransports(db), { exclusive });
  if (r.delivered > 0 || r.failed > 0)
    log.info(`[jobs] outbox: ${r.delivered} delivered, ${r.failed} failed (${r.dead} held as dead)`);
  return r;
}
