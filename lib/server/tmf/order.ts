import 'server-only';
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { hasControlCharacters } from '@/lib/contracts/fields';
import { type ChangeIntent, contradictions, isEmptyIntent } from '@/lib/domain/changes';
import type { Catalog } from '@/lib/domain/types';
import { loadAccount } from '../account';
import { recordAudit } from '../audit';
import { getCatalog } from '../catalog';
import { cancelScheduledChange, confirmChange } from '../changes';
import { AppError } from '../errors';
import { recordEvent } from '../outbox';
import {
  clientAudit,
  listResponse,
  notFound,
  parseListQuery,
  readBody,
  resourceResponse,
  tmfJson,
  TmfError,
  type TmfContext,
} from './http';
import { ORDER_BASE, orderRows, productOrderDoc, productOrderEvent, type OrderRow } from './order-doc';
import { validateBody } from './validate';

/**
 * TMF622 Product Ordering. A productOrder is a change request for one customer: items `add`,
 * `modify` or `delete` on the plan and add-on products, naming offerings (TMF620 ids: the plan
 * and add-on codes) or held products (TMF637 ids). It is planned and carried out by the portal's
 * own use case (lib/server/changes.ts confirmChange: timing, reconciliation, proration, one
 * pending change, version, idempotency), as an API client. The same externalId or
 * Idempotency-Key from the same client returns the first order. A well-formed order that can't be
 * carried out (no such customer or offering, not available on the plan, nothing to change…) is
 * stored `rejected` with the reason, answered 201, never a 400 and forgotten.
 */
export { ORDER_BASE };

export const ORDER_FILTERS = [
  'id',
  'state',
  'externalId',
  'orderDate',
  'relatedParty.id',
  'billingAccount.id',
  'productOrderItem.action',
  'productOrderItem.productOffering.id',
  'channel.id',
  '@type',
];

function origin(ctx: TmfContext): string {
  return ctx.base.slice(0, ctx.base.length - ORDER_BASE.length);
}

const ORDER_ID = /^[1-9][0-9]{0,9}$/;
const REJECTED_ID = /^r([1-9][0-9]{0,9})$/;

function whereId(raw: string): SQL | null {
  if (ORDER_ID.test(raw) && Number(raw) <= 2_147_483_647) return sql`o.id = ${Number(raw)}`;
  const m = REJECTED_ID.exec(raw);
  if (m && Number(m[1]) <= 2_147_483_647) return sql`po.id = ${Number(m[1])} and po.order_id is null`;
  return null;
}

export async function listOrders(ctx: TmfContext): Promise<Response> {
  const q = parseListQuery(ctx.url, ORDER_FILTERS);
  // Filters naming a customer narrow the query; the others are applied to the documents.
  const parties = q.filters.get('relatedParty.id');
  const ids = parties?.filter((p) => ORDER_ID.test(p) && Number(p) <= 2_147_483_647).map(Number);
  const where = ids
    ? ids.length
      ? sql`coalesce(o.subscriber_id, po.subscriber_id) in (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )})`
      : sql`false`
    : sql`true`;
  const [catalog, rows] = await Promise.all([getCatalog(ctx.db), orderRows(ctx.db, where)]);
  return listResponse(
    rows.map((r) => productOrderDoc(r, catalog, origin(ctx))),
    q,
  );
}

export async function retrieveOrder(ctx: TmfContext, rawId: string): Promise<Response> {
  const where = whereId(rawId);
  const row = where ? (await orderRows(ctx.db, where))[0] : undefined;
  if (!row) throw notFound('product order', rawId);
  return resourceResponse(productOrderDoc(row, await getCatalog(ctx.db), origin(ctx)), ctx.url);
}

// ---------------------------------------------------------------- reading an order

type Ref = { id?: string; '@referredType'?: string; role?: string };
interface PostedItem {
  id: string;
  action: 'add' | 'modify' | 'delete' | 'noChange';
  productOffering?: { id: string };
  product?: { id?: string; productOffering?: { id: string } };
}
interface PostedOrder {
  externalId?: string;
  productOrderItem: PostedItem[];
  relatedParty?: Ref[];
  billingAccount?: { id: string };
}

/** What an order asks: a plan to move to, add-ons to add and remove (the portal's change intent). */
type OrderIntent = { plan?: string; add: string[]; remove: string[] };

