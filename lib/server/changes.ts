import 'server-only';
import { requireRecentSecondFactor } from './second-factor';
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt } from 'drizzle-orm';
import * as s from '@/db/schema';
import { hasVisibleText } from '@/lib/domain/text';
import {
  applyIntent,
  type ChangeIntent,
  type ChangePlan,
  driftBetween,
  driftText,
  hasDrift,
  planChange,
  refusalText,
  unknownRemovals,
} from '@/lib/domain/changes';
import { configKey, configurationLabel, normalize } from '@/lib/domain/catalog';
import type { Catalog, Configuration } from '@/lib/domain/types';
import type { ConfirmResult } from '@/lib/contracts/changes';
import { readAccount, type AccountState } from './account';
import type { Actor } from './actor';
import type { ApiClientActor } from './api-clients';
import { recordAudit } from './audit';
import { catalogForHolder, getCatalogVersions, type CatalogSource } from './catalog';
import { openAccount } from './context';
import type { Tx } from '@/db/client';
import { getDb, withTransaction } from './db';
import { AppError } from './errors';
import { writeOfferEvents } from './offer-events';
import { formats } from './format';
import { findOffer } from './offers';
import { cancelledEvent, changeEvent, recordEvent } from './outbox';
import { isStaff } from './policy';
import { productSnapshot, recordProductEvents, wantsProductEvents } from './tmf/inventory';
import { productOrderEvent } from './tmf/order-doc';
import {
  applyConfiguration,
  bumpVersion,
  closeScheduledChange,
  lockSubscription,
  scheduleChange,
  scheduledChangeOf,
} from './subscription-store';

interface ChangeRequestBase {
  subscriberId: number;
  /** Staff only, with a reason: apply a lower-priced change now (prorated credit). */
  applyNow?: boolean;
}

/**
 * What is asked for: an intent relative to what the subscription holds when it is planned (the
 * portal, the API: a confirm after someone else's change keeps that change), or an exact
 * configuration (scripts and tests that put a subscription in a known state).
 */
export type ChangeRequest = ChangeRequestBase &
  ({ intent: ChangeIntent; target?: never } | { target: Configuration; intent?: never });

/** The configuration a request asks for, from the one held now (an unknown code is refused, never ignored). */
function requestedConfiguration(catalog: Catalog, req: ChangeRequest, current: Configuration): Configuration {
  if (!req.intent) return normalize(req.target);
  const unknown = unknownRemovals(catalog, req.intent);
  if (unknown.length > 0) throw new AppError('invalid', unknown.map((r) => refusalText(r, formats())).join(' '));
  return applyIntent(current, req.intent);
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
  /** What the subscription held when this preview was planned (a stale confirm says what changed since). */
  basis: Configuration;
  /** When it was planned (the business clock). */
  previewedAt: string;
}

export type ConfirmInput = ChangeRequest & {
  version: number;
  idempotencyKey: string;
  reason?: string;
  /** The offer this change accepts, for analytics. */
  offerKey?: string;
  /** From the preview: what it was planned from and when, for the words of a stale confirm. */
  basis?: Configuration;
  previewedAt?: string;
  /** Runs in the change's transaction once its order is written (TMF622 keeps its product order there). */
  afterOrder?: (tx: Tx, orderId: number) => Promise<void>;
};

export type { ConfirmResult };

/** A person in the portal, or an operator's system ordering through TMF622 (issue 19). */
export type ChangeActor = Actor | ApiClientActor;
/** The user who acted, for the order and schedule columns; null for an API client. */
const userIdOf = (actor: ChangeActor): number | null => ('kind' in actor ? null : actor.userId);

/**
 * The catalog as this holder pays for it on a later day (issue 20): the version of the day at
 * their price protections, so a preview prices the next period as the rollover will bill it.
 */
function holderCatalogOn(versions: CatalogSource, state: AccountState): (day: string) => Catalog {
  return (day) => catalogForHolder(versions, state.protections, day);
}

/** The full plan of a change, for the preview page (no writes). */
export async function previewChange(actor: ChangeActor, req: ChangeRequest): Promise<Preview> {
  const { catalog, state, now, today } = await openAccount(actor, 'preview_change', {
    subscriberId: req.subscriberId,
    applyNow: req.applyNow,
  });
  const result = planChange({
    catalog,
    current: state.config,
    requested: requestedConfiguration(catalog, req, state.config),
    billingDay: state.billingDay,
    today,
    pending: state.pending,
    applyNow: req.applyNow,
    formats: formats(),
    // The versions openAccount read (cached).
    catalogOn: holderCatalogOn(await getCatalogVersions(await getDb()), state),
  });
  if (!result.ok) throw new AppError('invalid', result.reasons.join(' '));
  return {
    subscriberId: state.subscriberId,
    plan: result.plan,
    version: state.version,
    idempotencyKey: randomUUID(),
    earlierProrationCents: state.prorationThisPeriod.reduce((sum, l) => sum + l.amountCents, 0),
    basis: state.config,
    // The account's time (its test clock's when it has one), as the orders' created_at it is compared with.
    previewedAt: now.toISOString(),
  };
}

