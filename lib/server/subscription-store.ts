import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Tx } from '@/db/client';
import type { Configuration, Day } from '@/lib/domain/types';

/**
 * The one module that writes a subscription's state: its plan and add-ons, its version, its
 * period, and the life of its scheduled change. Confirm, cancel and the rollover all go
 * through here, inside the transaction of their use case, with the subscription row locked.
 */

/** Locks the subscription row for the rest of the transaction; null when there is none. */
export async function lockSubscription(
  tx: Tx,
  subscriptionId: number,
): Promise<{ version: number; subscriberId: number } | null> {
  const rows = await tx
    .select({ version: s.subscriptions.version, subscriberId: s.subscriptions.subscriberId })
    .from(s.subscriptions)
    .where(eq(s.subscriptions.id, subscriptionId))
    .for('update');
  return rows[0] ?? null;
}

/**
 * Moves the subscription from one configuration to another: the plan when it differs, and only
 * the add-ons the change removes or adds (one kept through it keeps the day it was added; a new
 * one is held from `day`).
 */
export async function applyConfiguration(
  tx: Tx,
  subscriptionId: number,
  from: Configuration,
  to: Configuration,
  day: Day,
): Promise<void> {
  if (from.planCode !== to.planCode) {
    await tx.update(s.subscriptions).set({ planCode: to.planCode }).where(eq(s.subscriptions.id, subscriptionId));
  }
  const removed = from.addOns.filter((c) => !to.addOns.includes(c));
  const added = to.addOns.filter((c) => !from.addOns.includes(c));
  if (removed.length > 0) {
    await tx
      .delete(s.subscriptionAddOns)
      .where(
        and(eq(s.subscriptionAddOns.subscriptionId, subscriptionId), inArray(s.subscriptionAddOns.addOnCode, removed)),
      );
  }
  if (added.length > 0) {
    await tx
      .insert(s.subscriptionAddOns)
      .values(added.map((code) => ({ subscriptionId, addOnCode: code, addedOn: day })));
  }
}

/**
 * Every write to a subscription ends here: its version goes up (a preview made before is now
 * stale), and, for the rollover, its period moves on.
 */
export async function bumpVersion(tx: Tx, subscriptionId: number, period?: { start: Day; end: Day }): Promise<void> {
  await tx
    .update(s.subscriptions)
    .set({
      version: sql`${s.subscriptions.version} + 1`,
      updatedAt: sql`now()`,
      ...(period ? { periodStart: period.start, periodEnd: period.end } : {}),
    })
    .where(eq(s.subscriptions.id, subscriptionId));
}

export type ScheduledChangeRow = typeof s.scheduledChanges.$inferSelect;

/** The subscription's pending scheduled change (at most one), or null. */
export async function pendingChangeOf(tx: Tx, subscriptionId: number): Promise<ScheduledChangeRow | null> {
  const rows = await tx
    .select()
    .from(s.scheduledChanges)
    .where(and(eq(s.scheduledChanges.subscriptionId, subscriptionId), eq(s.scheduledChanges.status, 'pending')));
  return rows[0] ?? null;
}

/** One scheduled change of this subscription by id (any status), or null. */
export async function scheduledChangeOf(
  tx: Tx,
  subscriptionId: number,
  scheduledChangeId: number,
): Promise<ScheduledChangeRow | null> {
  const rows = await tx
    .select()
    .from(s.scheduledChanges)
    .where(and(eq(s.scheduledChanges.id, scheduledChangeId), eq(s.scheduledChanges.subscriptionId, subscriptionId)));
  return rows[0] ?? null;
}

/** Schedules a change for the end of the period (its order is written by the caller). */
export async function scheduleChange(
  tx: Tx,
  change: {
    subscriptionId: number;
    orderId: number;
    target: Configuration;
    effectiveDate: Day;
    createdBy: number | null;
  },
): Promise<void> {
  await tx.insert(s.scheduledChanges).values({
    subscriptionId: change.subscriptionId,
    orderId: change.orderId,
    targetConfig: change.target,
    effectiveDate: change.effectiveDate,
    createdBy: change.createdBy,
  });
}

/**
 * A pending scheduled change ends: applied at the boundary (by the rollover), replaced by a
 * later change, or cancelled; its order takes the same status. `closedBy` is the user who
 * replaced or cancelled it (null for the rollover).
 */
export async function closeScheduledChange(
  tx: Tx,
  change: { id: number; orderId: number | null },
  status: 'applied' | 'replaced' | 'cancelled',
  closedBy: number | null,
): Promise<void> {
  await tx
    .update(s.scheduledChanges)
    .set({ status, closedAt: sql`now()`, ...(closedBy === null ? {} : { closedBy }) })
    .where(eq(s.scheduledChanges.id, change.id));
  if (change.orderId) await tx.update(s.orders).set({ status }).where(eq(s.orders.id, change.orderId));
}
