import 'server-only';
import { hasControlCharacters } from '@/lib/contracts/fields';
import { recordAudit } from '../audit';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import {
  applyMergePatch,
  clientAudit,
  createdResponse,
  listResponse,
  notFound,
  parseListQuery,
  readBody,
  resourceResponse,
  tmfJson,
  TmfError,
  type TmfContext,
} from './http';
import { patchableFields, validateBody } from './validate';
import { CURRENCY, money } from './money';

/**
 * TMF620 Product Catalog. How the catalog maps (docs/tmf-api.md says the same for readers):
 * - each plan and each add-on is a ProductOffering (id = its code) with a ProductSpecification of
 *   the same id, a recurring ProductOfferingPrice "<code>-monthly", a Category (plans, feature
 *   add-ons, usage add-ons) and the one Catalog "switchboard";
 * - a plan is a bundle (isBundle): its bundledProductOffering lists the add-ons it includes
 *   (option 1..1, default 1) and the add-ons that can be added to it (option 0..1, default 0).
 *   TMF620 v4.0 has no offering-to-offering relationship, and "this plan comes with / accepts
 *   these add-ons" is exactly what a bundle with options says;
 * - add-ons are sold only on top of a plan (isSellable false); "requires" and "excludes" are
 *   productSpecificationRelationship entries of the add-on's specification, relationshipType
 *   "dependency" and "exclusivity" (the relationship types the document names);
 * - included minutes, tier, kind and rates are characteristics of the specifications; the
 *   pay-per-use rates are usage prices ("rate-ld_overage", "rate-intl", and "intl_saver-intl"
 *   for the rate International Saver gives), referenced from every plan;
 * - lifecycleStatus: active = "Launched", retired = "Retired". Everything written through the API
 *   is a draft ("In design") in catalog_drafts, which nothing subscriber-facing reads; launched
 *   and retired entries are read-only here (the admin catalog launches drafts).
 */

export const CATALOG_BASE = '/tmf-api/productCatalogManagement/v4';

export type CatalogResource =
  | 'productOffering'
  | 'productOfferingPrice'
  | 'productSpecification'
  | 'catalog'
  | 'category';

interface ResourceSpec {
  type: string;
  create: string;
  update: string;
  label: string;
  filterable: string[];
  /** Reference fields checked on write: path in the body → the resource they point at. */
  refs: Array<{ field: string; resource: CatalogResource; many: boolean }>;
}

const COMMON_FILTERS = ['id', 'name', 'lifecycleStatus', 'lastUpdate', 'version', '@type'];

export const CATALOG_RESOURCES: Record<CatalogResource, ResourceSpec> = {
  productOffering: {
    type: 'ProductOffering',
    create: 'ProductOffering_Create',
    update: 'ProductOffering_Update',
    label: 'product offering',
    filterable: [
      ...COMMON_FILTERS,
      'isBundle',
      'isSellable',
      'category.id',
      'productSpecification.id',
      'productOfferingPrice.id',
      'bundledProductOffering.id',
    ],
    refs: [
      { field: 'productSpecification', resource: 'productSpecification', many: false },
      { field: 'category', resource: 'category', many: true },
      { field: 'productOfferingPrice', resource: 'productOfferingPrice', many: true },
      { field: 'bundledProductOffering', resource: 'productOffering', many: true },
    ],
  },
  productOfferingPrice: {
    type: 'ProductOfferingPrice',
    create: 'ProductOfferingPrice_Create',
    update: 'ProductOfferingPrice_Update',
    label: 'product offering price',
    filterable: [...COMMON_FILTERS, 'priceType', 'isBundle', 'recurringChargePeriodType', 'price.unit'],
    refs: [],
  },
  productSpecification: {
    type: 'ProductSpecification',
    create: 'ProductSpecification_Create',
    update: 'ProductSpecification_Update',
    label: 'product specification',
    filterable: [...COMMON_FILTERS, 'isBundle', 'brand', 'productNumber'],
    refs: [
      { field: 'bundledProductSpecification', resource: 'productSpecification', many: true },
      { field: 'productSpecificationRelationship', resource: 'productSpecification', many: true },
    ],
  },
  catalog: {
    type: 'Catalog',
    create: 'Catalog_Create',
    update: 'Catalog_Update',
    label: 'catalog',
    filterable: [...COMMON_FILTERS, 'catalogType', 'category.id'],
    refs: [{ field: 'category', resource: 'category', many: true }],
  },
  category: {
    type: 'Category',
    create: 'Category_Create',
    update: 'Category_Update',
    label: 'category',
    filterable: [...COMMON_FILTERS, 'isRoot', 'parentId', 'productOffering.id'],
    refs: [
      { field: 'productOffering', resource: 'productOffering', many: true },
      { field: 'subCategory', resource: 'category', many: true },
    ],
  },
};

