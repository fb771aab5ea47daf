import 'server-only';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { recordAudit } from '../audit';
import { readBills, setBillState } from '../bills';
import { renderBillPdf } from '../bill-pdf';
import { CUSTOMER_BASE } from './customer';
import { BILL_BASE, billRef, billRows, billStateFromTmf, customerBillDoc, dayTime, TMF_BILL_STATE } from './bill-doc';
import {
  applyMergePatch,
  clientAudit,
  createdResponse,
  notFound,
  parseListQuery,
  readBody,
  resourceResponse,
  selectFields,
  tmfJson,
  TmfError,
  type ListQuery,
  type TmfContext,
} from './http';
import { money } from './money';
import { patchableFields, validateBody } from './validate';

/**
 * TMF678 Customer Bill: the bills (customerBill, id = the bill number), their lines
 * (appliedCustomerBillingRate, id = the ledger line's id; lines booked for a bill not issued yet
 * are `isBilled: false`), the PDF as the bill's document, and requests for a bill on demand.
 * Lists are filtered and paginated in the database (there is a bill per subscriber and period,
 * and several lines per bill). Only a bill's state changes (PATCH), through the same use case
 * as the agents' (lib/server/bills.ts setBillState: policy, audit, event).
 */
export { BILL_BASE };

type Doc = Record<string, unknown>;

function origin(ctx: TmfContext): string {
  return ctx.base.slice(0, ctx.base.length - BILL_BASE.length);
}

const NUMBER = /^[1-9][0-9]{0,14}$/;
const asNumber = (raw: string) => (NUMBER.test(raw) ? Number(raw) : null);
const INT = /^[1-9][0-9]{0,9}$/;
const asInt = (raw: string) => (INT.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : null);

/** `col in (values)` from filter values, the unparseable ones matching nothing. */
function anyOf<T>(values: string[], parse: (v: string) => T | null, col: SQL): SQL {
  const ok = values.map(parse).filter((v): v is T => v !== null);
  if (!ok.length) return sql`false`;
  return sql`${col} in (${sql.join(
    ok.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

/** A page of documents with the TMF count headers. */
function pageResponse(docs: Doc[], total: number, q: ListQuery): Response {
  const page = docs.map((d) => selectFields(d, q.fields));
  return tmfJson(page, 200, { 'x-total-count': String(total), 'x-result-count': String(page.length) });
}

// ---------------------------------------------------------------- customerBill

export const BILL_FILTERS = ['id', 'billNo', 'state', 'billingAccount.id', 'relatedParty.id', '@type'];

function billWhere(q: ListQuery): SQL {
  const conds: SQL[] = [sql`true`];
  for (const [k, v] of q.filters) {
    if (k === 'id' || k === 'billNo') conds.push(anyOf(v, asNumber, sql`b.number`));
    else if (k === 'state') conds.push(anyOf(v, billStateFromTmf, sql`b.state::text`));
    else if (k === 'billingAccount.id') conds.push(anyOf(v, (x) => x, sql`sub.account_number`));
    else if (k === 'relatedParty.id') conds.push(anyOf(v, asInt, sql`b.subscriber_id`));
    else if (k === '@type') conds.push(v.includes('CustomerBill') ? sql`true` : sql`false`);
  }
  return sql.join(conds, sql` and `);
}

export async function listBills(ctx: TmfContext): Promise<Response> {
  const q = parseListQuery(ctx.url, BILL_FILTERS);
  const { rows, total } = await billRows(ctx.db, billWhere(q), q);
  return pageResponse(
    rows.map((r) => customerBillDoc(r, origin(ctx))),
    total,
    q,
  );
}

async function oneBill(db: Queryable, rawId: string) {
  const n = asNumber(rawId);
  const row = n === null ? undefined : (await billRows(db, sql`b.number = ${n}`)).rows[0];
  if (!row) throw notFound('customer bill', rawId);
  return row;
}

export async function retrieveBill(ctx: TmfContext, rawId: string): Promise<Response> {
  return resourceResponse(customerBillDoc(await oneBill(ctx.db, rawId), origin(ctx)), ctx.url);
}

/** PATCH: only `state` (new, sent, onHold, settled; a settled bill stays settled). */
export async function patchBill(ctx: TmfContext, rawId: string): Promise<Response> {
  const patch = await readBody(ctx.request);
  const row = await oneBill(ctx.db, rawId);
  const merged = applyMergePatch(
    { state: TMF_BILL_STATE[row.state] } as Doc,
    patch,
    patchableFields('TMF678', 'CustomerBill_Update'),
  );
  validateBody('TMF678', 'CustomerBill_Update', merged);
  const to = billStateFromTmf(String(merged.state));
  if (!to)
    throw new TmfError(
      400,
      'invalid_field',
      'Invalid field',
      `This portal keeps the states ${Object.values(TMF_BILL_STATE).join(', ')}; not "${String(merged.state)}".`,
      'state',
    );
  await setBillState(ctx.client, row.number, to, 'TMF678 PATCH');
  return resourceResponse(customerBillDoc(await oneBill(ctx.db, rawId), origin(ctx)), ctx.url);
}

/** The bill's document: the same PDF the subscriber downloads. */
export async function billDocument(ctx: TmfContext, rawId: string): Promise<Response> {
  const row = await oneBill(ctx.db, rawId);
  const bill = (await readBills(ctx.db, row.subscriber_id, row.number))[0];
  if (!bill) throw notFound('customer bill', rawId);
  const pdf = await renderBillPdf({ subscriber: { name: row.name, accountNumber: row.account_number }, bill });
  return new Response(new Uint8Array(pdf), {
    status: 200,
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="bill-${row.number}.pdf"`,
      'cache-control': 'no-store',
    },
  });
}