/**
 * Why a confirm found the account changed, in words: what changed since the preview (from the
 * configuration the preview was planned from) and what the same request does with it now.
 */
async function staleMessage(
  tx: Parameters<Parameters<typeof withTransaction>[0]>[0],
  input: ConfirmInput,
  subscriptionId: number,
  planInput: Parameters<typeof planChange>[0],
  staff: boolean,
): Promise<string> {
  const head = staff
    ? 'The account changed after this preview was made (by the subscriber, another agent, or in another tab).'
    : 'Your account changed after this preview was made (in another tab, or by a support agent).';
  const tail = 'Nothing was changed. Review the fresh preview and confirm again.';
  if (!input.basis) return `${head} ${tail}`;
  const drift = driftBetween(planInput.catalog, input.basis, planInput.current);
  if (!hasDrift(drift)) return `${head} ${tail}`;
  const replanned = planChange(planInput);
  let at: string | null = null;
  const since = input.previewedAt ? new Date(input.previewedAt) : null;
  if (since && !Number.isNaN(since.getTime())) {
    const [latest] = await tx
      .select({ createdAt: s.orders.createdAt })
      .from(s.orders)
      .where(and(eq(s.orders.subscriptionId, subscriptionId), gt(s.orders.createdAt, since)))
      .orderBy(desc(s.orders.createdAt))
      .limit(1);
    if (latest) at = `${latest.createdAt.toISOString().slice(11, 16)} UTC`;
  }
  return `${head} ${driftText(drift, replanned.ok ? replanned.plan.target : null, at)} ${tail}`;
}

function resultMessage(plan: ChangePlan, staff: boolean): string {
  const [summary, undo] = staff ? [plan.staffSummary, plan.staffUndo] : [plan.summary, plan.undo];
  return plan.timing === 'now' ? `Done. ${summary}` : `Scheduled. ${summary} ${undo}`;
}

/**
 * Confirms a previewed change in one transaction: lock the subscription row, replay an
 * earlier confirm with the same key, check the version, plan again from what is stored,
 * apply or schedule, write the order, its ledger lines and the audit event, bump the version.
 */