const SERVER_FIELDS = ['id', 'href', 'lastUpdate'];

type Doc = Record<string, unknown>;

// ---------------------------------------------------------------- the launched catalog as TMF resources

const CATEGORY_OF = { plan: 'plans', feature: 'feature-add-ons', usage: 'usage-add-ons' } as const;
const CATEGORY_NAMES = {
  plans: 'Plans',
  'feature-add-ons': 'Feature add-ons',
  'usage-add-ons': 'Usage add-ons',
} as const;
const CATALOG_ID = 'switchboard';

const status = (s: 'active' | 'retired') => (s === 'active' ? 'Launched' : 'Retired');
const iso = (d: Date) => d.toISOString();

/** Every launched and retired entry, built from the catalog tables (the ones subscribers see). */
export async function launchedCatalog(db: Queryable, base: string): Promise<Record<CatalogResource, Doc[]>> {
  const [plans, addOns, includes, availability, requires, excludes, rates] = await Promise.all([
    db.select().from(s.plans).orderBy(asc(s.plans.sortOrder), asc(s.plans.code)),
    db.select().from(s.addOns).orderBy(asc(s.addOns.sortOrder), asc(s.addOns.code)),
    db.select().from(s.planIncludes),
    db.select().from(s.addOnAvailability),
    db.select().from(s.addOnRequires),
    db.select().from(s.addOnExcludes),
    db.select().from(s.usageRates).orderBy(asc(s.usageRates.code)),
  ]);
  const href = (r: CatalogResource, id: string) => `${base}/${r}/${encodeURIComponent(id)}`;
  const ref = (r: CatalogResource, id: string, name: string) => ({ id, href: href(r, id), name });
  const addOnName = new Map(addOns.map((a) => [a.code, a.name]));
  const rateUpdated = new Map(rates.map((r) => [r.code, r.updatedAt]));
  const newest = (...ds: (Date | undefined)[]) =>
    new Date(Math.max(...ds.filter((d): d is Date => !!d).map((d) => d.getTime())));

  const pops: Doc[] = [];
  const specs: Doc[] = [];
  const offerings: Doc[] = [];

  const rateNames: Record<string, string> = {
    ld_overage: 'Long-distance minutes beyond the allowance',
    intl: 'International minutes',
  };
  for (const r of rates) {
    pops.push({
      id: `rate-${r.code}`,
      href: href('productOfferingPrice', `rate-${r.code}`),
      name: rateNames[r.code] ?? r.code,
      description: `Pay per use: ${money(r.centsPerMinute).value.toFixed(2)} ${CURRENCY} a minute.`,
      isBundle: false,
      lifecycleStatus: 'Launched',
      lastUpdate: iso(r.updatedAt),
      priceType: 'usage',
      unitOfMeasure: { amount: 1, units: 'minute' },
      price: money(r.centsPerMinute),
      '@type': 'ProductOfferingPrice',
    });
  }

  for (const p of plans) {
    const popId = `${p.code}-monthly`;
    pops.push({
      id: popId,
      href: href('productOfferingPrice', popId),
      name: `${p.name} monthly charge`,
      isBundle: false,
      lifecycleStatus: status(p.status),
      lastUpdate: iso(p.updatedAt),
      priceType: 'recurring',
      recurringChargePeriodType: 'month',
      recurringChargePeriodLength: 1,
      price: money(p.monthlyCents),
      '@type': 'ProductOfferingPrice',
    });
    const included = includes
      .filter((i) => i.planCode === p.code)
      .map((i) => i.addOnCode)
      .sort();
    specs.push({
      id: p.code,
      href: href('productSpecification', p.code),
      name: p.name,
      description: 'A phone line with unlimited local calling.',
      isBundle: false,
      lifecycleStatus: status(p.status),
      lastUpdate: iso(p.updatedAt),
      productSpecCharacteristic: [
        { name: 'tier', valueType: 'integer', productSpecCharacteristicValue: [{ value: p.tier, isDefault: true }] },
        {
          name: 'includedLongDistanceMinutes',
          valueType: p.ldMinutes === null ? 'string' : 'integer',
          productSpecCharacteristicValue: [
            { value: p.ldMinutes === null ? 'unlimited' : p.ldMinutes, unitOfMeasure: 'minute', isDefault: true },
          ],
        },
        {
          name: 'includedFeatures',
          valueType: 'string',
          productSpecCharacteristicValue: included.map((c) => ({ value: c })),
        },
      ],
      '@type': 'ProductSpecification',
    });
    const available = availability
      .filter((a) => a.planCode === p.code && !included.includes(a.addOnCode))
      .map((a) => a.addOnCode)
      .sort();
    offerings.push({
      id: p.code,
      href: href('productOffering', p.code),
      name: p.name,
      description: `${p.name}: tier ${p.tier} plan.`,
      isBundle: true,
      isSellable: p.status === 'active',
      lifecycleStatus: status(p.status),
      ...(p.status === 'retired'
        ? { statusReason: 'Kept by the subscribers who have it; no longer available to others.' }
        : {}),
      lastUpdate: iso(newest(p.updatedAt, ...included.map((c) => addOns.find((a) => a.code === c)?.updatedAt))),
      productSpecification: ref('productSpecification', p.code, p.name),
      category: [ref('category', CATEGORY_OF.plan, CATEGORY_NAMES.plans)],
      productOfferingPrice: [
        ref('productOfferingPrice', popId, `${p.name} monthly charge`),
        ...rates.map((r) => ref('productOfferingPrice', `rate-${r.code}`, rateNames[r.code] ?? r.code)),
      ],
      bundledProductOffering: [
        ...included.map((c) => ({
          ...ref('productOffering', c, addOnName.get(c) ?? c),
          bundledProductOfferingOption: {
            numberRelOfferLowerLimit: 1,
            numberRelOfferUpperLimit: 1,
            numberRelOfferDefault: 1,
          },
        })),
        ...available.map((c) => ({
          ...ref('productOffering', c, addOnName.get(c) ?? c),
          bundledProductOfferingOption: {
            numberRelOfferLowerLimit: 0,
            numberRelOfferUpperLimit: 1,
            numberRelOfferDefault: 0,
          },
        })),
      ],
      '@type': 'ProductOffering',
    });
  }

  for (const a of addOns) {
    const popId = `${a.code}-monthly`;
    const popRefs = [ref('productOfferingPrice', popId, `${a.name} monthly charge`)];
    pops.push({
      id: popId,
      href: href('productOfferingPrice', popId),
      name: `${a.name} monthly charge`,
      isBundle: false,
      lifecycleStatus: status(a.status),
      lastUpdate: iso(a.updatedAt),
      priceType: 'recurring',
      recurringChargePeriodType: 'month',
      recurringChargePeriodLength: 1,
      price: money(a.monthlyCents),
      '@type': 'ProductOfferingPrice',
    });
    if (a.intlRateCents !== null) {
      const id = `${a.code}-intl`;
      pops.push({
        id,
        href: href('productOfferingPrice', id),
        name: `International minutes with ${a.name}`,
        isBundle: false,
        lifecycleStatus: status(a.status),
        lastUpdate: iso(newest(a.updatedAt, rateUpdated.get('intl'))),
        priceType: 'usage',
        unitOfMeasure: { amount: 1, units: 'minute' },
        price: money(a.intlRateCents),
        '@type': 'ProductOfferingPrice',
      });
      popRefs.push(ref('productOfferingPrice', id, `International minutes with ${a.name}`));
    }
    const characteristics: Doc[] = [
      { name: 'kind', valueType: 'string', productSpecCharacteristicValue: [{ value: a.kind }] },
    ];
    if (a.ldMinutes)
      characteristics.push({
        name: 'extraLongDistanceMinutes',
        valueType: 'integer',
        productSpecCharacteristicValue: [{ value: a.ldMinutes, unitOfMeasure: 'minute' }],
      });
    if (a.ldUnlimited)
      characteristics.push({
        name: 'unlimitedLongDistance',
        valueType: 'boolean',
        productSpecCharacteristicValue: [{ value: true }],
      });
    const relationships = [
      ...requires
        .filter((r) => r.addOnCode === a.code)
        .map((r) => ({
          id: r.requiredCode,
          href: href('productSpecification', r.requiredCode),
          relationshipType: 'dependency',
        })),
      ...excludes
        .filter((r) => r.addOnCode === a.code)
        .map((r) => ({
          id: r.excludedCode,
          href: href('productSpecification', r.excludedCode),
          relationshipType: 'exclusivity',
        })),
    ];
    specs.push({
      id: a.code,
      href: href('productSpecification', a.code),
      name: a.name,
      isBundle: false,
      lifecycleStatus: status(a.status),
      lastUpdate: iso(a.updatedAt),
      productSpecCharacteristic: characteristics,
      productSpecificationRelationship: relationships,
      '@type': 'ProductSpecification',
    });
    offerings.push({
      id: a.code,
      href: href('productOffering', a.code),
      name: a.name,
      isBundle: false,
      isSellable: false,
      lifecycleStatus: status(a.status),
      lastUpdate: iso(a.updatedAt),
      productSpecification: ref('productSpecification', a.code, a.name),
      category: [ref('category', CATEGORY_OF[a.kind], CATEGORY_NAMES[CATEGORY_OF[a.kind]])],
      productOfferingPrice: popRefs,
      '@type': 'ProductOffering',
    });
  }

  const catalogUpdated = iso(
    newest(
      ...plans.map((p) => p.updatedAt),
      ...addOns.map((a) => a.updatedAt),
      ...rates.map((r) => r.updatedAt),
      new Date(0),
    ),
  );
  const categories: Doc[] = (Object.keys(CATEGORY_NAMES) as (keyof typeof CATEGORY_NAMES)[]).map((id) => {
    const members = offerings.filter((o) => (o.category as { id: string }[]).some((c) => c.id === id));
    return {
      id,
      href: href('category', id),
      name: CATEGORY_NAMES[id],
      isRoot: true,
      lifecycleStatus: 'Launched',
      lastUpdate: catalogUpdated,
      productOffering: members.map((o) => ref('productOffering', o.id as string, o.name as string)),
      '@type': 'Category',
    };
  });
  const catalogs: Doc[] = [
    {
      id: CATALOG_ID,
      href: href('catalog', CATALOG_ID),
      name: 'Switchboard consumer catalog',
      catalogType: 'ProductCatalog',
      lifecycleStatus: 'Launched',
      lastUpdate: catalogUpdated,
      category: categories.map((c) => ref('category', c.id as string, c.name as string)),
      '@type': 'Catalog',
    },
  ];
  return {
    productOffering: offerings,
    productOfferingPrice: pops,
    productSpecification: specs,
    catalog: catalogs,
    category: categories,
  };
}

