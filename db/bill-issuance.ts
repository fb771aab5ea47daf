/**
 * Issuing one bill (docs/bills.md), in the caller's transaction: the rollover
 * (lib/server/billing.ts) issues one at every boundary it closes, and the seed produces the
 * demo history with the same function (like db/ledger.ts, it is shared by both and has no
 * `server-only`, so the seed scripts can run it).
 *
 * What goes on the bill issued at day B for a subscription: every ledger line of it that is on
 * no bill yet and is billed with B or earlier (the new period's recurring lines and the
 * proration lines booked during the closed period carry bill_period_start = B; a subscription
 * opened without an opening bill has its first period's lines swept onto its first bill), plus
 * the closed period's usage rated now, plus the credit the previous bill carried forward.
 *
 * Seam for late usage (issue 19): a late record is booked as a ledger line of kind
 * 'adjustment' with bill_period_start = the current period's end; it lands on the next bill
 * here without any change.
 *
 * Numbering: the number comes from the one row of bill_number_counter, advanced by one with
 * an UPDATE in this same transaction, as the last step before the bill row is written. The
 * UPDATE takes the row lock and holds it to commit, so concurrent issuers queue there; if the
 * issuing transaction rolls back, so does the counter, and the next issuer takes the same
 * number. So numbers are unique, increasing in issue order and without gaps on both drivers
 * (a sequence would not do: nextval is never rolled back). PGlite runs one transaction at a
 * time anyway; on PostgreSQL the lock serialises only the last few statements of each issue.
 */
import { sql } from 'drizzle-orm';
import type { Queryable } from './client';
import { assembleBill, rateUsage, type AssembledBill, type BillLine, type LineKind } from '../lib/domain/bills';
import type { BillingPeriod, Catalog, Configuration, Day } from '../lib/domain/types';

export interface IssueBillInput {
  subscriptionId: number;
  subscriberId: number;
  /** The boundary (or the first day of a new subscription). */
  billDate: Day;
  /** The period that closed at billDate; null for an opening bill. */
  closedPeriod: BillingPeriod | null;
  /** End of the period billed in advance, [billDate, nextPeriodEnd). */
  nextPeriodEnd: Day;
  /** The configuration held at the closed period's end (its usage is rated on it). */
  config: Configuration;
  /** Issue 20: the catalog version of the bill date (its recurring prices); null or absent: not versioned. */
  catalogVersion?: number | null;
}

export interface IssuedBill {
  id: number;
  number: number;
  bill: AssembledBill;
}

type ReadRow = {
  existing: number | null;
  lines:
    | {
        kind: LineKind;
        item_type: string;
        item_code: string;
        description: string;
        amount_cents: number;
        quantity: number | null;
      }[]
    | null;
  usage: { ld_minutes: number; intl_minutes: number } | null;
  prev: { number: number; credit: number } | null;
};

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/**
 * Issues the bill of `billDate`, or does nothing (null) when the subscription already has it.
 * The caller holds the subscription's row lock (the rollover does), so nothing else books
 * lines for it meanwhile; the unique index on (subscription_id, bill_date) is the backstop.
 */
