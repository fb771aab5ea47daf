import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { hasVisibleText } from '@/lib/domain/text';
import type { Queryable, Tx } from '@/db/client';
import { planChange, type ChangePlan } from '@/lib/domain/changes';
import { configKey, normalize } from '@/lib/domain/catalog';
import type { Configuration } from '@/lib/domain/types';
import { loadAccount } from './account';
import { isStaff, refuse, type Actor } from './actor';
import { loadSubscriberContext } from './context';
import { AppError } from './errors';
import { writeOfferEvents } from './offer-events';
import { findOffer } from './offers';

export interface ChangeRequest {
  subscriberId: number;
  target: Configuration;
  /** Staff only, with a reason: apply a lower-priced change now (prorated credit). */
  applyNow?: boolean;
}

export interface Preview {
  subscriberId: number;
  plan: ChangePlan;
  /** The subscription version this preview was computed from. */
  version: number;
  /** Carried by the confirm: the same key twice applies the change once. */
  idempotencyKey: string;
  /** Proration already booked this period, which is on the next bill too. */
  earlierProrationCents: number;
}

export interface ConfirmInput extends ChangeRequest {
  version: number;
  idempotencyKey: string;
  reason?: string;
  /** The offer this change accepts, for analytics. */
  offerKey?: string;
}

export interface ConfirmResult {
  status: 'applied' | 'scheduled';
  orderId: number;
  effectiveDate: string;
  message: string;
  /** True when this was a repeat of an earlier confirm with the same key. */
  replayed: boolean;
}

/** A role check like any other: refused in the audit trail, then thrown. */
async function assertApplyNowAllowed(db: Queryable, actor: Actor, req: { subscriberId: number; applyNow?: boolean }, action: string): Promise<void> {
  if (req.applyNow && !isStaff(actor)) {
    throw await refuse(db, actor, action, 'Only a support agent can apply a lower-priced change before the end of the period.', { subscriberId: req.subscriberId, applyNow: true });
  }
}

/** The full plan of a change, for the preview page (no writes). */
export async function previewChange(actor: Actor, req: ChangeRequest): Promise<Preview> {
  const { db, catalog, state } = await loadSubscriberContext(actor, req.subscriberId, 'preview_change');
  await assertApplyNowAllowed(db, actor, req, 'preview_change');
  const result = planChange({
    catalog,
    current: state.config,
    requested: normalize(req.target),
    billingDay: state.billingDay,
    today: actor.today,
    pending: state.pending,
    applyNow: req.applyNow,
  });
  if (!result.ok) throw new AppError('invalid', result.reasons.join(' '));
  return {
    subscriberId: state.subscriberId,
    plan: result.plan,
    version: state.version,
    idempotencyKey: randomUUID(),
    earlierProrationCents: state.prorationThisPeriod.reduce((sum, l) => sum + l.amountCents, 0),
  };
}

function resultMessage(plan: ChangePlan): string {
  return plan.timing === 'now' ? `Done. ${plan.summary}` : `Scheduled. ${plan.summary} ${plan.undo}`;
}

/**
 * Confirms a previewed change in one transaction: lock the subscription row, replay an
 * earlier confirm with the same key, check the version, plan again from what is stored,
 * apply or schedule, write the order, its ledger lines and the audit event, bump the version.
 */