// ---------------------------------------------------------------- drafts

function draftDoc(row: typeof s.catalogDrafts.$inferSelect, base: string): Doc {
  const spec = CATALOG_RESOURCES[row.resource as CatalogResource];
  return {
    ...row.body,
    id: row.id,
    href: `${base}/${row.resource}/${encodeURIComponent(row.id)}`,
    name: row.name,
    lifecycleStatus: row.lifecycleStatus,
    lastUpdate: iso(row.lastUpdate),
    '@type': (row.body['@type'] as string | undefined) ?? spec.type,
  };
}

async function drafts(db: Queryable, resource: CatalogResource, base: string): Promise<Doc[]> {
  const rows = await db
    .select()
    .from(s.catalogDrafts)
    .where(eq(s.catalogDrafts.resource, resource))
    .orderBy(asc(s.catalogDrafts.createdAt), asc(s.catalogDrafts.id));
  return rows.map((r) => draftDoc(r, base));
}

/** Draft ids are UUIDs; anything PostgreSQL text can't hold (NUL) or absurdly long is simply not one. */
const plausibleId = (id: string) => id.length <= 200 && !hasControlCharacters(id);

async function draftById(db: Queryable, resource: CatalogResource, id: string) {
  if (!plausibleId(id)) return undefined;
  const rows = await db
    .select()
    .from(s.catalogDrafts)
    .where(and(eq(s.catalogDrafts.resource, resource), eq(s.catalogDrafts.id, id)))
    .limit(1);
  return rows[0];
}

