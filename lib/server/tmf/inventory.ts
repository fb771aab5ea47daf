import 'server-only';
import { sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import type { ConfigJson } from '@/db/schema';
import type { PriceProtection } from '@/lib/domain/catalog';
import type { Catalog, Day } from '@/lib/domain/types';
import {
  catalogForHolder,
  getCatalogVersions,
  protectionFromRow,
  protectionsJsonColumn,
  type CatalogSource,
  type ProtectionRow,
} from '../catalog';
import { CATALOG_BASE } from './catalog';
import { CUSTOMER_BASE } from './customer';
import { listResponse, notFound, parseListQuery, resourceResponse, type TmfContext } from './http';
import { money } from './money';
import { recordEvent, wantsTmfEvent } from '../outbox';
import { eventOrigin } from './bill-doc';

/**
 * TMF637 Product Inventory: what each subscriber holds. The plan is one product and each add-on
 * held another; products ended by an applied change are kept as history ("terminated", with
 * their terminationDate), rebuilt from the orders' from/to configurations. A product that a
 * scheduled change will remove is "pendingTerminate". Read-only here: products change through
 * orders (TMF622, a later issue) and the portal.
 *
 * Product id: "<subscriber id>-<offering code>-<n>", n being the order that started it (0: held
 * since the account opened).
 *
 * A product's price is what its holder pays on the day (issue 20): the catalog version of the
 * day at the holder's price protections (catalogForHolder), so a holder whose notice period is
 * still running sees their old price, a new subscriber the new one.
 */
export const INVENTORY_BASE = '/tmf-api/productInventory/v4';

export const PRODUCT_FILTERS = [
  'id',
  'name',
  'status',
  'isBundle',
  'relatedParty.id',
  'productOffering.id',
  'productSpecification.id',
  'billingAccount.id',
  'startDate',
  'terminationDate',
  '@type',
];

type Doc = Record<string, unknown>;

interface Holder {
  subscriberId: number;
  name: string;
  accountNumber: string;
  joinedOn: string;
  planCode: string;
  addOns: { code: string; addedOn: string }[];
  orders: { id: number; from: ConfigJson; to: ConfigJson; effectiveDate: string }[];
  pending: ConfigJson | null;
  protections: PriceProtection[];
}

interface Held {
  code: string;
  isPlan: boolean;
  start: string;
  startOrder: number;
  end: string | null;
  status: 'active' | 'pendingTerminate' | 'terminated';
}

function items(c: ConfigJson): string[] {
  return [`plan:${c.planCode}`, ...c.addOns.map((a) => `addon:${a}`)];
}

/** The products of one subscriber, current and past (pure). */
export function productsOf(h: Holder): Held[] {
  const out: Held[] = [];
  const open = new Map<string, { start: string; startOrder: number }>();
  const initial = h.orders[0]?.from ?? { planCode: h.planCode, addOns: h.addOns.map((a) => a.code) };
  for (const k of items(initial)) open.set(k, { start: h.joinedOn, startOrder: 0 });
  for (const o of h.orders) {
    const next = new Set(items(o.to));
    for (const [k, v] of open) {
      if (next.has(k)) continue;
      out.push({
        code: k.slice(k.indexOf(':') + 1),
        isPlan: k.startsWith('plan:'),
        start: v.start,
        startOrder: v.startOrder,
        end: o.effectiveDate,
        status: 'terminated',
      });
      open.delete(k);
    }
    for (const k of next) if (!open.has(k)) open.set(k, { start: o.effectiveDate, startOrder: o.id });
  }
  // What is held now is the subscription itself; the orders give it its start.
  const current = items({ planCode: h.planCode, addOns: h.addOns.map((a) => a.code) });
  const leaving = h.pending ? new Set(current.filter((k) => !items(h.pending!).includes(k))) : new Set<string>();
  for (const k of current) {
    const code = k.slice(k.indexOf(':') + 1);
    const known = open.get(k);
    const start = known?.start ?? h.addOns.find((a) => a.code === code)?.addedOn ?? h.joinedOn;
    out.push({
      code,
      isPlan: k.startsWith('plan:'),
      start,
      startOrder: known?.startOrder ?? 0,
      end: null,
      status: leaving.has(k) ? 'pendingTerminate' : 'active',
    });
  }
  return out.sort(
    (a, b) =>
      Number(b.isPlan) - Number(a.isPlan) ||
      (a.end === null ? 0 : 1) - (b.end === null ? 0 : 1) ||
      a.start.localeCompare(b.start) ||
      a.code.localeCompare(b.code),
  );
}

const dayTime = (day: string) => `${day}T00:00:00.000Z`;

function productDoc(h: Holder, p: Held, catalog: Catalog, origin: string): Doc {
  const id = `${h.subscriberId}-${p.code}-${p.startOrder}`;
  const plan = p.isPlan ? catalog.plans.find((x) => x.code === p.code) : undefined;
  const addOn = p.isPlan ? undefined : catalog.addOns.find((x) => x.code === p.code);
  const name = plan?.name ?? addOn?.name ?? p.code;
  const monthly = plan?.monthlyCents ?? addOn?.monthlyCents ?? 0;
  const catalogHref = (r: string, code: string) => `${origin}${CATALOG_BASE}/${r}/${encodeURIComponent(code)}`;
  const characteristics: Doc[] = [];
  if (plan) {
    characteristics.push({ name: 'tier', valueType: 'integer', value: plan.tier });
    characteristics.push(
      plan.ldMinutes === null
        ? { name: 'includedLongDistanceMinutes', valueType: 'string', value: 'unlimited' }
        : { name: 'includedLongDistanceMinutes', valueType: 'integer', value: plan.ldMinutes },
    );
    characteristics.push({ name: 'includedFeatures', valueType: 'array', value: [...plan.includes] });
  }
  if (addOn) {
    characteristics.push({ name: 'kind', valueType: 'string', value: addOn.kind });
    if (addOn.ldMinutes)
      characteristics.push({ name: 'extraLongDistanceMinutes', valueType: 'integer', value: addOn.ldMinutes });
    if (addOn.ldUnlimited) characteristics.push({ name: 'unlimitedLongDistance', valueType: 'boolean', value: true });
    if (addOn.intlRateCents !== null)
      characteristics.push({
        name: 'internationalRatePerMinute',
        valueType: 'object',
        value: money(addOn.intlRateCents),
      });
  }
  return {
    id,
    href: `${origin}${INVENTORY_BASE}/product/${encodeURIComponent(id)}`,
    name,
    isBundle: !!plan,
    isCustomerVisible: true,
    status: p.status,
    startDate: dayTime(p.start),
    ...(p.end ? { terminationDate: dayTime(p.end) } : {}),
    productOffering: {
      id: p.code,
      href: catalogHref('productOffering', p.code),
      name,
      '@referredType': 'ProductOffering',
    },
    productSpecification: {
      id: p.code,
      href: catalogHref('productSpecification', p.code),
      name,
      '@referredType': 'ProductSpecification',
    },
    productPrice: [
      {
        name: `${name} monthly charge`,
        priceType: 'recurring',
        recurringChargePeriod: 'month',
        price: { dutyFreeAmount: money(monthly), '@type': 'Price' },
        productOfferingPrice: {
          id: `${p.code}-monthly`,
          href: catalogHref('productOfferingPrice', `${p.code}-monthly`),
          '@referredType': 'ProductOfferingPrice',
        },
      },
    ],
    productCharacteristic: characteristics,
    relatedParty: [
      {
        id: String(h.subscriberId),
        href: `${origin}${CUSTOMER_BASE}/customer/${h.subscriberId}`,
        name: h.name,
        role: 'customer',
        '@referredType': 'Customer',
      },
    ],
    billingAccount: { id: h.accountNumber, name: h.accountNumber, '@referredType': 'BillingAccount' },
    '@type': 'Product',
  };
}

type Row = {
  subscriber_id: number;
  name: string;
  account_number: string;
  joined_on: string;
  plan_code: string;
  add_ons: { code: string; added_on: string }[] | null;
  orders: { id: number; from: ConfigJson; to: ConfigJson; effective_date: string }[] | null;
  pending: ConfigJson | null;
  protections: ProtectionRow[] | null;
};

/** The holders (subscribers with a subscription), all or the ids given, in one query. */
async function holders(db: Queryable, subscriberIds: number[] | null): Promise<Holder[]> {
  const where = subscriberIds
    ? sql`where sub.id in (${sql.join(subscriberIds.length ? subscriberIds.map((i) => sql`${i}`) : [sql`null`], sql`, `)})`
    : sql``;
  const result = await db.execute(sql`
    select sub.id as subscriber_id, sub.name, sub.account_number, sub.joined_on::text as joined_on, s.plan_code,
      (select json_agg(json_build_object('code', a.add_on_code, 'added_on', a.added_on::text) order by a.add_on_code)
        from subscription_add_ons a where a.subscription_id = s.id) as add_ons,
      (select json_agg(json_build_object('id', o.id, 'from', o.from_config, 'to', o.to_config, 'effective_date', o.effective_date::text) order by o.effective_date, o.id)
        from orders o where o.subscription_id = s.id and o.status = 'applied' and o.kind = 'change') as orders,
      (select sc.target_config from scheduled_changes sc where sc.subscription_id = s.id and sc.status = 'pending') as pending,
      ${protectionsJsonColumn} as protections
    from subscribers sub join subscriptions s on s.subscriber_id = sub.id
    ${where}
    order by sub.id
  `);
  return (result as unknown as { rows: Row[] }).rows.map((r) => ({
    subscriberId: r.subscriber_id,
    name: r.name,
    accountNumber: r.account_number,
    joinedOn: r.joined_on,
    planCode: r.plan_code,
    addOns: (r.add_ons ?? []).map((a) => ({ code: a.code, addedOn: a.added_on })),
    orders: (r.orders ?? []).map((o) => ({ id: o.id, from: o.from, to: o.to, effectiveDate: o.effective_date })),
    pending: r.pending,
    protections: (r.protections ?? []).map(protectionFromRow),
  }));
}

/** One holder's documents, priced as they pay on `today`. */
function docsOf(h: Holder, source: CatalogSource, today: Day, o: string): Doc[] {
  const catalog = catalogForHolder(source, h.protections, today);
  return productsOf(h).map((p) => productDoc(h, p, catalog, o));
}

const SUBSCRIBER_ID = /^[1-9][0-9]{0,9}$/;
const parseSubscriber = (raw: string) => (SUBSCRIBER_ID.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : null);

function origin(ctx: TmfContext): string {
  return ctx.base.slice(0, ctx.base.length - INVENTORY_BASE.length);
}

export async function listProducts(ctx: TmfContext): Promise<Response> {
  const q = parseListQuery(ctx.url, PRODUCT_FILTERS);
  // Filters that name subscribers narrow the query; the rest are applied to the documents.
  const ids = [
    ...(q.filters.get('relatedParty.id') ?? []),
    ...(q.filters.get('id') ?? []).map((id) => id.split('-')[0]!),
  ];
  const narrowed =
    q.filters.has('relatedParty.id') || q.filters.has('id')
      ? [...new Set(ids.map(parseSubscriber).filter((n): n is number => n !== null))]
      : null;
  const [versions, hs] = await Promise.all([getCatalogVersions(ctx.db), holders(ctx.db, narrowed)]);
  const docs = hs.flatMap((h) => docsOf(h, versions, ctx.client.today, origin(ctx)));
  return listResponse(docs, q);
}

export async function retrieveProduct(ctx: TmfContext, id: string): Promise<Response> {
  const subscriberId = parseSubscriber(id.split('-')[0] ?? '');
  if (subscriberId === null) throw notFound('product', id);
  const [versions, hs] = await Promise.all([getCatalogVersions(ctx.db), holders(ctx.db, [subscriberId])]);
  const h = hs[0];
  const doc = h && docsOf(h, versions, ctx.client.today, origin(ctx)).find((d) => d.id === id);
  if (!doc) throw notFound('product', id);
  return resourceResponse(doc, ctx.url);
}

// ---------------------------------------------------------------- events (issue 19)

/** One subscriber's products as TMF637 documents, by id, priced on `today` (for the hubs' Product events). */
export async function productSnapshot(db: Queryable, subscriberId: number, today: Day): Promise<Map<string, Doc>> {
  const [versions, hs] = await Promise.all([getCatalogVersions(db), holders(db, [subscriberId])]);
  const h = hs[0];
  const out = new Map<string, Doc>();
  if (!h) return out;
  for (const d of docsOf(h, versions, today, eventOrigin())) out.set(String(d.id), d);
  return out;
}

/** Whether a TMF637 hub listener wants Product events (callers skip the snapshots otherwise). */
export async function wantsProductEvents(db: Queryable): Promise<boolean> {
  return (await wantsTmfEvent(db, 'ProductCreateEvent')) || (await wantsTmfEvent(db, 'ProductStateChangeEvent'));
}

/**
 * The Product events between two snapshots of one subscriber: ProductCreateEvent for a product
 * that is new, ProductStateChangeEvent for one whose status moved (pendingTerminate, terminated,
 * back to active when a scheduled change is cancelled). Written in the caller's transaction.
 */
export async function recordProductEvents(
  tx: Queryable,
  subscriberId: number,
  before: Map<string, Doc> | null,
  today: Day,
): Promise<void> {
  if (!before) return;
  const after = await productSnapshot(tx, subscriberId, today);
  for (const [id, doc] of after) {
    const was = before.get(id);
    if (!was) await recordEvent(tx, { type: 'ProductCreateEvent', subscriberId, payload: { product: doc } });
    else if (was.status !== doc.status)
      await recordEvent(tx, { type: 'ProductStateChangeEvent', subscriberId, payload: { product: doc } });
  }
}
