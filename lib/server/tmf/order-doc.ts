import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import type { ConfigJson } from '@/db/schema';
import { changeDescription } from '@/lib/domain/changes';
import { monthlyRecurringCents } from '@/lib/domain/pricing';
import type { Catalog } from '@/lib/domain/types';
import { getCatalog } from '../catalog';
import type { NewEvent } from '../outbox';
import { wantsTmfEvent } from '../outbox';
import { dayTime, eventOrigin } from './bill-doc';
import { CATALOG_BASE } from './catalog';
import { CUSTOMER_BASE } from './customer';
import { money } from './money';

/**
 * TMF622 ProductOrder documents. Every change is an order (SPEC §3): those made in the portal
 * and by agents (the `orders` table alone) and those placed through TMF622 (`product_orders`,
 * pointing at their order once carried out). A product order's id is its order's id; an order
 * rejected before anything changed has none, and is `r<n>` (n: its product_orders row).
 *
 * State: completed (applied), pending (scheduled for the end of the period), cancelled (a
 * scheduled change cancelled, or replaced by a later one), rejected (with the reason in
 * `description`). An order is planned as it is received, so "acknowledged" is not seen.
 */
export const ORDER_BASE = '/tmf-api/productOrderingManagement/v4';

export interface OrderRow {
  order_id: number | null;
  po_id: number | null;
  subscriber_id: number | null;
  name: string | null;
  account_number: string | null;
  status: 'applied' | 'scheduled' | 'cancelled' | 'replaced' | null;
  from_config: ConfigJson | null;
  to_config: ConfigJson | null;
  effective_date: string | null;
  total_cents: number | null;
  created_at: string | Date | null;
  actor_role: string | null;
  order_reason: string | null;
  external_id: string | null;
  po_state: string | null;
  po_reason: string | null;
  request: Record<string, unknown> | null;
  order_date: string | Date | null;
  client_name: string | null;
}

export async function orderRows(db: Queryable, where: SQL): Promise<OrderRow[]> {
  const result = await db.execute(sql`
    select o.id as order_id, po.id as po_id, coalesce(o.subscriber_id, po.subscriber_id) as subscriber_id,
      sub.name, sub.account_number, o.status::text as status, o.from_config, o.to_config,
      o.effective_date::text as effective_date, o.total_cents, o.created_at, u.role as actor_role, o.reason as order_reason,
      po.external_id, po.state as po_state, po.reason as po_reason, po.request, po.order_date, c.name as client_name
    from orders o
      full join product_orders po on po.order_id = o.id
      left join subscribers sub on sub.id = coalesce(o.subscriber_id, po.subscriber_id)
      left join users u on u.id = o.actor_user_id
      left join api_clients c on c.id = po.client_id
    where ${where}
    order by coalesce(po.order_date, o.created_at), o.id nulls last, po.id
  `);
  return (result as unknown as { rows: OrderRow[] }).rows.map((r) => ({
    ...r,
    order_id: r.order_id === null ? null : Number(r.order_id),
    po_id: r.po_id === null ? null : Number(r.po_id),
  }));
}

export function orderId(r: Pick<OrderRow, 'order_id' | 'po_id'>): string {
  return r.order_id !== null ? String(r.order_id) : `r${r.po_id}`;
}

export function orderState(r: OrderRow): string {
  if (r.po_state === 'rejected' || r.order_id === null) return 'rejected';
  switch (r.status) {
    case 'applied':
      return 'completed';
    case 'scheduled':
      return 'pending';
    default:
      return 'cancelled';
  }
}

const iso = (v: string | Date | null | undefined) => (v ? new Date(v).toISOString() : undefined);

type Item = Record<string, unknown>;

/** The items of a portal order, from its from/to configurations (the plan, then add-ons added and removed). */
function itemsOf(catalog: Catalog, from: ConfigJson, to: ConfigJson, origin: string): Item[] {
  const ref = (code: string) => ({
    id: code,
    href: `${origin}${CATALOG_BASE}/productOffering/${encodeURIComponent(code)}`,
    name: catalog.plans.find((p) => p.code === code)?.name ?? catalog.addOns.find((a) => a.code === code)?.name ?? code,
    '@referredType': 'ProductOffering',
  });
  const items: Item[] = [];
  if (from.planCode !== to.planCode) items.push({ action: 'modify', productOffering: ref(to.planCode) });
  for (const a of to.addOns) if (!from.addOns.includes(a)) items.push({ action: 'add', productOffering: ref(a) });
  for (const a of from.addOns) if (!to.addOns.includes(a)) items.push({ action: 'delete', productOffering: ref(a) });
  if (!items.length) items.push({ action: 'noChange', productOffering: ref(to.planCode) });
  return items.map((it, i) => ({ id: String(i + 1), quantity: 1, ...it, '@type': 'ProductOrderItem' }));
}