/** Everything of one resource: launched and retired entries first, then the drafts. */
async function allOf(db: Queryable, resource: CatalogResource, base: string): Promise<Doc[]> {
  const [launched, draft] = await Promise.all([launchedCatalog(db, base), drafts(db, resource, base)]);
  return [...launched[resource], ...draft];
}

/** The draft lifecycle: everything written here is "In design"; launching happens in the admin catalog. */
function checkLifecycle(body: Doc): void {
  if (body.lifecycleStatus !== undefined && body.lifecycleStatus !== 'In design') {
    throw new TmfError(
      400,
      'invalid_field',
      'Invalid field',
      'Entries written through the API are drafts: lifecycleStatus can only be "In design" (the admin catalog launches them).',
      'lifecycleStatus',
    );
  }
}

function checkName(body: Doc): string {
  const name = body.name;
  if (typeof name !== 'string' || !name.trim())
    throw new TmfError(400, 'invalid_field', 'Invalid field', 'The field "name" must be a non-empty string.', 'name');
  if (name.length > 200)
    throw new TmfError(400, 'invalid_field', 'Invalid field', 'The field "name" is at most 200 characters.', 'name');
  return name;
}

/**
 * References: one without an href, or with an href into this API, must name an entry here; one
 * whose href points at another system (another catalog, a PIM) is kept as given.
 */