// ---------------------------------------------------------------- appliedCustomerBillingRate

export const RATE_FILTERS = ['id', 'isBilled', 'type', 'bill.id', 'billingAccount.id', '@type'];

type RateRow = {
  id: string | number;
  kind: string;
  item_type: string;
  item_code: string;
  description: string;
  amount_cents: number;
  quantity: number | null;
  bill_period_start: string;
  created_at: string | Date;
  bill_number: string | number | null;
  bill_date: string | null;
  account_number: string;
  total: string | number;
};

function rateWhere(q: ListQuery): SQL {
  const conds: SQL[] = [sql`true`];
  for (const [k, v] of q.filters) {
    if (k === 'id') conds.push(anyOf(v, asNumber, sql`l.id`));
    else if (k === 'isBilled') {
      const want = new Set(v);
      if (want.has('true') && want.has('false')) continue;
      conds.push(
        want.has('true') ? sql`l.bill_id is not null` : want.has('false') ? sql`l.bill_id is null` : sql`false`,
      );
    } else if (k === 'type') conds.push(anyOf(v, (x) => x, sql`l.kind::text`));
    else if (k === 'bill.id') conds.push(anyOf(v, asNumber, sql`b.number`));
    else if (k === 'billingAccount.id') conds.push(anyOf(v, (x) => x, sql`sub.account_number`));
    else if (k === '@type') conds.push(v.includes('AppliedCustomerBillingRate') ? sql`true` : sql`false`);
  }
  return sql.join(conds, sql` and `);
}

async function rateRows(db: Queryable, where: SQL, page: { offset: number; limit: number } | null) {
  const result = await db.execute(sql`
    select l.id, l.kind, l.item_type, l.item_code, l.description, l.amount_cents, l.quantity,
      l.bill_period_start::text as bill_period_start, l.created_at, b.number as bill_number,
      b.bill_date::text as bill_date, sub.account_number, count(*) over () as total
    from ledger_lines l
      join subscriptions sn on sn.id = l.subscription_id
      join subscribers sub on sub.id = sn.subscriber_id
      left join bills b on b.id = l.bill_id
    where ${where}
    order by l.id
    ${page ? sql`limit ${page.limit} offset ${page.offset}` : sql``}
  `);
  const rows = (result as unknown as { rows: RateRow[] }).rows;
  return { rows, total: rows.length ? Number(rows[0]!.total) : 0 };
}

function rateDoc(r: RateRow, o: string): Doc {
  const id = String(r.id);
  const billed = r.bill_number !== null;
  return {
    id,
    href: `${o}${BILL_BASE}/appliedCustomerBillingRate/${id}`,
    name: r.description,
    description: r.description,
    // The bill date for a billed line; when it was booked for one still to come.
    date: billed && r.bill_date ? dayTime(r.bill_date) : new Date(r.created_at).toISOString(),
    isBilled: billed,
    type: r.kind,
    taxExcludedAmount: money(r.amount_cents),
    taxIncludedAmount: money(r.amount_cents),
    ...(billed ? { bill: billRef(o, Number(r.bill_number)) } : {}),
    billingAccount: { id: r.account_number, name: r.account_number, '@referredType': 'BillingAccount' },
    characteristic: [
      { name: 'itemType', valueType: 'string', value: r.item_type },
      { name: 'itemCode', valueType: 'string', value: r.item_code },
      { name: 'billedWithPeriodStarting', valueType: 'string', value: r.bill_period_start },
      ...(r.quantity === null ? [] : [{ name: 'quantity', valueType: 'integer', value: r.quantity }]),
    ],
    '@type': 'AppliedCustomerBillingRate',
  };
}

