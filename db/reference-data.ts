/**
 * Reference data: the catalog of db/catalog-data.ts (plans, add-ons, their rules, usage rates).
 * Every environment has it, a real deployment included: `npm run db:migrate` and every start-up
 * apply it after the migrations. Idempotent: a row that is already there is left as it is
 * (ON CONFLICT DO NOTHING), so running it again, or from several instances at once, changes
 * nothing, and a new plan or add-on added to catalog-data.ts reaches existing databases.
 * Nothing is deleted (subscriptions and orders refer to the catalog).
 *
 * Demo data (accounts, usage) is db/seed.ts: demo and test runs only.
 */
import type { Db } from './client';
import * as s from './schema';
import { catalogData } from './catalog-data';
import { usageKinds } from './usage-kinds';
import type { Catalog } from '../lib/domain/types';

export async function applyReferenceData(db: Db, catalog: Catalog = catalogData): Promise<void> {
  await db
    .insert(s.usageRates)
    .values([
      { code: 'ld_overage', centsPerMinute: catalog.rates.ldOverageCentsPerMinute },
      { code: 'intl', centsPerMinute: catalog.rates.intlCentsPerMinute },
    ])
    .onConflictDoNothing();
  await db
    .insert(s.plans)
    .values(
      catalog.plans.map((p, i) => ({
        code: p.code,
        name: p.name,
        monthlyCents: p.monthlyCents,
        tier: p.tier,
        ldMinutes: p.ldMinutes,
        status: p.status,
        sortOrder: i,
      })),
    )
    .onConflictDoNothing();
  await db
    .insert(s.addOns)
    .values(
      catalog.addOns.map((a, i) => ({
        code: a.code,
        name: a.name,
        monthlyCents: a.monthlyCents,
        kind: a.kind,
        ldMinutes: a.ldMinutes,
        ldUnlimited: a.ldUnlimited,
        intlRateCents: a.intlRateCents,
        sortOrder: i,
      })),
    )
    .onConflictDoNothing();
  const includes = catalog.plans.flatMap((p) => p.includes.map((addOnCode) => ({ planCode: p.code, addOnCode })));
  if (includes.length) await db.insert(s.planIncludes).values(includes).onConflictDoNothing();
  const availability = catalog.addOns.flatMap((a) =>
    a.availableOn.map((planCode) => ({ addOnCode: a.code, planCode })),
  );
  if (availability.length) await db.insert(s.addOnAvailability).values(availability).onConflictDoNothing();
  const req = catalog.addOns.flatMap((a) => a.requires.map((requiredCode) => ({ addOnCode: a.code, requiredCode })));
  if (req.length) await db.insert(s.addOnRequires).values(req).onConflictDoNothing();
  const exc = catalog.addOns.flatMap((a) => a.excludes.map((excludedCode) => ({ addOnCode: a.code, excludedCode })));
  if (exc.length) await db.insert(s.addOnExcludes).values(exc).onConflictDoNothing();
  // Usage in (issue 19): the kinds of usage the network sends (TMF635 usage specifications).
  await db.insert(s.usageSpecifications).values(usageKinds).onConflictDoNothing();
}