async function checkRefs(db: Queryable, resource: CatalogResource, body: Doc, base: string): Promise<void> {
  for (const r of CATALOG_RESOURCES[resource].refs) {
    const raw = body[r.field];
    if (raw === undefined) continue;
    const list = (r.many ? raw : [raw]) as { id?: string; href?: string }[];
    for (const [i, item] of list.entries()) {
      if (!item || typeof item.id !== 'string') continue;
      const local = item.href === undefined || item.href.startsWith(`${base}/`);
      if (!local) continue;
      const all = await allOf(db, r.resource, base);
      if (!all.some((d) => d.id === item.id)) {
        const field = r.many ? `${r.field}.${i}.id` : `${r.field}.id`;
        throw new TmfError(
          400,
          'invalid_reference',
          'Invalid reference',
          `No ${CATALOG_RESOURCES[r.resource].label} has the id "${item.id}".`,
          field,
        );
      }
    }
  }
}

function stripServerFields(body: Doc): Doc {
  return Object.fromEntries(
    Object.entries(body).filter(([k]) => !SERVER_FIELDS.includes(k) && k !== 'lifecycleStatus'),
  );
}

// ---------------------------------------------------------------- operations

export async function listCatalog(ctx: TmfContext, resource: CatalogResource): Promise<Response> {
  const q = parseListQuery(ctx.url, CATALOG_RESOURCES[resource].filterable);
  return listResponse(await allOf(ctx.db, resource, ctx.base), q);
}