export async function listRates(ctx: TmfContext): Promise<Response> {
  const q = parseListQuery(ctx.url, RATE_FILTERS);
  const { rows, total } = await rateRows(ctx.db, rateWhere(q), q);
  return pageResponse(
    rows.map((r) => rateDoc(r, origin(ctx))),
    total,
    q,
  );
}

export async function retrieveRate(ctx: TmfContext, rawId: string): Promise<Response> {
  const id = asNumber(rawId);
  const row = id === null ? undefined : (await rateRows(ctx.db, sql`l.id = ${id}`, null)).rows[0];
  if (!row) throw notFound('applied customer billing rate', rawId);
  return resourceResponse(rateDoc(row, origin(ctx)), ctx.url);
}

// ---------------------------------------------------------------- customerBillOnDemand

export const ON_DEMAND_FILTERS = ['id', 'state', 'billingAccount.id', 'relatedParty.id', '@type'];

type DemandRow = typeof s.customerBillRequests.$inferSelect & {
  accountNumber: string | null;
  customerName: string | null;
  answeredBy: number | null;
};

/**
 * A request is answered by the account's first bill issued after it was asked (bills are one
 * per period close, numbered without gaps: an extra bill off-cycle would break that).
 */
async function demandRows(db: Queryable, where: SQL, page: { offset: number; limit: number } | null) {
  const result = await db.execute(sql`
    select r.id, r.client_id, r.billing_account_id, r.subscriber_id, r.name, r.description, r.state, r.reason,
      r.requested_on::text as requested_on, r.last_bill_id, r.created_at, sub.account_number, sub.name as customer_name,
      (select min(b.number) from bills b where b.subscriber_id = r.subscriber_id and b.id > coalesce(r.last_bill_id, 0)) as answered_by,
      count(*) over () as total
    from customer_bill_requests r left join subscribers sub on sub.id = r.subscriber_id
    where ${where}
    order by r.id
    ${page ? sql`limit ${page.limit} offset ${page.offset}` : sql``}
  `);
  type Raw = {
    id: number;
    client_id: string | null;
    billing_account_id: string;
    subscriber_id: number | null;
    name: string | null;
    description: string | null;
    state: string;
    reason: string | null;
    requested_on: string;
    last_bill_id: string | number | null;
    created_at: string | Date;
    account_number: string | null;
    customer_name: string | null;
    answered_by: string | number | null;
    total: string | number;
  };
  const raw = (result as unknown as { rows: Raw[] }).rows;
  const rows: DemandRow[] = raw.map((r) => ({
    id: r.id,
    clientId: r.client_id,
    billingAccountId: r.billing_account_id,
    subscriberId: r.subscriber_id,
    name: r.name,
    description: r.description,
    state: r.state,
    reason: r.reason,
    requestedOn: r.requested_on,
    lastBillId: r.last_bill_id === null ? null : Number(r.last_bill_id),
    createdAt: new Date(r.created_at),
    accountNumber: r.account_number,
    customerName: r.customer_name,
    answeredBy: r.answered_by === null ? null : Number(r.answered_by),
  }));
  return { rows, total: raw.length ? Number(raw[0]!.total) : 0 };
}

function demandDoc(r: DemandRow, o: string): Doc {
  const id = String(r.id);
  const state = r.state === 'rejected' ? 'rejected' : r.answeredBy !== null ? 'done' : 'inProgress';
  return {
    id,
    href: `${o}${BILL_BASE}/customerBillOnDemand/${id}`,
    ...(r.name ? { name: r.name } : {}),
    description:
      r.state === 'rejected'
        ? (r.reason ?? 'Rejected.')
        : state === 'done'
          ? `${r.description ? `${r.description} ` : ''}Answered by bill ${r.answeredBy}.`.trim()
          : (r.description ??
            "The account's next bill, issued at the end of its current period, answers this request."),
    lastUpdate: r.createdAt.toISOString(),
    state,
    billingAccount: {
      id: r.billingAccountId,
      ...(r.accountNumber ? { name: r.accountNumber } : {}),
      '@referredType': 'BillingAccount',
    },
    ...(r.subscriberId !== null
      ? {
          relatedParty: {
            id: String(r.subscriberId),
            href: `${o}${CUSTOMER_BASE}/customer/${r.subscriberId}`,
            ...(r.customerName ? { name: r.customerName } : {}),
            role: 'customer',
            '@referredType': 'Customer',
          },
        }
      : {}),
    ...(r.answeredBy !== null ? { customerBill: billRef(o, r.answeredBy) } : {}),
    '@type': 'CustomerBillOnDemand',
  };
}

