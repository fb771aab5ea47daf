import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import type { BillState } from '@/lib/domain/bills';
import { config } from '@/lib/config';
import type { NewEvent } from '../outbox';
import { CUSTOMER_BASE } from './customer';
import { money } from './money';

/**
 * TMF678 CustomerBill documents from the bills table (shared by the API module, the bill-state
 * use case and the rollover's CustomerBillCreateEvent). The bill's id is its number (unique per
 * operator); its document is the PDF at …/customerBill/{id}/document.
 */
export const BILL_BASE = '/tmf-api/customerBillManagement/v4';

/** Our states and TMF678's: issued is "new"; TMF's validated and partiallyPaid are not kept here. */
export const TMF_BILL_STATE: Record<BillState, string> = {
  issued: 'new',
  sent: 'sent',
  on_hold: 'onHold',
  settled: 'settled',
};

export function billStateFromTmf(state: string): BillState | null {
  const found = (Object.entries(TMF_BILL_STATE) as [BillState, string][]).find(([, t]) => t === state);
  return found ? found[0] : null;
}

export interface BillRow {
  id: number;
  number: number;
  subscriber_id: number;
  name: string;
  account_number: string;
  bill_date: string;
  due_date: string;
  closed_period_start: string | null;
  next_period_end: string;
  total_cents: number;
  state: BillState;
  last_update: string;
}

/** Bills matching `where` (a condition on `b` and `sub`), by number, with the total count. */
export async function billRows(
  db: Queryable,
  where: SQL,
  page: { offset: number; limit: number } | null = null,
): Promise<{ rows: BillRow[]; total: number }> {
  const result = await db.execute(sql`
    select b.id, b.number, b.subscriber_id, sub.name, sub.account_number, b.bill_date::text as bill_date,
      b.due_date::text as due_date, b.closed_period_start::text as closed_period_start,
      b.next_period_end::text as next_period_end, b.total_cents, b.state,
      coalesce(b.state_changed_at, b.created_at) as last_update, count(*) over () as total
    from bills b join subscribers sub on sub.id = b.subscriber_id
    where ${where}
    order by b.number
    ${page ? sql`limit ${page.limit} offset ${page.offset}` : sql``}
  `);
  const rows = (result as unknown as { rows: (BillRow & { total: string | number; last_update: string | Date })[] })
    .rows;
  return {
    rows: rows.map((r) => ({
      ...r,
      id: Number(r.id),
      number: Number(r.number),
      last_update: new Date(r.last_update).toISOString(),
    })),
    total: rows.length ? Number(rows[0]!.total) : 0,
  };
}

export const dayTime = (day: string) => `${day}T00:00:00.000Z`;

/** The origin for hrefs outside a request (events written by jobs): the configured public URL, else none. */
export function eventOrigin(): string {
  const url = config().publicUrl;
  return url ? new URL(url).origin : '';
}

export function billRef(origin: string, number: number) {
  return {
    id: String(number),
    href: `${origin}${BILL_BASE}/customerBill/${number}`,
    '@referredType': 'CustomerBill',
  };
}

export function customerBillDoc(r: BillRow, origin: string): Record<string, unknown> {
  const n = r.number;
  const href = `${origin}${BILL_BASE}/customerBill/${n}`;
  return {
    id: String(n),
    href,
    billNo: String(n),
    billDate: dayTime(r.bill_date),
    lastUpdate: r.last_update,
    nextBillDate: dayTime(r.next_period_end),
    paymentDueDate: dayTime(r.due_date),
    // A bill is issued at each period close; none is issued off-cycle (see customerBillOnDemand).
    runType: 'onCycle',
    category: 'normal',
    state: TMF_BILL_STATE[r.state],
    // The period that closed (its usage is on the bill); an opening bill covers the period it opens.
    billingPeriod: {
      startDateTime: dayTime(r.closed_period_start ?? r.bill_date),
      endDateTime: dayTime(r.closed_period_start ? r.bill_date : r.next_period_end),
    },
    amountDue: money(r.total_cents),
    remainingAmount: money(r.state === 'settled' ? 0 : r.total_cents),
    // The portal charges no tax of its own: the amounts are as charged.
    taxExcludedAmount: money(r.total_cents),
    taxIncludedAmount: money(r.total_cents),
    billDocument: [
      {
        id: `bill-${n}-pdf`,
        url: `${href}/document`,
        name: `bill-${n}.pdf`,
        mimeType: 'application/pdf',
        attachmentType: 'bill',
        '@type': 'Attachment',
      },
    ],
    billingAccount: { id: r.account_number, name: r.account_number, '@referredType': 'BillingAccount' },
    relatedParty: [
      {
        id: String(r.subscriber_id),
        href: `${origin}${CUSTOMER_BASE}/customer/${r.subscriber_id}`,
        name: r.name,
        role: 'customer',
        '@referredType': 'Customer',
      },
    ],
    '@type': 'CustomerBill',
  };
}

/** A CustomerBill event (create or state change) of one bill, for the hubs' listeners. */
export async function customerBillEvent(
  tx: Queryable,
  billId: number,
  type: 'CustomerBillCreateEvent' | 'CustomerBillStateChangeEvent',
): Promise<NewEvent | null> {
  const row = (await billRows(tx, sql`b.id = ${billId}`)).rows[0];
  return row ? billEventOf(row, type, eventOrigin()) : null;
}

function billEventOf(
  row: BillRow,
  type: 'CustomerBillCreateEvent' | 'CustomerBillStateChangeEvent',
  origin: string,
): NewEvent {
  return {
    type,
    subscriberId: row.subscriber_id,
    payload: { customerBill: customerBillDoc(row, origin) },
    ...(type === 'CustomerBillCreateEvent' ? { eventKey: `CustomerBillCreateEvent:${row.id}` } : {}),
  };
}

/** The CustomerBillCreateEvent of each bill, in the order of `billIds`, from one query (the set-based rollover). */
export async function customerBillCreateEvents(tx: Queryable, billIds: readonly number[]): Promise<NewEvent[]> {
  if (billIds.length === 0) return [];
  const { rows } = await billRows(
    tx,
    sql`b.id in (${sql.join(
      billIds.map((id) => sql`${id}::bigint`),
      sql`, `,
    )})`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const origin = eventOrigin();
  return billIds.flatMap((id) => {
    const row = byId.get(id);
    return row ? [billEventOf(row, 'CustomerBillCreateEvent', origin)] : [];
  });
}