export async function confirmChange(actor: ChangeActor, input: ConfirmInput): Promise<ConfirmResult> {
  const staff = isStaff(actor);
  const reason = input.reason?.trim() || null;
  if (staff && (!reason || !hasVisibleText(reason))) {
    throw new AppError('invalid', 'Give a reason for this change: it goes in the audit trail.', {
      reason: ['A reason is required.'],
    });
  }
  // Authorizes, loads the catalog and closes an ended period before anything else.
  const {
    catalog,
    state: before,
    now,
    today,
  } = await openAccount(actor, 'confirm_change', {
    subscriberId: input.subscriberId,
    applyNow: input.applyNow,
  });

  // The versions openAccount read (cached), taken before the transaction (one connection on PGlite).
  const versions = await getCatalogVersions(await getDb());
  return withTransaction(async (tx) => {
    const locked = await lockSubscription(tx, before.subscriptionId);
    if (!locked) throw new AppError('not_found', 'That account was not found.');

    const earlier = (
      await tx
        .select({ id: s.orders.id, result: s.orders.result })
        .from(s.orders)
        .where(
          and(eq(s.orders.subscriptionId, before.subscriptionId), eq(s.orders.idempotencyKey, input.idempotencyKey)),
        )
    )[0];
    if (earlier?.result) return { ...(earlier.result as unknown as ConfirmResult), replayed: true };

    // Read again under the lock: this is what the change is planned from (its ended periods
    // were closed by openAccount, and the lock keeps anyone from changing it meanwhile).
    const state = await readAccount(tx, input.subscriberId, today);
    if (!state) throw new AppError('not_found', 'That account was not found.');
    // TMF637 hubs (issue 19): the products before the change, when a listener wants their events.
    const productsBefore = (await wantsProductEvents(tx)) ? await productSnapshot(tx, state.subscriberId, today) : null;
    const planInput = {
      catalog,
      current: state.config,
      requested: requestedConfiguration(catalog, input, state.config),
      billingDay: state.billingDay,
      today,
      pending: state.pending,
      applyNow: input.applyNow,
      formats: formats(),
      catalogOn: holderCatalogOn(versions, state),
    };
    if (locked.version !== input.version) {
      throw new AppError('stale', await staleMessage(tx, input, state.subscriptionId, planInput, staff));
    }
    const result = planChange(planInput);
    if (!result.ok) throw new AppError('invalid', result.reasons.join(' '));
    const plan = result.plan;
    // Staff applying a lower-priced change now: the authenticator code again when the last one is over 10 minutes old.
    if (input.applyNow && plan.timing === 'now' && plan.monthlyChangeCents < 0) requireRecentSecondFactor(actor);
    const subscriptionId = state.subscriptionId;

    if (state.pending) {
      await closeScheduledChange(tx, state.pending, 'replaced', userIdOf(actor));
      if (state.pending.orderId)
        await recordEvent(
          tx,
          await productOrderEvent(tx, { orderId: state.pending.orderId }, 'ProductOrderStateChangeEvent'),
        );
    }

    const [order] = await tx
      .insert(s.orders)
      .values({
        subscriptionId,
        subscriberId: state.subscriberId,
        kind: 'change',
        status: plan.timing === 'now' ? 'applied' : 'scheduled',
        idempotencyKey: input.idempotencyKey,
        actorUserId: userIdOf(actor),
        reason,
        fromConfig: plan.current,
        toConfig: plan.target,
        effectiveDate: plan.effectiveDate,
        totalCents: plan.prorationTotalCents,
        // Issue 20: the catalog version the change was planned with.
        catalogVersion: catalog.version ?? null,
        // The business clock (the test clock outside production), like the effective date.
        createdAt: now,
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
      await scheduleChange(tx, {
        subscriptionId,
        orderId,
        target: plan.target,
        effectiveDate: plan.effectiveDate,
        createdBy: userIdOf(actor),
      });
    }

    await bumpVersion(tx, subscriptionId);
    await recordAudit(tx, {
      actor,
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
    await recordEvent(tx, changeEvent(state.subscriberId, orderId, plan));
    // Every change is a product order (TMF622, issue 19): told to the hubs' listeners.
    await input.afterOrder?.(tx, orderId);
    await recordEvent(tx, await productOrderEvent(tx, { orderId }, 'ProductOrderCreateEvent'));
    await recordProductEvents(tx, state.subscriberId, productsBefore, today);
    // Accepting an offer: recorded when the confirmed target is that offer's target.
    const offer = input.offerKey ? findOffer(catalog, state, today, input.offerKey) : undefined;
    const offerActor = userIdOf(actor);
    if (offer && offerActor !== null && configKey(offer.target) === configKey(plan.target)) {
      await writeOfferEvents(tx, [
        {
          subscriberId: state.subscriberId,
          actorUserId: offerActor,
          offerKey: offer.key,
          kind: offer.kind,
          target: offer.target,
          eventType: 'accepted',
          today,
          monthlyPriceChangeCents: offer.monthlyPriceChangeCents,
          monthlySavingCents: offer.monthlySavingCents,
        },
      ]);
    }

    const out: ConfirmResult = {
      status: plan.timing === 'now' ? 'applied' : 'scheduled',
      orderId,
      effectiveDate: plan.effectiveDate,
      message: resultMessage(plan, staff),
      replayed: false,
      holds: configurationLabel(catalog, plan.target),
    };
    await tx
      .update(s.orders)
      .set({ result: out as unknown as Record<string, unknown> })
      .where(eq(s.orders.id, orderId));
    return out;
  });
}

/** Cancel the pending scheduled change (until it takes effect). */
export async function cancelScheduledChange(
  actor: ChangeActor,
  input: { subscriberId: number; scheduledChangeId: number; reason?: string },
): Promise<{ message: string }> {
  const staff = isStaff(actor);
  const reason = input.reason?.trim() || null;
  if (staff && (!reason || !hasVisibleText(reason)))
    throw new AppError('invalid', 'Give a reason for cancelling: it goes in the audit trail.', {
      reason: ['A reason is required.'],
    });
  const { state, today } = await openAccount(actor, 'cancel_scheduled_change', { subscriberId: input.subscriberId });
  return withTransaction(async (tx) => {
    await lockSubscription(tx, state.subscriptionId);
    const row = await scheduledChangeOf(tx, state.subscriptionId, input.scheduledChangeId);
    if (!row) throw new AppError('not_found', 'That scheduled change was not found.');
    if (row.status !== 'pending') {
      throw new AppError(
        'conflict',
        row.status === 'applied'
          ? 'That change has already taken effect, so it can no longer be cancelled.'
          : 'That scheduled change was already cancelled or replaced.',
      );
    }
    const productsBefore = (await wantsProductEvents(tx)) ? await productSnapshot(tx, state.subscriberId, today) : null;
    await closeScheduledChange(tx, row, 'cancelled', userIdOf(actor));
    await bumpVersion(tx, state.subscriptionId);
    await recordAudit(tx, {
      actor,
      subscriberId: state.subscriberId,
      action: 'scheduled_change_cancelled',
      outcome: 'ok',
      reason,
      before: row.targetConfig,
      after: state.config,
      detail: { scheduledChangeId: row.id, orderId: row.orderId, effectiveDate: row.effectiveDate },
    });
    await recordEvent(tx, cancelledEvent(state.subscriberId, row));
    if (row.orderId)
      await recordEvent(tx, await productOrderEvent(tx, { orderId: row.orderId }, 'ProductOrderStateChangeEvent'));
    await recordProductEvents(tx, state.subscriberId, productsBefore, today);
    return { message: `Cancelled. You keep your current plan; nothing changes on ${row.effectiveDate}.` };
  });
}