export async function issueBill(tx: Queryable, catalog: Catalog, input: IssueBillInput): Promise<IssuedBill | null> {
  const { subscriptionId, subscriberId, billDate } = input;
  const read = rowsOf<ReadRow>(
    await tx.execute(sql`
      select
        (select b.id from bills b where b.subscription_id = ${subscriptionId} and b.bill_date = ${billDate}::date) as existing,
        (select json_agg(json_build_object('kind', l.kind, 'item_type', l.item_type, 'item_code', l.item_code,
            'description', l.description, 'amount_cents', l.amount_cents, 'quantity', l.quantity) order by l.id)
          from ledger_lines l
          where l.subscription_id = ${subscriptionId} and l.bill_id is null and l.bill_period_start <= ${billDate}::date) as lines,
        (select json_build_object('ld_minutes', u.ld_minutes, 'intl_minutes', u.intl_minutes)
          from usage_periods u where u.subscriber_id = ${subscriberId} and u.period_start = ${input.closedPeriod?.start ?? null}::date) as usage,
        (select json_build_object('number', b.number, 'credit', b.credit_forward_cents)
          from bills b where b.subscription_id = ${subscriptionId} and b.bill_date < ${billDate}::date
          order by b.bill_date desc limit 1) as prev
    `),
  )[0]!;
  if (read.existing !== null) return null;

  const booked: BillLine[] = (read.lines ?? []).map((l) => ({
    kind: l.kind,
    itemType: l.item_type,
    itemCode: l.item_code,
    description: l.description,
    amountCents: l.amount_cents,
    quantity: l.quantity,
  }));
  const usage =
    input.closedPeriod && read.usage
      ? rateUsage(catalog, input.config, { ldMinutes: read.usage.ld_minutes, intlMinutes: read.usage.intl_minutes })
          .lines
      : [];
  const bill = assembleBill({
    billDate,
    closedPeriod: input.closedPeriod,
    booked,
    usage,
    creditBrought: read.prev && read.prev.credit > 0 ? { cents: read.prev.credit, fromNumber: read.prev.number } : null,
  });

  // Last: the number (row lock on the counter until commit), the bill, then its lines in one
  // statement: the new ones (usage, credits) inserted on it, the booked ones attached to it.
  const created = rowsOf<{ id: number | string; number: number | string }>(
    await tx.execute(sql`
      with n as (update bill_number_counter set last_number = last_number + 1 where id = 1 returning last_number)
      insert into bills (number, subscription_id, subscriber_id, bill_date, closed_period_start, next_period_end, due_date, total_cents, credit_forward_cents, catalog_version)
      select n.last_number, ${subscriptionId}, ${subscriberId}, ${billDate}::date, ${input.closedPeriod?.start ?? null}::date,
        ${input.nextPeriodEnd}::date, ${bill.dueDate}::date, ${bill.totalCents}, ${bill.creditForwardCents},
        ${input.catalogVersion ?? catalog.version ?? null}::integer
      from n
      returning id, number
    `),
  )[0];
  if (!created) throw new Error('The bill-number counter row is missing (migration 0005 creates it).');
  const id = Number(created.id);
  const values = bill.newLines.map(
    (l) =>
      sql`(${subscriptionId}, ${l.kind}::ledger_kind, ${billDate}::date, ${l.itemType}, ${l.itemCode}, ${l.description}, ${l.amountCents}, ${l.quantity ?? null}::integer, ${id}::bigint)`,
  );
  const inserted =
    values.length > 0
      ? sql`insert into ledger_lines (subscription_id, kind, bill_period_start, item_type, item_code, description, amount_cents, quantity, bill_id)
          values ${sql.join(values, sql`, `)} returning amount_cents`
      : sql`select 0 as amount_cents where false`;
  const [attached] = rowsOf<{ n: number | string; sum: number | string }>(
    await tx.execute(sql`
      with booked as (
        update ledger_lines set bill_id = ${id}
        where subscription_id = ${subscriptionId} and bill_id is null and bill_period_start <= ${billDate}::date
        returning amount_cents
      ), added as (${inserted}),
      every_line as (select amount_cents from booked union all select amount_cents from added)
      select count(*) as n, coalesce(sum(amount_cents), 0) as sum from every_line
    `),
  );
  const n = Number(attached!.n);
  const sum = Number(attached!.sum);
  if (n !== bill.lines.length || sum !== bill.totalCents) {
    // Something booked a line outside the subscription's lock: refuse rather than issue a wrong bill.
    throw new Error(
      `Bill for subscription ${subscriptionId} on ${billDate}: ${n} lines summing to ${sum}, expected ${bill.lines.length} summing to ${bill.totalCents}.`,
    );
  }
  return { id, number: Number(created.number), bill };
}