/** The customer an order names: a related party that is a customer (or the only one), or the billing account. */
async function customerOf(db: Queryable, o: PostedOrder): Promise<{ subscriberId: number } | { reason: string }> {
  const parties = o.relatedParty ?? [];
  const party =
    parties.find((p) => p.role?.toLowerCase() === 'customer' || p['@referredType'] === 'Customer') ??
    (parties.length === 1 ? parties[0] : undefined);
  if (party?.id) {
    const id = ORDER_ID.test(party.id) && Number(party.id) <= 2_147_483_647 ? Number(party.id) : null;
    const row =
      id === null
        ? undefined
        : (await db.select({ id: s.subscribers.id }).from(s.subscribers).where(eq(s.subscribers.id, id)))[0];
    return row ? { subscriberId: row.id } : { reason: `No customer has the id "${party.id.slice(0, 100)}".` };
  }
  if (o.billingAccount?.id) {
    const row = (
      await db
        .select({ id: s.subscribers.id })
        .from(s.subscribers)
        .where(eq(s.subscribers.accountNumber, o.billingAccount.id.slice(0, 100)))
    )[0];
    return row
      ? { subscriberId: row.id }
      : { reason: `No billing account has the id "${o.billingAccount.id.slice(0, 100)}".` };
  }
  return { reason: 'The order names no customer (a relatedParty with role "customer", or a billingAccount).' };
}

/** The offering an item names: its productOffering, or the offering of the held product (TMF637 id "<customer>-<code>-<n>"). */
function offeringOf(item: PostedItem): string | null {
  const direct = item.productOffering?.id ?? item.product?.productOffering?.id;
  if (direct) return direct;
  const m = /^\d+-(.+)-\d+$/.exec(item.product?.id ?? '');
  return m ? m[1]! : null;
}

/** The items as a change intent, or the reason they can't be one. Pure. */
export function intentOf(catalog: Catalog, items: PostedItem[]): ChangeIntent | { reason: string } {
  const intent: OrderIntent = { add: [], remove: [] };
  for (const item of items) {
    if (item.action === 'noChange') continue;
    const code = offeringOf(item);
    if (!code) return { reason: `Item ${item.id} names no product offering (productOffering.id) or held product.` };
    const plan = catalog.plans.find((p) => p.code === code);
    const addOn = catalog.addOns.find((a) => a.code === code);
    if (!plan && !addOn) return { reason: `Item ${item.id}: no product offering has the id "${code.slice(0, 100)}".` };
    if (plan) {
      if (item.action === 'delete')
        return { reason: `Item ${item.id}: a plan can't be removed; order another plan (modify) instead.` };
      if (intent.plan && intent.plan !== plan.code)
        return { reason: `Item ${item.id}: an order can move to one plan only.` };
      intent.plan = plan.code;
    } else if (item.action === 'add') intent.add.push(addOn!.code);
    else if (item.action === 'delete') intent.remove.push(addOn!.code);
    else return { reason: `Item ${item.id}: an add-on has nothing to modify; add or delete it.` };
  }
  const both = contradictions(intent);
  if (both.length) return { reason: `The order both adds and removes ${both.join(', ')}.` };
  if (isEmptyIntent(intent)) return { reason: 'The order asks for no change (every item is noChange).' };
  return intent;
}

// ---------------------------------------------------------------- placing an order

function idempotencyKeyOf(request: Request): string | null {
  const raw = request.headers.get('idempotency-key');
  if (raw === null) return null;
  const key = raw.trim();
  if (!key || key.length > 200 || hasControlCharacters(key))
    throw new TmfError(
      400,
      'invalid_header',
      'Invalid header',
      'Idempotency-Key is 1 to 200 printable characters.',
      'Idempotency-Key',
    );
  return key;
}

async function earlier(db: Queryable, clientId: string, externalId: string | null, key: string | null) {
  const conds: SQL[] = [];
  if (externalId) conds.push(eq(s.productOrders.externalId, externalId));
  if (key) conds.push(eq(s.productOrders.idempotencyKey, key));
  if (!conds.length) return undefined;
  return (
    await db
      .select({ id: s.productOrders.id })
      .from(s.productOrders)
      .where(and(eq(s.productOrders.clientId, clientId), or(...conds)))
      .limit(1)
  )[0];
}