export async function confirmChange(actor: Actor, input: ConfirmInput): Promise<ConfirmResult> {
  const staff = isStaff(actor);
  const reason = input.reason?.trim() || null;
  if (staff && (!reason || !hasVisibleText(reason))) {
    throw new AppError('invalid', 'Give a reason for this change: it goes in the audit trail.', { reason: ['A reason is required.'] });
  }
  // Authorizes, loads the catalog and closes an ended period before anything else.
  const { db, catalog, state: before } = await loadSubscriberContext(actor, input.subscriberId, 'confirm_change');
  await assertApplyNowAllowed(db, actor, input, 'confirm_change');

  return db.transaction(async (tx) => {
    const locked = (
      await tx
        .select({ version: s.subscriptions.version, subscriberId: s.subscriptions.subscriberId })
        .from(s.subscriptions)
        .where(eq(s.subscriptions.id, before.subscriptionId))
        .for('update')
    )[0];
    if (!locked) throw new AppError('not_found', 'That account was not found.');

    const earlier = (
      await tx
        .select({ id: s.orders.id, result: s.orders.result })
        .from(s.orders)
        .where(and(eq(s.orders.subscriptionId, before.subscriptionId), eq(s.orders.idempotencyKey, input.idempotencyKey)))
    )[0];
    if (earlier?.result) return { ...(earlier.result as unknown as ConfirmResult), replayed: true };

    if (locked.version !== input.version) {
      throw new AppError(
        'stale',
        'Your account changed after this preview was made (in another tab, or by a support agent). Nothing was changed. Here is a fresh preview: please review it and confirm again.',
      );
    }
    // Read again under the lock: this is what the change is planned from.
    const state = await loadAccount(tx as never, catalog, input.subscriberId, actor.today);
    if (!state) throw new AppError('not_found', 'That account was not found.');
    const result = planChange({
      catalog,
      current: state.config,
      requested: normalize(input.target),
      billingDay: state.billingDay,
      today: actor.today,
      pending: state.pending,
      applyNow: input.applyNow,
    });
    if (!result.ok) throw new AppError('invalid', result.reasons.join(' '));
    const plan = result.plan;
    const subscriptionId = state.subscriptionId;

    if (state.pending) {
      await tx.update(s.scheduledChanges).set({ status: 'replaced', closedAt: sql`now()`, closedBy: actor.userId }).where(eq(s.scheduledChanges.id, state.pending.id));
      if (state.pending.orderId) await tx.update(s.orders).set({ status: 'replaced' }).where(eq(s.orders.id, state.pending.orderId));
    }

    const [order] = await tx
      .insert(s.orders)
      .values({
        subscriptionId,
        subscriberId: state.subscriberId,
        kind: 'change',
        status: plan.timing === 'now' ? 'applied' : 'scheduled',
        idempotencyKey: input.idempotencyKey,
        actorUserId: actor.userId,
        reason,
        fromConfig: plan.current,
        toConfig: plan.target,
        effectiveDate: plan.effectiveDate,
        totalCents: plan.prorationTotalCents,
        // The business clock (the test clock outside production), like the effective date.
        createdAt: actor.now,
      })
      .returning({ id: s.orders.id });
    const orderId = order!.id;

    if (plan.timing === 'now') {
      await applyConfiguration(tx, subscriptionId, plan.current, plan.target, plan.effectiveDate);
      if (plan.prorationLines.length > 0) {
        await tx.insert(s.ledgerLines).values(
          plan.prorationLines.map((l) => ({
            orderId,
            subscriptionId,
            kind: 'proration' as const,
            billPeriodStart: plan.period.end,
            itemType: l.itemType,
            itemCode: l.code,
            description: l.description,
            amountCents: l.amountCents,
          })),
        );
      }
    } else {
      await tx.insert(s.scheduledChanges).values({
        subscriptionId,
        orderId,
        targetConfig: plan.target,
        effectiveDate: plan.effectiveDate,
        createdBy: actor.userId,
      });
    }

    await tx.update(s.subscriptions).set({ version: sql`${s.subscriptions.version} + 1`, updatedAt: sql`now()` }).where(eq(s.subscriptions.id, subscriptionId));
    await tx.insert(s.auditEvents).values({
      actorUserId: actor.userId,
      actorRole: actor.role,
      subscriberId: state.subscriberId,
      action: plan.timing === 'now' ? 'change_applied' : 'change_scheduled',
      outcome: 'ok',
      reason,
      before: plan.current,
      after: plan.target,
      detail: {
        orderId,
        effectiveDate: plan.effectiveDate,
        prorationCents: plan.prorationTotalCents,
        monthlyChangeCents: plan.monthlyChangeCents,
        applyNow: input.applyNow === true,
        replacedScheduledChange: state.pending?.id ?? null,
        onBehalfOf: staff ? state.subscriberId : null,
      },
    });
    // Accepting an offer: recorded when the confirmed target is that offer's target.
    const offer = input.offerKey ? findOffer(catalog, state, actor.today, input.offerKey) : undefined;
    if (offer && configKey(offer.target) === configKey(plan.target)) {
      await writeOfferEvents(tx, [
        {
          subscriberId: state.subscriberId,
          actorUserId: actor.userId,
          offerKey: offer.key,
          kind: offer.kind,
          target: offer.target,
          eventType: 'accepted',
          today: actor.today,
          monthlyPriceChangeCents: offer.monthlyPriceChangeCents,
          monthlySavingCents: offer.monthlySavingCents,
        },
      ]);
    }

    const out: ConfirmResult = {
      status: plan.timing === 'now' ? 'applied' : 'scheduled',
      orderId,
      effectiveDate: plan.effectiveDate,
      message: resultMessage(plan),
      replayed: false,
    };
    await tx.update(s.orders).set({ result: out as unknown as Record<string, unknown> }).where(eq(s.orders.id, orderId));
    return out;
  });
}

