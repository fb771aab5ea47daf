/**
 * Reading the catalog tables into a Catalog, and the first catalog version (issue 20). Shared by
 * the reference data (start-up, `npm run db:migrate`, the seed) and lib/server/catalog.ts; no
 * `server-only`, so the scripts can run it.
 */
import { asc, desc } from 'drizzle-orm';
import * as s from './schema';
import type { Queryable } from './client';
import type { Catalog } from '../lib/domain/types';

/** The launched and retired catalog as the tables hold it now. */
export async function readCatalogTables(db: Queryable): Promise<Catalog> {
  // One after another, not Promise.all: `db` may be a transaction or a single connection (the
  // seed, a test fixture), where node-postgres queues concurrent queries and warns that pg 9
  // will refuse them. The catalog is read at start-up and after a catalog change, not per page.
  const plans = await db.select().from(s.plans).orderBy(asc(s.plans.sortOrder), asc(s.plans.code));
  const addOns = await db.select().from(s.addOns).orderBy(asc(s.addOns.sortOrder), asc(s.addOns.code));
  const includes = await db.select().from(s.planIncludes);
  const availability = await db.select().from(s.addOnAvailability);
  const requires = await db.select().from(s.addOnRequires);
  const excludes = await db.select().from(s.addOnExcludes);
  const rates = await db.select().from(s.usageRates);
  const rate = (code: string) => {
    const r = rates.find((x) => x.code === code);
    if (!r) throw new Error(`Catalog is missing the usage rate "${code}"`);
    return r.centsPerMinute;
  };
  return {
    rates: { ldOverageCentsPerMinute: rate('ld_overage'), intlCentsPerMinute: rate('intl') },
    plans: plans.map((p) => ({
      code: p.code,
      name: p.name,
      monthlyCents: p.monthlyCents,
      tier: p.tier,
      ldMinutes: p.ldMinutes,
      includes: includes
        .filter((i) => i.planCode === p.code)
        .map((i) => i.addOnCode)
        .sort(),
      status: p.status,
    })),
    addOns: addOns.map((a) => ({
      code: a.code,
      name: a.name,
      monthlyCents: a.monthlyCents,
      kind: a.kind,
      availableOn: availability.filter((x) => x.addOnCode === a.code).map((x) => x.planCode),
      requires: requires.filter((x) => x.addOnCode === a.code).map((x) => x.requiredCode),
      excludes: excludes.filter((x) => x.addOnCode === a.code).map((x) => x.excludedCode),
      ldMinutes: a.ldMinutes,
      ldUnlimited: a.ldUnlimited,
      intlRateCents: a.intlRateCents,
      status: a.status,
      answersSignal: (a.answersSignal as 'unanswered_calls' | 'missed_while_busy' | null) ?? null,
    })),
  };
}

/** A catalog without its version number, in a stable form (keys sorted: jsonb reorders them), to compare content. */
export function catalogContent(c: Catalog): string {
  const { version: _v, ...rest } = c;
  return JSON.stringify(rest, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** The first day of the first version: the history before versioning (the seed's bills) reads it too. */
export const FIRST_VERSION_DAY = '2000-01-01';

/**
 * Makes sure the newest catalog version is what the tables hold: writes the first version
 * (in force from FIRST_VERSION_DAY) on a new database, and a new one, in force from `today`,
 * when the reference data added something. Returns the newest version's id. Idempotent.
 */
export async function ensureCatalogVersion(db: Queryable, today: string): Promise<number> {
  const tables = await readCatalogTables(db);
  const latest = (
    await db
      .select({ id: s.catalogVersions.id, catalog: s.catalogVersions.catalog })
      .from(s.catalogVersions)
      .orderBy(desc(s.catalogVersions.id))
      .limit(1)
  )[0];
  if (latest && catalogContent(latest.catalog) === catalogContent(tables)) return latest.id;
  const [row] = await db
    .insert(s.catalogVersions)
    .values({
      effectiveOn: latest ? today : FIRST_VERSION_DAY,
      catalog: tables,
      reason: latest ? 'Reference data added to the catalog' : 'The catalog as first installed',
    })
    .returning({ id: s.catalogVersions.id });
  return row!.id;
}