async function docOfProductOrder(ctx: TmfContext, productOrderId: number): Promise<Record<string, unknown>> {
  const row = (await orderRows(ctx.db, sql`po.id = ${productOrderId}`))[0] as OrderRow;
  return productOrderDoc(row, await getCatalog(ctx.db), origin(ctx));
}

export async function createOrder(ctx: TmfContext): Promise<Response> {
  const posted = validateBody<PostedOrder & Record<string, unknown>>(
    'TMF622',
    'ProductOrder_Create',
    await readBody(ctx.request),
  );
  const key = idempotencyKeyOf(ctx.request);
  const externalId = posted.externalId?.trim() || null;
  if (externalId && (externalId.length > 200 || hasControlCharacters(externalId)))
    throw new TmfError(
      400,
      'invalid_field',
      'Invalid field',
      'externalId is at most 200 printable characters.',
      'externalId',
    );
  for (const k of ['state', 'orderDate', 'completionDate', 'id', 'href'] as const)
    if (k in posted)
      throw new TmfError(400, 'invalid_field', 'Invalid field', `The field "${k}" is set by the portal.`, k);

  const replay = async () => {
    const first = await earlier(ctx.db, ctx.client.clientId, externalId, key);
    return first ? tmfJson(await docOfProductOrder(ctx, first.id), 200) : null;
  };
  const again = await replay();
  if (again) return again;

  const base = {
    clientId: ctx.client.clientId,
    externalId,
    idempotencyKey: key,
    request: posted as Record<string, unknown>,
    orderDate: ctx.client.now,
  };
  const reject = async (reason: string, subscriberId: number | null) => {
    const id = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(s.productOrders)
        .values({ ...base, subscriberId, state: 'rejected', reason })
        .returning({ id: s.productOrders.id });
      await recordAudit(
        tx,
        clientAudit(ctx.client, 'tmf622.productOrder.create', {
          subscriberId: subscriberId ?? undefined,
          detail: { productOrder: `r${row!.id}`, externalId, state: 'rejected', reason },
        }),
      );
      await recordEvent(tx, await productOrderEvent(tx, { productOrderId: row!.id }, 'ProductOrderCreateEvent'));
      return row!.id;
    });
    return tmfCreated(await docOfProductOrder(ctx, id));
  };

  const catalog = await getCatalog(ctx.db);
  const customer = await customerOf(ctx.db, posted);
  if ('reason' in customer) return reject(customer.reason, null);
  const intent = intentOf(catalog, posted.productOrderItem);
  if ('reason' in intent) return reject(intent.reason, customer.subscriberId);

  // The portal's use case plans the intent and carries it out; a change made meanwhile (stale version) is planned again.
  const confirmKey = `tmf622:${ctx.client.clientId}:${externalId ? `x:${externalId}` : key ? `k:${key}` : crypto.randomUUID()}`;
  for (let attempt = 0; ; attempt++) {
    const state = await loadAccount(ctx.db, catalog, customer.subscriberId, ctx.client.today);
    if (!state)
      return reject(`The customer ${customer.subscriberId} has no subscription to change.`, customer.subscriberId);
    try {
      let productOrderId = 0;
      await confirmChange(ctx.client, {
        subscriberId: customer.subscriberId,
        // Planned against the subscription as it is under the change's lock, like the portal's.
        intent,
        version: state.version,
        idempotencyKey: confirmKey,
        reason: `TMF622 order from ${ctx.client.name}${externalId ? ` (${externalId})` : ''}`,
        // In the change's own transaction: the product order row, then its create event.
        afterOrder: async (tx, orderId) => {
          const [row] = await tx
            .insert(s.productOrders)
            .values({ ...base, subscriberId: customer.subscriberId, orderId, state: 'accepted' })
            .returning({ id: s.productOrders.id });
          productOrderId = row!.id;
        },
      });
      if (!productOrderId) {
        // Replayed by confirmChange (a retry after a crash between the two): the first order stands.
        const again2 = await replay();
        if (again2) return again2;
      }
      return tmfCreated(await docOfProductOrder(ctx, productOrderId));
    } catch (e) {
      if (e instanceof AppError && e.code === 'stale' && attempt < 3) continue;
      if (e instanceof AppError && (e.code === 'invalid' || e.code === 'conflict'))
        return reject(e.message, customer.subscriberId);
      throw e;
    }
  }
}

function tmfCreated(doc: Record<string, unknown>): Response {
  return tmfJson(doc, 201, { location: String(doc.href) });
}