/** Replace the subscription's plan and add-ons. */
async function applyConfiguration(tx: Tx, subscriptionId: number, from: Configuration, to: Configuration, day: string): Promise<void> {
  if (from.planCode !== to.planCode) {
    await tx.update(s.subscriptions).set({ planCode: to.planCode }).where(eq(s.subscriptions.id, subscriptionId));
  }
  const removed = from.addOns.filter((c) => !to.addOns.includes(c));
  const added = to.addOns.filter((c) => !from.addOns.includes(c));
  for (const code of removed) {
    await tx.delete(s.subscriptionAddOns).where(and(eq(s.subscriptionAddOns.subscriptionId, subscriptionId), eq(s.subscriptionAddOns.addOnCode, code)));
  }
  if (added.length > 0) {
    await tx.insert(s.subscriptionAddOns).values(added.map((code) => ({ subscriptionId, addOnCode: code, addedOn: day })));
  }
}

/** Cancel the pending scheduled change (until it takes effect). */
export async function cancelScheduledChange(actor: Actor, input: { subscriberId: number; scheduledChangeId: number; reason?: string }): Promise<{ message: string }> {
  const staff = isStaff(actor);
  const reason = input.reason?.trim() || null;
  if (staff && (!reason || !hasVisibleText(reason))) throw new AppError('invalid', 'Give a reason for cancelling: it goes in the audit trail.', { reason: ['A reason is required.'] });
  const { db, state } = await loadSubscriberContext(actor, input.subscriberId, 'cancel_scheduled_change');
  return db.transaction(async (tx) => {
    await tx.select({ id: s.subscriptions.id }).from(s.subscriptions).where(eq(s.subscriptions.id, state.subscriptionId)).for('update');
    const row = (
      await tx
        .select()
        .from(s.scheduledChanges)
        .where(and(eq(s.scheduledChanges.id, input.scheduledChangeId), eq(s.scheduledChanges.subscriptionId, state.subscriptionId)))
    )[0];
    if (!row) throw new AppError('not_found', 'That scheduled change was not found.');
    if (row.status !== 'pending') {
      throw new AppError('conflict', row.status === 'applied' ? 'That change has already taken effect, so it can no longer be cancelled.' : 'That scheduled change was already cancelled or replaced.');
    }
    await tx.update(s.scheduledChanges).set({ status: 'cancelled', closedAt: sql`now()`, closedBy: actor.userId }).where(eq(s.scheduledChanges.id, row.id));
    if (row.orderId) await tx.update(s.orders).set({ status: 'cancelled' }).where(eq(s.orders.id, row.orderId));
    await tx.update(s.subscriptions).set({ version: sql`${s.subscriptions.version} + 1`, updatedAt: sql`now()` }).where(eq(s.subscriptions.id, state.subscriptionId));
    await tx.insert(s.auditEvents).values({
      actorUserId: actor.userId,
      actorRole: actor.role,
      subscriberId: state.subscriberId,
      action: 'scheduled_change_cancelled',
      outcome: 'ok',
      reason,
      before: row.targetConfig,
      after: state.config,
      detail: { scheduledChangeId: row.id, orderId: row.orderId, effectiveDate: row.effectiveDate },
    });
    return { message: `Cancelled. You keep your current plan; nothing changes on ${row.effectiveDate}.` };
  });
}

