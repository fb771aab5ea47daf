/** Ledger rows for a period's recurring charges (the seed, the rollover and tests book them alike). */
import { sql } from 'drizzle-orm';
import type { RecurringLine } from '../lib/domain/rollover';
import type { Queryable } from './client';
import type { ledgerLines } from './schema';

/** A recurring charge's ledger row: exactly the columns insertRecurringLedgerRows writes. */
export type RecurringLedgerRow = Required<
  Pick<
    typeof ledgerLines.$inferInsert,
    'orderId' | 'subscriptionId' | 'kind' | 'billPeriodStart' | 'itemType' | 'itemCode' | 'description' | 'amountCents'
  >
>;

export function recurringLedgerRows(
  lines: RecurringLine[],
  subscriptionId: number,
  billPeriodStart: string,
  orderId: number | null = null,
): RecurringLedgerRow[] {
  return lines.map((l) => ({
    orderId,
    subscriptionId,
    kind: 'recurring' as const,
    billPeriodStart,
    itemType: l.itemType,
    itemCode: l.code,
    description: l.description,
    amountCents: l.amountCents,
  }));
}

/**
 * Books many recurring rows in one statement, the rows as one JSON parameter, in the order given
 * (their ids in that order); a charge already booked for its period is left as it is
 * (ledger_lines_recurring_once). drizzle's insert builder cost about as much CPU as the rest of
 * the rollover's batch at a few hundred subscriptions (issue 23).
 */
export async function insertRecurringLedgerRows(tx: Queryable, rows: RecurringLedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into ledger_lines (order_id, subscription_id, kind, bill_period_start, item_type, item_code, description, amount_cents)
    select (e->>'orderId')::int, (e->>'subscriptionId')::int, (e->>'kind')::ledger_kind, (e->>'billPeriodStart')::date,
      e->>'itemType', e->>'itemCode', e->>'description', (e->>'amountCents')::int
    from json_array_elements(${JSON.stringify(rows)}::json) with ordinality as r(e, n)
    order by r.n
    on conflict do nothing
  `);
}
