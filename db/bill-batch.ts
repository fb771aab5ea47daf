/**
 * Issuing many bills at once (issue 23), in the caller's transaction: the same bills as
 * issueBill (db/bill-issuance.ts) one after another, in a fixed number of statements whatever
 * their number: one read of every subscription's unbilled lines, closed usage and previous
 * bill; the domain assembles each bill (lib/domain/bills, as issueBill does); one counter
 * update that takes as many numbers as there are bills; one insert of the bills; one statement
 * that attaches the booked lines, adds the new ones and returns what each bill now holds, which
 * must be what the domain assembled. The numbers come from take_bill_numbers (migration 0024):
 * k steps of one in one call, as the counter's trigger requires.
 *
 * At most one bill per subscription per call (the rollover's batch only takes subscriptions
 * with a single boundary to close; a second boundary depends on the first bill's lines). The
 * caller holds the subscriptions' row locks, as for issueBill. Numbers are taken in the order of
 * `inputs`, under the counter's row lock held to commit: unique, increasing and gapless as
 * issueBill's.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from './client';
import type { IssueBillInput, IssuedBill } from './bill-issuance';
import { assembleBill, rateUsage, type BillLine, type LineKind } from '../lib/domain/bills';
import type { Catalog } from '../lib/domain/types';

type ReadRow = {
  i: number;
  existing: number | string | null;
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

const list = (xs: SQL[]) => sql.join(xs, sql`, `);

/**
 * Issues the bill of each input (null where the subscription already has that bill), in few
 * statements. `catalog`: the catalog its closed period's usage is rated with, one for all or
 * one per input (issue 20: the catalog of the closed period's last day at its holder's
 * prices); each bill records `catalogVersion`, else that catalog's version, as issueBill does.
 */
