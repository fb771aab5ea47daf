import 'server-only';
import { sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import {
  BILL_STATE_LABELS,
  canChangeBillState,
  sortBillLines,
  type BillState,
  type LineKind,
} from '@/lib/domain/bills';
import { addDays } from '@/lib/domain/periods';
import type { Actor } from './actor';
import type { ApiClientActor } from './api-clients';
import { recordAudit } from './audit';
import { openAccount } from './context';
import { getDb, withTransaction } from './db';
import { AppError } from './errors';
import { recordEvent, wantsTmfEvent } from './outbox';
import { authorize } from './policy';
import { customerBillEvent } from './tmf/bill-doc';

/** One line of an issued bill. */
export interface BillLineView {
  kind: LineKind;
  itemType: string;
  itemCode: string;
  description: string;
  amountCents: number;
  /** Usage lines: the quantity rated (minutes); null otherwise. */
  quantity: number | null;
}

/** An issued bill, as the Bills page, the PDF and the JSON API show it. */
export interface BillView {
  number: number;
  billDate: string;
  dueDate: string;
  /** The closed period whose usage is on the bill (last day inclusive); null on an opening bill. */
  closedPeriod: { start: string; lastDay: string } | null;
  /** The period billed in advance (last day inclusive). */
  billedPeriod: { start: string; lastDay: string };
  totalCents: number;
  creditForwardCents: number;
  state: BillState;
  lines: BillLineView[];
}

export interface BillsView {
  subscriberId: number;
  name: string;
  accountNumber: string;
  /** Newest first. */
  bills: BillView[];
}

type BillRow = {
  number: string | number;
  bill_date: string;
  due_date: string;
  closed_period_start: string | null;
  next_period_end: string;
  total_cents: number;
  credit_forward_cents: number;
  state: BillState;
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
};

function toView(r: BillRow): BillView {
  return {
    number: Number(r.number),
    billDate: r.bill_date,
    dueDate: r.due_date,
    closedPeriod: r.closed_period_start ? { start: r.closed_period_start, lastDay: addDays(r.bill_date, -1) } : null,
    billedPeriod: { start: r.bill_date, lastDay: addDays(r.next_period_end, -1) },
    totalCents: r.total_cents,
    creditForwardCents: r.credit_forward_cents,
    state: r.state,
    lines: sortBillLines(
      (r.lines ?? []).map((l) => ({
        kind: l.kind,
        itemType: l.item_type,
        itemCode: l.item_code,
        description: l.description,
        amountCents: l.amount_cents,
        quantity: l.quantity,
      })),
    ),
  };
}

/** A subscriber's bills with their lines, newest first (one round trip); `number` narrows to one. */
export async function readBills(db: Queryable, subscriberId: number, number?: number): Promise<BillView[]> {
  const result = await db.execute(sql`
    select b.number, b.bill_date::text as bill_date, b.due_date::text as due_date,
      b.closed_period_start::text as closed_period_start, b.next_period_end::text as next_period_end,
      b.total_cents, b.credit_forward_cents, b.state,
      (select json_agg(json_build_object('kind', l.kind, 'item_type', l.item_type, 'item_code', l.item_code,
          'description', l.description, 'amount_cents', l.amount_cents, 'quantity', l.quantity) order by l.id)
        from ledger_lines l where l.bill_id = b.id) as lines
    from bills b
    where b.subscriber_id = ${subscriberId} ${number === undefined ? sql`` : sql`and b.number = ${number}`}
    order by b.bill_date desc, b.number desc
  `);
  return (result as unknown as { rows: BillRow[] }).rows.map(toView);
}

/** Every bill of a subscriber (the subscriber themself, an agent or an admin); the account is rolled over first. */
export async function getBills(actor: Actor, subscriberId: number): Promise<BillsView> {
  const { state } = await openAccount(actor, 'view_bills', { subscriberId });
  return {
    subscriberId,
    name: state.name,
    accountNumber: state.accountNumber,
    bills: await readBills(await getDb(), subscriberId),
  };
}

/** Parses a bill number from a URL segment; anything else is "not found". */
export function parseBillNumber(raw: unknown): number {
  const s = typeof raw === 'string' ? raw : '';
  if (!/^[1-9][0-9]{0,14}$/.test(s)) throw new AppError('not_found', 'That bill was not found.');
  return Number(s);
}

/** One bill of a subscriber, by its number; a bill of another subscriber is "not found". */
export async function getBill(
  actor: Actor,
  subscriberId: number,
  number: number,
): Promise<{ subscriber: { id: number; name: string; accountNumber: string }; bill: BillView }> {
  const { state } = await openAccount(actor, 'view_bill', { subscriberId });
  const bill = (await readBills(await getDb(), subscriberId, number))[0];
  if (!bill) throw new AppError('not_found', 'That bill was not found.');
  return { subscriber: { id: subscriberId, name: state.name, accountNumber: state.accountNumber }, bill };
}

/** A bill and its subscriber by the bill's id, for jobs (the "bill issued" email): no actor. */
export async function readBillById(
  db: Queryable,
  billId: number,
): Promise<{ subscriber: { id: number; name: string; accountNumber: string; email: string }; bill: BillView } | null> {
  const head = (
    (await db.execute(sql`
      select b.number, b.subscriber_id, s.name, s.account_number, s.email
      from bills b join subscribers s on s.id = b.subscriber_id where b.id = ${billId}
    `)) as unknown as {
      rows: { number: string | number; subscriber_id: number; name: string; account_number: string; email: string }[];
    }
  ).rows[0];
  if (!head) return null;
  const bill = (await readBills(db, head.subscriber_id, Number(head.number)))[0]!;
  return {
    subscriber: { id: head.subscriber_id, name: head.name, accountNumber: head.account_number, email: head.email },
    bill,
  };
}

/**
 * Moves an issued bill to another state (sent, on hold, settled): the only change a bill
 * allows (the database refuses any other). For the jobs and the billing back office.
 */
export async function changeBillState(db: Queryable, billId: number, to: BillState): Promise<void> {
  const rows = (
    (await db.execute(sql`select state from bills where id = ${billId} for update`)) as unknown as {
      rows: { state: BillState }[];
    }
  ).rows;
  const from = rows[0]?.state;
  if (!from) throw new AppError('not_found', 'That bill was not found.');
  if (from === to) return;
  if (!canChangeBillState(from, to))
    throw new AppError('conflict', `A bill that is ${from.replace('_', ' ')} can't become ${to.replace('_', ' ')}.`);
  await db.execute(sql`update bills set state = ${to}::bill_state, state_changed_at = now() where id = ${billId}`);
}

/**
 * A bill's state changed by support staff in the portal (with a reason) or by an API client
 * (TMF678 PATCH): authorized by the policy module, audited with the before and after state,
 * and told to the hubs' listeners (CustomerBillStateChangeEvent), in one transaction. The
 * lines and amounts never change (the database refuses it). The same state again is a no-op.
 */
export async function setBillState(
  principal: Actor | ApiClientActor,
  billNumber: number,
  to: BillState,
  reason: string | null,
  /** The account the caller is looking at (the portal): a bill of another is "not found". */
  subscriberId?: number,
): Promise<{ subscriberId: number; from: BillState; to: BillState; changed: boolean; label: string }> {
  // Authorized before the transaction, so that a refusal's audit row is kept (a bill's owner never changes).
  const owner = (
    (await (await getDb()).execute(sql`select subscriber_id from bills where number = ${billNumber}`)) as unknown as {
      rows: { subscriber_id: number }[];
    }
  ).rows[0]?.subscriber_id;
  if (owner === undefined || (subscriberId !== undefined && owner !== subscriberId)) {
    await authorize(principal, 'change_bill_state', subscriberId === undefined ? {} : { subscriberId });
    throw new AppError('not_found', 'That bill was not found.');
  }
  await authorize(principal, 'change_bill_state', { subscriberId: owner });
  return withTransaction(async (tx) => {
    const row = (
      (await tx.execute(
        sql`select id, subscriber_id, state from bills where number = ${billNumber} for update`,
      )) as unknown as { rows: { id: string | number; subscriber_id: number; state: BillState }[] }
    ).rows[0];
    if (!row) throw new AppError('not_found', 'That bill was not found.');
    if (!('kind' in principal) && !reason?.trim())
      throw new AppError('invalid', 'Give a reason for changing the state of this bill.', {
        reason: ['Give a reason.'],
      });
    const billId = Number(row.id);
    const label = BILL_STATE_LABELS[to].toLowerCase();
    if (row.state === to) return { subscriberId: row.subscriber_id, from: row.state, to, changed: false, label };
    if (!canChangeBillState(row.state, to))
      throw new AppError(
        'conflict',
        `A bill that is ${BILL_STATE_LABELS[row.state].toLowerCase()} can't become ${BILL_STATE_LABELS[to].toLowerCase()}.`,
      );
    await tx.execute(sql`update bills set state = ${to}::bill_state, state_changed_at = now() where id = ${billId}`);
    await recordAudit(tx, {
      actor: principal,
      subscriberId: row.subscriber_id,
      action: 'change_bill_state',
      outcome: 'ok',
      reason,
      before: { billNumber, state: row.state },
      after: { billNumber, state: to },
    });
    if (await wantsTmfEvent(tx, 'CustomerBillStateChangeEvent'))
      await recordEvent(tx, await customerBillEvent(tx, billId, 'CustomerBillStateChangeEvent'));
    return { subscriberId: row.subscriber_id, from: row.state, to, changed: true, label };
  });
}