export function productOrderDoc(r: OrderRow, catalog: Catalog, origin: string): Record<string, unknown> {
  const id = orderId(r);
  const state = orderState(r);
  const req = r.request ?? {};
  const itemState = state === 'cancelled' ? 'cancelled' : state;
  const items =
    Array.isArray(req.productOrderItem) && req.productOrderItem.length
      ? (req.productOrderItem as Item[]).map((it) => ({ ...it, state: itemState }))
      : r.from_config && r.to_config
        ? itemsOf(catalog, r.from_config, r.to_config, origin).map((it) => ({ ...it, state: itemState }))
        : [];
  const party =
    r.subscriber_id !== null
      ? [
          {
            id: String(r.subscriber_id),
            href: `${origin}${CUSTOMER_BASE}/customer/${r.subscriber_id}`,
            ...(r.name ? { name: r.name } : {}),
            role: 'customer',
            '@referredType': 'Customer',
          },
        ]
      : Array.isArray(req.relatedParty)
        ? req.relatedParty
        : [];
  const channel = r.po_id
    ? { id: 'tmf622', name: r.client_name ?? 'API client' }
    : r.actor_role === 'agent' || r.actor_role === 'admin'
      ? { id: 'agent', name: 'Support agent' }
      : { id: 'portal', name: 'Self-service portal' };
  const description =
    state === 'rejected'
      ? (r.po_reason ?? 'Rejected.')
      : r.from_config && r.to_config
        ? changeDescription(catalog, r.from_config, r.to_config)
        : undefined;
  const orderDate = iso(r.order_date) ?? iso(r.created_at)!;
  return {
    id,
    href: `${origin}${ORDER_BASE}/productOrder/${id}`,
    ...(r.external_id ? { externalId: r.external_id } : {}),
    ...(typeof req.category === 'string' ? { category: req.category } : {}),
    ...(typeof req.priority === 'string' ? { priority: req.priority } : {}),
    ...(description ? { description } : {}),
    orderDate,
    state,
    ...(r.effective_date && state !== 'rejected'
      ? {
          requestedStartDate: dayTime(r.effective_date),
          expectedCompletionDate: dayTime(r.effective_date),
        }
      : {}),
    ...(state === 'completed' && r.effective_date ? { completionDate: dayTime(r.effective_date) } : {}),
    ...(state === 'cancelled'
      ? {
          cancellationReason:
            r.status === 'replaced'
              ? 'Replaced by a later change (one pending change per subscription).'
              : 'The scheduled change was cancelled.',
        }
      : {}),
    ...(r.account_number
      ? { billingAccount: { id: r.account_number, name: r.account_number, '@referredType': 'BillingAccount' } }
      : {}),
    channel: [{ ...channel, '@referredType': 'Channel' }],
    ...(r.to_config && state !== 'rejected'
      ? {
          orderTotalPrice: [
            {
              name: 'Proration on the next bill',
              priceType: 'oneTime',
              price: { taxIncludedAmount: money(r.total_cents ?? 0), '@type': 'Price' },
            },
            {
              name: 'Monthly price after the change',
              priceType: 'recurring',
              recurringChargePeriod: 'month',
              price: { taxIncludedAmount: money(monthlyRecurringCents(catalog, r.to_config)), '@type': 'Price' },
            },
          ],
        }
      : {}),
    productOrderItem: items,
    relatedParty: party,
    ...(Array.isArray(req.note) ? { note: req.note } : {}),
    '@type': 'ProductOrder',
  };
}

/** A ProductOrder event of one order (by its orders id or product_orders id), for the TMF622 hub listeners. */
export async function productOrderEvent(
  tx: Queryable,
  ref: { orderId: number } | { productOrderId: number },
  type: 'ProductOrderCreateEvent' | 'ProductOrderStateChangeEvent',
): Promise<NewEvent | null> {
  if (!(await wantsTmfEvent(tx, type))) return null;
  const rows = await orderRows(tx, 'orderId' in ref ? sql`o.id = ${ref.orderId}` : sql`po.id = ${ref.productOrderId}`);
  const row = rows[0];
  if (!row) return null;
  const doc = productOrderDoc(row, await getCatalog(tx), eventOrigin());
  return { type, subscriberId: row.subscriber_id, payload: { productOrder: doc } };
}
