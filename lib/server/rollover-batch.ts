import 'server-only';
import { sql } from 'drizzle-orm';
import { issueBills } from '@/db/bill-batch';
import { insertRecurringLedgerRows, recurringLedgerRows } from '@/db/ledger';
import type { IssueBillInput } from '@/db/bill-issuance';
import type { Db } from '@/db/client';
import { configKey, type PriceProtection } from '@/lib/domain/catalog';
import { addDays, daysBetween } from '@/lib/domain/periods';
import { planRollover } from '@/lib/domain/rollover';
import type { Catalog, Day } from '@/lib/domain/types';
import { catalogForHolder, readProtectionsOf, usageCatalogForHolder, type CatalogSource } from './catalog';
import { billIssuedEvent, recordEvents, wantsTmfEvent } from './outbox';
import { customerBillCreateEvents } from './tmf/bill-doc';

/**
 * The rollover of many subscriptions in one transaction (issue 23): what rolloverSubscription
 * (lib/server/billing.ts) does for each, set-based: one locking read of every subscription
 * (configuration, billing day, whether a change is pending), the domain's plan for each
 * (planRollover), one insert of the new periods' recurring lines, one update of the periods,
 * the bills in a fixed number of statements (db/bill-batch issueBills) and their outbox events
 * in three (recordEvents). So a batch of a few hundred costs about as many round trips as one
 * subscription did, and the bill-number counter is taken once per batch instead of once per
 * bill.
 *
 * Prices (issue 20) as rolloverSubscription has them: each boundary with the catalog version of
 * its day at the holder's protected prices (catalogForHolder), the batch's price protections read
 * in one query; holders with the same protections (most have none) share one catalog per day.
 * Each bill records the catalog version of its date. TMF678 hubs that want it get a
 * CustomerBillCreateEvent per bill, as from rolloverSubscription.
 *
 * It takes only the common case: one boundary to close and no scheduled change pending. The
 * others (a pending change to apply and audit, a subscription several periods behind) are
 * returned in `rest`, for rolloverSubscription, which handles every case.
 */
export interface BatchResult {
  /** Subscriptions closed here (one boundary each). */
  closed: number;
  /** Due subscriptions this batch left to rolloverSubscription. */
  rest: number[];
}

type Row = {
  id: number;
  subscriber_id: number;
  plan_code: string;
  period_start: string;
  period_end: string;
  billing_day: number;
  add_ons: string[] | null;
  pending: boolean;
};

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