// ---------------------------------------------------------------- cancelProductOrder

type CancelRow = typeof s.productOrderCancellations.$inferSelect;

function cancelDoc(r: CancelRow, o: string): Record<string, unknown> {
  const id = String(r.id);
  return {
    id,
    href: `${o}${ORDER_BASE}/cancelProductOrder/${id}`,
    state: r.state,
    ...(r.cancellationReason ? { cancellationReason: r.cancellationReason } : {}),
    ...(r.state === 'done' ? { effectiveCancellationDate: r.createdAt.toISOString() } : {}),
    ...(r.reason ? { description: r.reason } : {}),
    productOrder: {
      id: r.productOrderRef,
      href: `${o}${ORDER_BASE}/productOrder/${r.productOrderRef}`,
      '@referredType': 'ProductOrder',
    },
    '@type': 'CancelProductOrder',
  };
}

export async function listCancellations(ctx: TmfContext): Promise<Response> {
  const q = parseListQuery(ctx.url, ['id', 'state', 'productOrder.id', '@type']);
  const rows = await ctx.db.select().from(s.productOrderCancellations).orderBy(s.productOrderCancellations.id);
  return listResponse(
    rows.map((r) => cancelDoc(r, origin(ctx))),
    q,
  );
}

export async function retrieveCancellation(ctx: TmfContext, rawId: string): Promise<Response> {
  const id = ORDER_ID.test(rawId) && Number(rawId) <= 2_147_483_647 ? Number(rawId) : null;
  const row =
    id === null
      ? undefined
      : (await ctx.db.select().from(s.productOrderCancellations).where(eq(s.productOrderCancellations.id, id)))[0];
  if (!row) throw notFound('cancel product order', rawId);
  return resourceResponse(cancelDoc(row, origin(ctx)), ctx.url);
}

/**
 * POST cancelProductOrder: a pending order (a scheduled change) is cancelled through the
 * portal's use case (done); anything else is stored rejected with the reason.
 */
export async function createCancellation(ctx: TmfContext): Promise<Response> {
  const body = validateBody<{ productOrder: { id: string }; cancellationReason?: string }>(
    'TMF622',
    'CancelProductOrder_Create',
    await readBody(ctx.request),
  );
  const ref = body.productOrder.id.trim().slice(0, 100);
  const cancellationReason = body.cancellationReason?.slice(0, 500) ?? null;
  const where = whereId(ref);
  const row = where ? (await orderRows(ctx.db, where))[0] : undefined;
  let reason: string | null = null;
  if (!row || row.order_id === null)
    reason = row ? 'A rejected order has nothing to cancel.' : `No product order has the id "${ref}".`;
  else if (row.status !== 'scheduled')
    reason =
      row.status === 'applied'
        ? 'That order is completed: it took effect and can no longer be cancelled (order the change back instead).'
        : 'That order is already cancelled.';
  if (!reason && row?.order_id != null && row.subscriber_id !== null) {
    const pending = (
      await ctx.db
        .select({ id: s.scheduledChanges.id })
        .from(s.scheduledChanges)
        .where(and(eq(s.scheduledChanges.orderId, row.order_id), eq(s.scheduledChanges.status, 'pending')))
    )[0];
    try {
      if (!pending) throw new AppError('conflict', 'That order has no pending change to cancel.');
      await cancelScheduledChange(ctx.client, {
        subscriberId: row.subscriber_id,
        scheduledChangeId: pending.id,
        reason: cancellationReason ?? `TMF622 cancelProductOrder from ${ctx.client.name}`,
      });
    } catch (e) {
      if (!(e instanceof AppError) || e.code === 'forbidden') throw e;
      reason = e.message;
    }
  }
  const [stored] = await ctx.db
    .insert(s.productOrderCancellations)
    .values({
      clientId: ctx.client.clientId,
      productOrderRef: ref,
      orderId: row?.order_id ?? null,
      state: reason ? 'rejected' : 'done',
      reason,
      cancellationReason,
    })
    .returning();
  if (reason)
    await recordAudit(
      ctx.db,
      clientAudit(ctx.client, 'tmf622.cancelProductOrder.create', {
        subscriberId: row?.subscriber_id ?? undefined,
        detail: { productOrder: ref, state: 'rejected', reason },
      }),
    );
  const doc = cancelDoc(stored!, origin(ctx));
  return tmfJson(doc, 201, { location: String(doc.href) });
}