export async function issueBills(
  tx: Queryable,
  catalog: Catalog | ((input: IssueBillInput) => Catalog),
  inputs: IssueBillInput[],
): Promise<(IssuedBill | null)[]> {
  if (inputs.length === 0) return [];
  const catalogOf = typeof catalog === 'function' ? catalog : () => catalog;
  if (new Set(inputs.map((x) => x.subscriptionId)).size !== inputs.length)
    throw new Error('issueBills: at most one bill per subscription per call');
  const read = rowsOf<ReadRow>(
    await tx.execute(sql`
      select v.i,
        (select b.id from bills b where b.subscription_id = v.sub and b.bill_date = v.bill_date) as existing,
        (select json_agg(json_build_object('kind', l.kind, 'item_type', l.item_type, 'item_code', l.item_code,
            'description', l.description, 'amount_cents', l.amount_cents, 'quantity', l.quantity) order by l.id)
          from ledger_lines l
          where l.subscription_id = v.sub and l.bill_id is null and l.bill_period_start <= v.bill_date) as lines,
        (select json_build_object('ld_minutes', u.ld_minutes, 'intl_minutes', u.intl_minutes)
          from usage_periods u where u.subscriber_id = v.subscriber and u.period_start = v.closed_start) as usage,
        (select json_build_object('number', b.number, 'credit', b.credit_forward_cents)
          from bills b where b.subscription_id = v.sub and b.bill_date < v.bill_date
          order by b.bill_date desc limit 1) as prev
      from (values ${list(
        inputs.map(
          (x, i) =>
            sql`(${i}::int, ${x.subscriptionId}::int, ${x.subscriberId}::int, ${x.billDate}::date, ${x.closedPeriod?.start ?? null}::date)`,
        ),
      )}) as v(i, sub, subscriber, bill_date, closed_start)
      order by v.i
    `),
  );

  const assembled = read.map((r) => {
    const input = inputs[Number(r.i)]!;
    if (r.existing !== null) return null;
    const rating = catalogOf(input);
    const booked: BillLine[] = (r.lines ?? []).map((l) => ({
      kind: l.kind,
      itemType: l.item_type,
      itemCode: l.item_code,
      description: l.description,
      amountCents: l.amount_cents,
      quantity: l.quantity,
    }));
    const usage =
      input.closedPeriod && r.usage
        ? rateUsage(rating, input.config, { ldMinutes: r.usage.ld_minutes, intlMinutes: r.usage.intl_minutes }).lines
        : [];
    return {
      input,
      catalogVersion: input.catalogVersion ?? rating.version ?? null,
      bill: assembleBill({
        billDate: input.billDate,
        closedPeriod: input.closedPeriod,
        booked,
        usage,
        creditBrought: r.prev && r.prev.credit > 0 ? { cents: r.prev.credit, fromNumber: r.prev.number } : null,
      }),
    };
  });
  const toIssue = assembled.filter((x): x is NonNullable<typeof x> => x !== null);
  if (toIssue.length === 0) return inputs.map(() => null);

  // The numbers last: the counter's row lock is held from here to commit.
  const k = toIssue.length;
  const created = rowsOf<{ id: number | string; number: number | string; subscription_id: number }>(
    await tx.execute(sql`
      with n as (select take_bill_numbers(${k}::int) as first)
      insert into bills (number, subscription_id, subscriber_id, bill_date, closed_period_start, next_period_end, due_date, total_cents, credit_forward_cents, catalog_version)
      select n.first + v.i - 1, v.sub, v.subscriber, v.bill_date, v.closed_start, v.next_end, v.due, v.total, v.credit, v.catalog_version
      from n, (values ${list(
        toIssue.map(
          ({ input, bill, catalogVersion }, i) =>
            sql`(${i + 1}::int, ${input.subscriptionId}::int, ${input.subscriberId}::int, ${input.billDate}::date,
              ${input.closedPeriod?.start ?? null}::date, ${input.nextPeriodEnd}::date, ${bill.dueDate}::date,
              ${bill.totalCents}::int, ${bill.creditForwardCents}::int, ${catalogVersion}::integer)`,
        ),
      )}) as v(i, sub, subscriber, bill_date, closed_start, next_end, due, total, credit, catalog_version)
      order by v.i
      returning id, number, subscription_id
    `),
  );
  if (created.length !== k) throw new Error(`issueBills: ${created.length} bills written, ${k} expected`);
  const idOf = new Map(created.map((c) => [Number(c.subscription_id), { id: Number(c.id), number: Number(c.number) }]));

  const newLines = toIssue.flatMap(({ input, bill }) =>
    bill.newLines.map(
      (l) =>
        sql`(${input.subscriptionId}::int, ${l.kind}::ledger_kind, ${input.billDate}::date, ${l.itemType}, ${l.itemCode}, ${l.description}, ${l.amountCents}::int, ${l.quantity ?? null}::integer, ${idOf.get(input.subscriptionId)!.id}::bigint)`,
    ),
  );
  const added =
    newLines.length > 0
      ? sql`insert into ledger_lines (subscription_id, kind, bill_period_start, item_type, item_code, description, amount_cents, quantity, bill_id)
          values ${list(newLines)} returning bill_id, amount_cents`
      : sql`select null::bigint as bill_id, 0 as amount_cents where false`;
  const held = rowsOf<{ bill_id: number | string; n: number | string; sum: number | string }>(
    await tx.execute(sql`
      with m(sub, bill_id, bill_date) as (values ${list(
        toIssue.map(
          ({ input }) =>
            sql`(${input.subscriptionId}::int, ${idOf.get(input.subscriptionId)!.id}::bigint, ${input.billDate}::date)`,
        ),
      )}),
      booked as (
        update ledger_lines l set bill_id = m.bill_id from m
        where l.subscription_id = m.sub and l.bill_id is null and l.bill_period_start <= m.bill_date
        returning l.bill_id, l.amount_cents
      ), added as (${added}),
      every_line as (select bill_id, amount_cents from booked union all select bill_id, amount_cents from added)
      select bill_id, count(*) as n, coalesce(sum(amount_cents), 0) as sum from every_line group by bill_id
    `),
  );
  const heldBy = new Map(held.map((h) => [Number(h.bill_id), { n: Number(h.n), sum: Number(h.sum) }]));
  for (const { input, bill } of toIssue) {
    const got = heldBy.get(idOf.get(input.subscriptionId)!.id) ?? { n: 0, sum: 0 };
    if (got.n !== bill.lines.length || got.sum !== bill.totalCents) {
      // Something booked a line outside the subscription's lock: refuse rather than issue a wrong bill.
      throw new Error(
        `Bill for subscription ${input.subscriptionId} on ${input.billDate}: ${got.n} lines summing to ${got.sum}, expected ${bill.lines.length} summing to ${bill.totalCents}.`,
      );
    }
  }
  const bySub = new Map(toIssue.map((x) => [x.input.subscriptionId, x.bill]));
  return inputs.map((input) => {
    const bill = bySub.get(input.subscriptionId);
    const ids = idOf.get(input.subscriptionId);
    return bill && ids ? { ...ids, bill } : null;
  });
}
