import 'server-only';
import { type AnyColumn, and, asc, eq, lte, not, type SQL, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { recurringLedgerRows } from '@/db/ledger';
import { issueBill, type IssueBillInput } from '@/db/bill-issuance';
import type { Db } from '@/db/client';
import { planRollover } from '@/lib/domain/rollover';
import { configKey } from '@/lib/domain/catalog';
import { addDays, daysBetween } from '@/lib/domain/periods';
import type { BillingPeriod, Day } from '@/lib/domain/types';
import { catalogForHolder, readProtections, usageCatalogForHolder, type CatalogSource } from './catalog';
import { recordAudit } from './audit';
import { rolloverBatch } from './rollover-batch';
import { log } from './log';
import { appliedEvent, billIssuedEvent, recordEvent, wantsTmfEvent } from './outbox';
import { customerBillEvent } from './tmf/bill-doc';
import { productSnapshot, recordProductEvents, wantsProductEvents } from './tmf/inventory';
import { productOrderEvent } from './tmf/order-doc';
import { applyConfiguration, bumpVersion, closeScheduledChange, pendingChangeOf } from './subscription-store';

/**
 * Closes every period of one subscription that has ended by `today`: applies the scheduled
 * change due at the boundary, books the next period's recurring lines and issues the bill of
 * the boundary (the closed period's usage rated, db/bill-issuance.ts). Runs under a row
 * lock, re-reads what it decides on, and books through a unique index, so any number of
 * concurrent runs (job, readers, confirms) book each period once.
 */
export async function rolloverSubscription(
  db: Db,
  source: CatalogSource,
  subscriptionId: number,
  today: Day,
): Promise<number> {
  return db.transaction(async (tx) => {
    const sub = (
      await tx
        .select({
          id: s.subscriptions.id,
          subscriberId: s.subscriptions.subscriberId,
          planCode: s.subscriptions.planCode,
          periodStart: s.subscriptions.periodStart,
          periodEnd: s.subscriptions.periodEnd,
          billingDay: s.subscribers.billingDay,
        })
        .from(s.subscriptions)
        .innerJoin(s.subscribers, eq(s.subscribers.id, s.subscriptions.subscriberId))
        .where(eq(s.subscriptions.id, subscriptionId))
        .for('update', { of: s.subscriptions })
    )[0];
    if (!sub || sub.periodEnd > today) return 0;
    const addOns = await tx
      .select({ code: s.subscriptionAddOns.addOnCode })
      .from(s.subscriptionAddOns)
      .where(eq(s.subscriptionAddOns.subscriptionId, subscriptionId));
    const pendingRow = await pendingChangeOf(tx, subscriptionId);
    const from = { planCode: sub.planCode, addOns: addOns.map((a) => a.code) };
    // Issue 20: each boundary is billed with the catalog of its day, at this holder's prices.
    const protections = await readProtections(tx, subscriptionId);
    const catalogAt = (day: Day) => catalogForHolder(source, protections, day);
    const catalog = catalogAt(sub.periodEnd);
    const plan = planRollover({
      catalog,
      catalogOn: catalogAt,
      billingDay: sub.billingDay,
      config: from,
      period: { start: sub.periodStart, end: sub.periodEnd, days: 0 },
      pending: pendingRow ? { target: pendingRow.targetConfig, effectiveDate: pendingRow.effectiveDate } : null,
      today,
    });
    if (plan.steps.length === 0) return 0;
    // TMF637 hubs (issue 19): a scheduled change applied here starts and ends products.
    const productsBefore =
      pendingRow && (await wantsProductEvents(tx)) ? await productSnapshot(tx, sub.subscriberId, today) : null;
    let config = from;
    // Bills (issue 16): the period that closes at each step's boundary.
    const bills: IssueBillInput[] = [];
    let closed: BillingPeriod = {
      start: sub.periodStart,
      end: sub.periodEnd,
      days: daysBetween(sub.periodStart, sub.periodEnd),
    };
    for (const step of plan.steps) {
      // Usage is rated on the configuration held at the closed period's end: before the change due at the boundary.
      const closedConfig = config;
      if (step.appliedPending && pendingRow) {
        await closeScheduledChange(tx, pendingRow, 'applied', null);
        await recordAudit(tx, {
          actor: null,
          subscriberId: sub.subscriberId,
          action: 'scheduled_change_applied',
          outcome: 'ok',
          reason: `Scheduled change effective ${pendingRow.effectiveDate}`,
          before: config,
          after: step.config,
          detail: { scheduledChangeId: pendingRow.id, orderId: pendingRow.orderId },
        });
        await recordEvent(tx, appliedEvent(catalog, sub.subscriberId, pendingRow));
        // TMF622 (issue 19): the pending order is completed.
        if (pendingRow.orderId)
          await recordEvent(
            tx,
            await productOrderEvent(tx, { orderId: pendingRow.orderId }, 'ProductOrderStateChangeEvent'),
          );
      }
      config = step.config;
      await tx
        .insert(s.ledgerLines)
        .values(
          recurringLedgerRows(
            step.recurringLines,
            subscriptionId,
            step.period.start,
            step.appliedPending ? (pendingRow?.orderId ?? null) : null,
          ),
        )
        .onConflictDoNothing();
      // Bills (issue 16): one bill per boundary, issued below in this transaction.
      bills.push({
        subscriptionId,
        subscriberId: sub.subscriberId,
        billDate: step.period.start,
        closedPeriod: closed,
        nextPeriodEnd: step.period.end,
        config: closedConfig,
        catalogVersion: catalogAt(step.period.start).version ?? null,
      });
      closed = step.period;
    }
    const final = plan.finalConfig;
    if (configKey(final) !== configKey(from)) {
      // A new add-on is held from the boundary at which the change took effect.
      const changedAt = plan.steps.find((st) => st.appliedPending)?.period.start ?? plan.finalPeriod.start;
      await applyConfiguration(tx, subscriptionId, from, final, changedAt);
    }
    await bumpVersion(tx, subscriptionId, plan.finalPeriod);
    await recordProductEvents(tx, sub.subscriberId, productsBefore, today);
    // Bills (issue 16) last, in boundary order: each takes the bill-number counter's row lock,
    // held to commit, so the less there is after it the more issues commit per second.
    // Usage is rated with the catalog of the closed period's last day, at the rates this holder
    // had on its first day (a rate protection covers every period that starts before its day).
    const tellHubs = bills.length > 0 && (await wantsTmfEvent(tx, 'CustomerBillCreateEvent'));
    for (const b of bills) {
      const issued = await issueBill(
        tx,
        usageCatalogForHolder(
          source,
          protections,
          b.closedPeriod ?? { start: addDays(b.billDate, -1), end: b.billDate },
        ),
        b,
      );
      await recordEvent(tx, billIssuedEvent(b.subscriberId, issued));
      // TMF678 hubs (issue 19): only when a listener wants it (most rollovers have none).
      if (tellHubs && issued) await recordEvent(tx, await customerBillEvent(tx, issued.id, 'CustomerBillCreateEvent'));
    }
    return plan.steps.length;
  });
}

/** The rollover job's batches at once (the job queue runs two jobs at a time; one pool connection each). */
export const ROLLOVER_CONCURRENCY = 2;
export const ROLLOVER_BATCH = 250;

export interface RolloverDueOptions {
  /** Subscriptions per batch (one transaction each when set-based). */
  batch?: number;
  /** Batches in flight at once. */
  concurrency?: number;
  /** false: one subscription per transaction (rolloverSubscription), as before issue 23. */
  setBased?: boolean;
}

/**
 * The subscriptions of subscribers attached to a test clock (SPEC §12): the portal's daily
 * job leaves them alone, their clock drives them (lib/server/test-clocks.ts advanceClock).
 */
export const onTestClock = (subscriberId: SQL | AnyColumn) =>
  sql`exists (select 1 from ${s.testFixtures} where ${s.testFixtures.subscriberId} = ${subscriberId} and ${s.testFixtures.clockId} is not null)`;

/**
 * The rollover job: every subscription whose period has ended (but those on a test clock, which
 * their clock's advance closes). Returns periods closed, and
 * the subscriptions that could not be closed: one that fails (e.g. a scheduled change whose
 * target is no longer in the catalog) is logged and left for the next run, and the job goes
 * on with the others instead of leaving every later subscription unbilled.
 *
 * Set-based by default (issue 23): the due subscriptions are taken in batches, a few at once,
 * each batch closed in one transaction by rolloverBatch (lib/server/rollover-batch.ts); what a
 * batch leaves (a pending change, several periods behind) and every subscription of a batch
 * that failed as a whole go through rolloverSubscription one by one, so a failure still
 * stops only its own subscription.
 */
export async function rolloverDue(
  db: Db,
  catalog: CatalogSource,
  today: Day,
  opts: RolloverDueOptions = {},
): Promise<{ subscriptions: number; periods: number; failed: number[] }> {
  const batch = opts.batch ?? ROLLOVER_BATCH;
  const setBased = opts.setBased ?? true;
  const concurrency = setBased ? Math.max(1, opts.concurrency ?? ROLLOVER_CONCURRENCY) : 1;
  let subscriptions = 0;
  let periods = 0;
  let lastId = 0;
  let exhausted = false;
  const failed: number[] = [];
  // Batches are claimed one after another (keyset on the id), closed concurrently.
  let claiming: Promise<unknown> = Promise.resolve();
  const claim = (): Promise<number[]> => {
    const next = claiming.then(async () => {
      if (exhausted) return [];
      const due = await db
        .select({ id: s.subscriptions.id })
        .from(s.subscriptions)
        .where(
          and(
            lte(s.subscriptions.periodEnd, today),
            sql`${s.subscriptions.id} > ${lastId}`,
            not(onTestClock(s.subscriptions.subscriberId)),
          ),
        )
        .orderBy(asc(s.subscriptions.id))
        .limit(batch);
      if (due.length === 0) exhausted = true;
      else lastId = due.at(-1)!.id;
      return due.map((d) => d.id);
    });
    claiming = next.catch(() => undefined);
    return next;
  };
  const oneByOne = async (ids: number[]) => {
    for (const id of ids) {
      try {
        const n = await rolloverSubscription(db, catalog, id, today);
        if (n > 0) subscriptions++;
        periods += n;
      } catch (e) {
        failed.push(id);
        log.error(`[rollover] subscription ${id} could not be closed on ${today}; continuing with the others`, e);
      }
    }
  };
  const worker = async () => {
    for (;;) {
      const ids = await claim();
      if (ids.length === 0) return;
      if (!setBased) {
        await oneByOne(ids);
        continue;
      }
      let rest = ids;
      try {
        // Each holder's boundary with the catalog of its day at their prices (issue 20), as one by one.
        const r = await rolloverBatch(db, catalog, ids, today);
        subscriptions += r.closed;
        periods += r.closed;
        rest = r.rest;
      } catch (e) {
        log.warn(
          `[rollover] a batch of ${ids.length} subscriptions could not be closed at once (${(e as Error).message}); closing them one by one`,
        );
      }
      await oneByOne(rest);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  failed.sort((a, b) => a - b);
  return { subscriptions, periods, failed };
}
