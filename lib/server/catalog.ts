import 'server-only';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { readCatalogTables } from '@/db/catalog-read';
import {
  catalogOfDay,
  holderCatalog,
  protectionItemType,
  usageRatingCatalog,
  type CatalogVersion,
  type PriceProtection,
} from '@/lib/domain/catalog';
import { addDays } from '@/lib/domain/periods';
import type { Catalog, Day } from '@/lib/domain/types';

/**
 * The catalog is data in the database, in versions (issue 20, docs/catalog.md): every launch,
 * rule change, retirement and price change writes a new catalog_versions row, never changed
 * after. Offers, change planning and billing read "the catalog of day D": the newest version
 * in force on D, plus the holder's price protections (lib/domain/catalog/versions.ts).
 *
 * Kept cheap: a version's snapshot is parsed once per process and kept (versions are
 * immutable); the list of versions (ids and days, a few rows) is kept for a minute, and
 * dropped at once by this process's own catalog writes (forgetCatalog). Another instance sees
 * an admin's change within the minute.
 */
const TTL_MS = 60_000;
const g = globalThis as unknown as {
  __switchboardCatalog?: { at: number; versions: Promise<CatalogVersion[]> };
  __switchboardCatalogSnapshots?: Map<number, Catalog>;
};
g.__switchboardCatalogSnapshots ??= new Map<number, Catalog>();
const snapshots = g.__switchboardCatalogSnapshots;

/** The catalog tables as they are now (launched and retired items; not the admin's drafts). */
export async function readCatalog(db: Queryable): Promise<Catalog> {
  return readCatalogTables(db);
}

/** Every catalog version, oldest first, read now (snapshots from the per-process cache). */
export async function readCatalogVersions(db: Queryable): Promise<CatalogVersion[]> {
  const rows = await db
    .select({ id: s.catalogVersions.id, effectiveOn: s.catalogVersions.effectiveOn })
    .from(s.catalogVersions)
    .orderBy(asc(s.catalogVersions.id));
  if (rows.length === 0) {
    // A database migrated without its reference data applied: the tables are the one version.
    return [{ id: 0, effectiveOn: '0001-01-01', catalog: await readCatalogTables(db) }];
  }
  const missing = rows.filter((r) => !snapshots.has(r.id)).map((r) => r.id);
  if (missing.length > 0) {
    const full = await db
      .select({ id: s.catalogVersions.id, catalog: s.catalogVersions.catalog })
      .from(s.catalogVersions)
      .where(inArray(s.catalogVersions.id, missing));
    for (const f of full) snapshots.set(f.id, { ...f.catalog, version: f.id });
  }
  return rows.map((r) => ({ id: r.id, effectiveOn: r.effectiveOn, catalog: snapshots.get(r.id)! }));
}

/** Every catalog version (cached for a minute per process). */
export function getCatalogVersions(db: Queryable): Promise<CatalogVersion[]> {
  const now = Date.now();
  const hit = g.__switchboardCatalog;
  if (hit && now - hit.at < TTL_MS) return hit.versions;
  const versions = readCatalogVersions(db);
  g.__switchboardCatalog = { at: now, versions };
  versions.catch(() => {
    if (g.__switchboardCatalog?.versions === versions) g.__switchboardCatalog = undefined;
  });
  return versions;
}

/** The newest catalog version: what a new subscriber gets today. */
export async function getCatalog(db: Queryable): Promise<Catalog> {
  const versions = await getCatalogVersions(db);
  return versions.reduce((a, b) => (b.id > a.id ? b : a)).catalog;
}

/** The catalog of `day` (the version in force then), without anyone's price protections. */
export async function catalogOn(db: Queryable, day: Day): Promise<Catalog> {
  return catalogOfDay(await getCatalogVersions(db), day);
}

/** Where a use case takes the catalog from: one catalog for every day, or the versions. */
export type CatalogSource = Catalog | readonly CatalogVersion[];

/** The catalog one holder pays on `day`: the version of the day and their running price protections. */
export function catalogForHolder(source: CatalogSource, protections: readonly PriceProtection[], day: Day): Catalog {
  const base = Array.isArray(source) ? catalogOfDay(source as readonly CatalogVersion[], day) : (source as Catalog);
  return holderCatalog(base, protections, day);
}

/**
 * The catalog one holder's usage of `period` is rated with: the version of its last day, their
 * monthly-price protections of that day and the rates they had on its first day (usageRatingCatalog).
 */
export function usageCatalogForHolder(
  source: CatalogSource,
  protections: readonly PriceProtection[],
  period: { start: Day; end: Day },
): Catalog {
  const lastDay = addDays(period.end, -1);
  const base = Array.isArray(source) ? catalogOfDay(source as readonly CatalogVersion[], lastDay) : (source as Catalog);
  return usageRatingCatalog(base, protections, period);
}

/** A subscription's price protections (its price-change notices). */
export async function readProtections(db: Queryable, subscriptionId: number): Promise<PriceProtection[]> {
  return (await readProtectionsOf(db, [subscriptionId])).get(subscriptionId) ?? [];
}

/**
 * The protections of the subscription aliased `s` as one json column (null: none), for the
 * account and inventory queries that read a holder in one statement; `protectionFromRow` reads
 * each element back.
 */
export const protectionsJsonColumn = sql`(select json_agg(json_build_object('id', pc.id, 'item_type', pc.item_type, 'code', pc.item_code,
          'old_cents', pc.old_cents, 'effective_on', pc.effective_on::text) order by pc.id)
        from price_notices n join price_changes pc on pc.id = n.price_change_id
        where n.subscription_id = s.id)`;

/** One element of `protectionsJsonColumn`. */
export type ProtectionRow = { id: number; item_type: string; code: string; old_cents: number; effective_on: string };

export const protectionFromRow = (p: ProtectionRow): PriceProtection => ({
  priceChangeId: p.id,
  itemType: protectionItemType(p.item_type),
  code: p.code,
  oldCents: p.old_cents,
  effectiveOn: p.effective_on,
});

/** The price protections of many subscriptions in one query (the set-based rollover); none: an empty list. */
export async function readProtectionsOf(
  db: Queryable,
  subscriptionIds: readonly number[],
): Promise<Map<number, PriceProtection[]>> {
  const out = new Map<number, PriceProtection[]>(subscriptionIds.map((id) => [id, []]));
  if (subscriptionIds.length === 0) return out;
  const rows = await db
    .select({
      subscriptionId: s.priceNotices.subscriptionId,
      priceChangeId: s.priceChanges.id,
      itemType: s.priceChanges.itemType,
      code: s.priceChanges.itemCode,
      oldCents: s.priceChanges.oldCents,
      effectiveOn: s.priceChanges.effectiveOn,
    })
    .from(s.priceNotices)
    .innerJoin(s.priceChanges, eq(s.priceChanges.id, s.priceNotices.priceChangeId))
    .where(inArray(s.priceNotices.subscriptionId, [...subscriptionIds]));
  for (const { subscriptionId, ...r } of rows)
    out.get(subscriptionId)?.push({ ...r, itemType: protectionItemType(r.itemType) });
  return out;
}

/**
 * After a catalog write, a reset or in tests. The snapshots go too: they are keyed by version id,
 * and a reset (or another test database in the same process) numbers its versions from 1 again.
 */
export function forgetCatalog(): void {
  g.__switchboardCatalog = undefined;
  snapshots.clear();
}