export async function rolloverBatch(
  db: Db,
  source: CatalogSource,
  subscriptionIds: number[],
  today: Day,
): Promise<BatchResult> {
  if (subscriptionIds.length === 0) return { closed: 0, rest: [] };
  return db.transaction(async (tx) => {
    const due = rowsOf<Row>(
      await tx.execute(sql`
        select x.id, x.subscriber_id, x.plan_code, x.period_start::text as period_start, x.period_end::text as period_end,
          b.billing_day,
          (select array_agg(a.add_on_code order by a.add_on_code) from subscription_add_ons a where a.subscription_id = x.id) as add_ons,
          exists (select 1 from scheduled_changes c where c.subscription_id = x.id and c.status = 'pending') as pending
        from subscriptions x join subscribers b on b.id = x.subscriber_id
        where x.id in (${sql.join(
          subscriptionIds.map((id) => sql`${id}::int`),
          sql`, `,
        )}) and x.period_end <= ${today}::date
        order by x.id
        for update of x
      `),
    );
    const rest: number[] = [];
    const protectionsOf = await readProtectionsOf(
      tx,
      due.filter((r) => !r.pending).map((r) => r.id),
    );
    // Holders with the same protections (most have none) share one catalog per day, and one
    // usage-rating catalog (usageCatalogForHolder) per closed period.
    const shared = new Map<string, Catalog>();
    const once = (key: string, make: () => Catalog): Catalog => {
      let c = shared.get(key);
      if (!c) {
        c = make();
        shared.set(key, c);
      }
      return c;
    };
    const idsOf = (protections: readonly PriceProtection[]) =>
      protections
        .map((p) => p.priceChangeId)
        .sort((a, b) => a - b)
        .join(',');
    const catalogFor = (protections: readonly PriceProtection[], day: Day): Catalog =>
      once(`on|${day}|${idsOf(protections)}`, () => catalogForHolder(source, protections, day));
    const ratingFor = (protections: readonly PriceProtection[], period: { start: Day; end: Day }): Catalog =>
      once(`usage|${period.start}|${period.end}|${idsOf(protections)}`, () =>
        usageCatalogForHolder(source, protections, period),
      );
    const work = due.flatMap((row) => {
      if (row.pending) {
        rest.push(row.id);
        return [];
      }
      const protections = protectionsOf.get(row.id) ?? [];
      const catalogAt = (day: Day) => catalogFor(protections, day);
      const from = { planCode: row.plan_code, addOns: row.add_ons ?? [] };
      const plan = planRollover({
        catalog: catalogAt(row.period_end),
        catalogOn: catalogAt,
        billingDay: Number(row.billing_day),
        config: from,
        period: { start: row.period_start, end: row.period_end, days: 0 },
        pending: null,
        today,
      });
      if (plan.steps.length !== 1 || configKey(plan.finalConfig) !== configKey(from)) {
        if (plan.steps.length > 0) rest.push(row.id);
        return [];
      }
      const step = plan.steps[0]!;
      const bill: IssueBillInput = {
        subscriptionId: row.id,
        subscriberId: row.subscriber_id,
        billDate: step.period.start,
        closedPeriod: {
          start: row.period_start,
          end: row.period_end,
          days: daysBetween(row.period_start, row.period_end),
        },
        nextPeriodEnd: step.period.end,
        config: from,
        catalogVersion: catalogAt(step.period.start).version ?? null,
      };
      // Usage is rated with the catalog of the closed period's last day, at the rates of its first (as one by one).
      return [
        {
          row,
          step,
          bill,
          finalPeriod: plan.finalPeriod,
          rating: ratingFor(
            protections,
            bill.closedPeriod ?? { start: addDays(bill.billDate, -1), end: bill.billDate },
          ),
        },
      ];
    });
    if (work.length === 0) return { closed: 0, rest };

    await insertRecurringLedgerRows(
      tx,
      work.flatMap((w) => recurringLedgerRows(w.step.recurringLines, w.row.id, w.step.period.start)),
    );
    await tx.execute(sql`
      update subscriptions x set version = x.version + 1, updated_at = now(), period_start = v.start, period_end = v.end_
      from (values ${sql.join(
        work.map((w) => sql`(${w.row.id}::int, ${w.finalPeriod.start}::date, ${w.finalPeriod.end}::date)`),
        sql`, `,
      )}) as v(id, start, end_)
      where x.id = v.id
    `);
    // Bills last, as in rolloverSubscription: the counter's lock is held from the numbers to commit.
    const ratingOf = new Map(work.map((w) => [w.row.id, w.rating]));
    const issued = await issueBills(
      tx,
      (input) => ratingOf.get(input.subscriptionId)!,
      work.map((w) => w.bill),
    );
    await recordEvents(
      tx,
      issued.map((b, i) => billIssuedEvent(work[i]!.row.subscriber_id, b)),
    );
    // TMF678 hubs (issue 19): only when a listener wants it (most rollovers have none). The
    // documents are read in one query and written in one batch (the outbox's one fan-out rule:
    // TM Forum events go to webhooks only, the document as is).
    const billIds = issued.flatMap((b) => (b ? [b.id] : []));
    if (billIds.length > 0 && (await wantsTmfEvent(tx, 'CustomerBillCreateEvent')))
      await recordEvents(tx, await customerBillCreateEvents(tx, billIds));
    return { closed: work.length, rest };
  });
}