function demandWhere(ctx: TmfContext, q: ListQuery): SQL {
  const conds: SQL[] = [sql`true`];
  for (const [k, v] of q.filters) {
    if (k === 'id') conds.push(anyOf(v, asInt, sql`r.id`));
    else if (k === 'billingAccount.id') conds.push(anyOf(v, (x) => x, sql`r.billing_account_id`));
    else if (k === 'relatedParty.id') conds.push(anyOf(v, asInt, sql`r.subscriber_id`));
    else if (k === 'state') {
      const parts: SQL[] = [];
      if (v.includes('rejected')) parts.push(sql`r.state = 'rejected'`);
      const answered = sql`exists (select 1 from bills b where b.subscriber_id = r.subscriber_id and b.id > coalesce(r.last_bill_id, 0))`;
      if (v.includes('done')) parts.push(sql`(r.state <> 'rejected' and ${answered})`);
      if (v.includes('inProgress')) parts.push(sql`(r.state <> 'rejected' and not ${answered})`);
      conds.push(parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`);
    } else if (k === '@type') conds.push(v.includes('CustomerBillOnDemand') ? sql`true` : sql`false`);
  }
  void ctx;
  return sql.join(conds, sql` and `);
}

export async function listDemands(ctx: TmfContext): Promise<Response> {
  const q = parseListQuery(ctx.url, ON_DEMAND_FILTERS);
  const { rows, total } = await demandRows(ctx.db, demandWhere(ctx, q), q);
  return pageResponse(
    rows.map((r) => demandDoc(r, origin(ctx))),
    total,
    q,
  );
}

export async function retrieveDemand(ctx: TmfContext, rawId: string): Promise<Response> {
  const id = asInt(rawId);
  const row = id === null ? undefined : (await demandRows(ctx.db, sql`r.id = ${id}`, null)).rows[0];
  if (!row) throw notFound('customer bill on demand', rawId);
  return resourceResponse(demandDoc(row, origin(ctx)), ctx.url);
}

/**
 * POST customerBillOnDemand: stored as asked. An unknown billing account (or none) is stored
 * `rejected` with the reason (201: the request exists, and says why it can't be met); a known
 * one is `inProgress` until the account's next bill.
 */
export async function createDemand(ctx: TmfContext): Promise<Response> {
  const body = validateBody<{
    billingAccount?: { id: string };
    name?: string;
    description?: string;
    state?: string;
    customerBill?: unknown;
    relatedParty?: unknown;
  }>('TMF678', 'CustomerBillOnDemand_Create', await readBody(ctx.request));
  for (const k of ['state', 'customerBill', 'lastUpdate'] as const) {
    if (k in body)
      throw new TmfError(400, 'invalid_field', 'Invalid field', `The field "${k}" is set by the portal.`, k);
  }
  const accountId = body.billingAccount?.id?.trim() ?? '';
  const text = (v: string | undefined, field: string) => {
    if (v === undefined) return null;
    if (v.length > 500) throw new TmfError(400, 'invalid_field', 'Invalid field', `"${field}" is too long.`, field);
    return v;
  };
  const name = text(body.name, 'name');
  const description = text(body.description, 'description');
  const id = await ctx.db.transaction(async (tx) => {
    const sub = accountId
      ? (
          await tx
            .select({ id: s.subscribers.id })
            .from(s.subscribers)
            .where(eq(s.subscribers.accountNumber, accountId.slice(0, 100)))
        )[0]
      : undefined;
    const last = sub
      ? (
          (await tx.execute(sql`select max(id) as id from bills where subscriber_id = ${sub.id}`)) as unknown as {
            rows: { id: string | number | null }[];
          }
        ).rows[0]?.id
      : null;
    const reason = !accountId
      ? 'No billing account was named (billingAccount.id).'
      : !sub
        ? `No billing account has the id "${accountId.slice(0, 100)}".`
        : null;
    const [row] = await tx
      .insert(s.customerBillRequests)
      .values({
        clientId: ctx.client.clientId,
        billingAccountId: accountId.slice(0, 100) || '(none)',
        subscriberId: sub?.id ?? null,
        name,
        description,
        state: reason ? 'rejected' : 'inProgress',
        reason,
        requestedOn: ctx.client.today,
        lastBillId: last === null || last === undefined ? null : Number(last),
      })
      .returning({ id: s.customerBillRequests.id });
    await recordAudit(
      tx,
      clientAudit(ctx.client, 'tmf678.customerBillOnDemand.create', {
        subscriberId: sub?.id,
        after: { id: row!.id, billingAccount: accountId, state: reason ? 'rejected' : 'inProgress', reason },
      }),
    );
    return row!.id;
  });
  const row = (await demandRows(ctx.db, and(sql`r.id = ${id}`) ?? sql`false`, null)).rows[0]!;
  return createdResponse(demandDoc(row, origin(ctx)) as Doc & { href: string });
}