export async function retrieveCatalog(ctx: TmfContext, resource: CatalogResource, id: string): Promise<Response> {
  const doc = (await allOf(ctx.db, resource, ctx.base)).find((d) => d.id === id);
  if (!doc) throw notFound(CATALOG_RESOURCES[resource].label, id);
  return resourceResponse(doc, ctx.url);
}

export async function createCatalogDraft(ctx: TmfContext, resource: CatalogResource): Promise<Response> {
  const spec = CATALOG_RESOURCES[resource];
  const body = validateBody<Doc>('TMF620', spec.create, await readBody(ctx.request));
  const name = checkName(body);
  checkLifecycle(body);
  await checkRefs(ctx.db, resource, body, ctx.base);
  const id = randomUUID();
  const stored = stripServerFields(body);
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .insert(s.catalogDrafts)
      .values({ id, resource, name, body: stored, createdByClientId: ctx.client.clientId })
      .returning();
    await recordAudit(tx, clientAudit(ctx.client, `tmf620.${resource}.create`, { after: { id, name } }));
    return r!;
  });
  return createdResponse(draftDoc(row, ctx.base) as Doc & { href: string });
}

async function refuseLaunched(
  ctx: TmfContext,
  resource: CatalogResource,
  id: string,
  verb: 'changed' | 'deleted',
): Promise<never> {
  const launched = (await launchedCatalog(ctx.db, ctx.base))[resource].find((d) => d.id === id);
  if (!launched) throw notFound(CATALOG_RESOURCES[resource].label, id);
  throw new TmfError(
    409,
    'not_a_draft',
    'Conflict',
    `"${id}" is ${launched.lifecycleStatus}: launched and retired entries can't be ${verb} through the API (only drafts, "In design", can).`,
    'lifecycleStatus',
  );
}

export async function patchCatalogDraft(ctx: TmfContext, resource: CatalogResource, id: string): Promise<Response> {
  const spec = CATALOG_RESOURCES[resource];
  const patch = await readBody(ctx.request);
  const current = await draftById(ctx.db, resource, id);
  if (!current) return refuseLaunched(ctx, resource, id, 'changed');
  const merged = applyMergePatch(
    { ...current.body, name: current.name, lifecycleStatus: current.lifecycleStatus },
    patch,
    patchableFields('TMF620', spec.update),
  );
  validateBody('TMF620', spec.update, merged);
  const name = checkName(merged);
  checkLifecycle(merged);
  await checkRefs(ctx.db, resource, merged, ctx.base);
  const stored = stripServerFields(merged);
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(s.catalogDrafts)
      .set({ name, body: stored, lastUpdate: sql`now()` })
      .where(and(eq(s.catalogDrafts.id, id), eq(s.catalogDrafts.resource, resource)))
      .returning();
    await recordAudit(
      tx,
      clientAudit(ctx.client, `tmf620.${resource}.update`, {
        before: { name: current.name, ...current.body },
        after: { name, ...stored },
      }),
    );
    return r!;
  });
  return resourceResponse(draftDoc(row, ctx.base), ctx.url);
}

export async function deleteCatalogDraft(ctx: TmfContext, resource: CatalogResource, id: string): Promise<Response> {
  const current = await draftById(ctx.db, resource, id);
  if (!current) return refuseLaunched(ctx, resource, id, 'deleted');
  await ctx.db.transaction(async (tx) => {
    await tx.delete(s.catalogDrafts).where(and(eq(s.catalogDrafts.id, id), eq(s.catalogDrafts.resource, resource)));
    await recordAudit(
      tx,
      clientAudit(ctx.client, `tmf620.${resource}.delete`, { before: { id, name: current.name, ...current.body } }),
    );
  });
  return tmfJson(null, 204);
}
