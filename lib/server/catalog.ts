import 'server-only';
import { asc } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import type { Catalog } from '@/lib/domain/types';

/**
 * The catalog is data in the database. It changes only with a seed or a migration, so each
 * process keeps it for a minute instead of reading seven tables on every request.
 */
const TTL_MS = 60_000;
const g = globalThis as unknown as { __switchboardCatalog?: { at: number; catalog: Promise<Catalog> } };

export async function readCatalog(db: Queryable): Promise<Catalog> {
  const [plans, addOns, includes, availability, requires, excludes, rates] = await Promise.all([
    db.select().from(s.plans).orderBy(asc(s.plans.sortOrder)),
    db.select().from(s.addOns).orderBy(asc(s.addOns.sortOrder)),
    db.select().from(s.planIncludes),
    db.select().from(s.addOnAvailability),
    db.select().from(s.addOnRequires),
    db.select().from(s.addOnExcludes),
    db.select().from(s.usageRates),
  ]);
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
      status: p.status,
      includes: includes
        .filter((i) => i.planCode === p.code)
        .map((i) => i.addOnCode)
        .sort(),
    })),
    addOns: addOns.map((a) => ({
      code: a.code,
      name: a.name,
      monthlyCents: a.monthlyCents,
      kind: a.kind,
      ldMinutes: a.ldMinutes,
      ldUnlimited: a.ldUnlimited,
      intlRateCents: a.intlRateCents,
      availableOn: availability.filter((x) => x.addOnCode === a.code).map((x) => x.planCode),
      requires: requires.filter((x) => x.addOnCode === a.code).map((x) => x.requiredCode),
      excludes: excludes.filter((x) => x.addOnCode === a.code).map((x) => x.excludedCode),
    })),
  };
}

export function getCatalog(db: Queryable): Promise<Catalog> {
  const now = Date.now();
  const hit = g.__switchboardCatalog;
  if (hit && now - hit.at < TTL_MS) return hit.catalog;
  const catalog = readCatalog(db);
  g.__switchboardCatalog = { at: now, catalog };
  catalog.catch(() => {
    if (g.__switchboardCatalog?.catalog === catalog) g.__switchboardCatalog = undefined;
  });
  return catalog;
}

/** After a reset or in tests. */
export function forgetCatalog(): void {
  g.__switchboardCatalog = undefined;
}
