import 'server-only';
import { and, asc, desc, eq, isNull, or, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable, Tx } from '@/db/client';
import { readCatalogTables } from '@/db/catalog-read';
import {
  availableAddOnsOf,
  catalogProblems,
  checkConfiguration,
  configurationLabel,
  definitionOf,
  earliestHolderDay,
  priceChangeImpact,
  priceChangeProblems,
  withItem,
  type ItemDefinition,
} from '@/lib/domain/catalog';
import { USAGE_PROFILE_PERIODS, usageProfile } from '@/lib/domain/offers';
import {
  RATE_NAMES,
  affectedByRate,
  catalogRate,
  isRateCode,
  rateChangeImpact,
  rateChangeProblems,
  type RateHolder,
} from '@/lib/domain/pricing';
import type { AddOn, Catalog, Day, Plan, RateCode } from '@/lib/domain/types';
import type { PriceChangePreview, RateChangePreview } from '@/lib/contracts/catalog';
import type { Actor } from './actor';
import { recordAudit } from './audit';
import { forgetCatalog } from './catalog';
import { getDb, withTransaction } from './db';
import { AppError } from './errors';
import { recordEvents } from './outbox';
import { formats } from './format';
import { authorize, allows, type Operation } from './policy';

/**
 * Admin → Catalog (issue 20, docs/catalog.md "Managing the catalog"): drafts, launch, rule
 * changes, retirement and price changes. Each write is one transaction that validates the
 * catalog it would leave (lib/domain/catalog/validate.ts), writes the catalog tables, writes a
 * new catalog version (the tables as they are after it, in force from the admin's day) and an
 * audit row. Catalog writes are serialized by a row lock on the newest version.
 */

export type ItemKind = 'plan' | 'addon';

/** What an admin types for a plan or an add-on (a draft, or a launched item's rules). */
export interface ItemInput {
  name: string;
  monthlyCents: number;
  // plan
  tier?: number;
  /** null: unlimited. */
  ldMinutes?: number | null;
  includes?: string[];
  availableAddOns?: string[];
  // add-on
  addOnKind?: 'feature' | 'usage';
  availableOn?: string[];
  requires?: string[];
  excludes?: string[];
  extraLdMinutes?: number;
  ldUnlimited?: boolean;
  intlRateCents?: number | null;
  answersSignal?: 'unanswered_calls' | 'missed_while_busy' | null;
}

export interface DraftView {
  id: number;
  kind: ItemKind;
  code: string;
  name: string;
  monthlyCents: number;
  definition: ItemDefinition;
  /** What launching it now would break, in words; empty: it can be launched. */
  problems: string[];
  tmfDraftId: string | null;
  updatedAt: string;
}

export interface AdminCatalogView {
  /** May this actor change the catalog (admins), or only read it (agents)? */
  canEdit: boolean;
  today: Day;
  catalog: Catalog;
  holders: Record<string, number>;
  drafts: DraftView[];
  tmfDrafts: { id: string; name: string; lastUpdate: string; description: string | null }[];
  versions: { id: number; effectiveOn: Day; reason: string; createdAt: string }[];
  priceChanges: {
    id: number;
    /** A plan's or add-on's monthly price, or a pay-per-use rate (per minute). */
    itemType: ItemKind | 'rate';
    itemCode: string;
    oldCents: number;
    newCents: number;
    noticeOn: Day;
    effectiveOn: Day;
    notices: number;
    catalogVersion: number;
  }[];
}

const key = (kind: ItemKind, code: string) => `${kind}:${code}`;

/** How many subscriptions pay for each item now: a plan's subscribers, an add-on's holders (included ones cost nothing). */
async function holderCounts(db: Queryable): Promise<Record<string, number>> {
  const result = await db.execute(sql`
    select 'plan' as kind, plan_code as code, count(*)::int as n from subscriptions group by plan_code
    union all
    select 'addon' as kind, add_on_code as code, count(*)::int as n from subscription_add_ons group by add_on_code
  `);
  const rows = (result as unknown as { rows: { kind: ItemKind; code: string; n: number }[] }).rows;
  return Object.fromEntries(rows.map((r) => [key(r.kind, r.code), Number(r.n)]));
}

function draftDefinition(row: typeof s.catalogItemDrafts.$inferSelect): ItemDefinition {
  return row.definition as unknown as ItemDefinition;
}

function draftView(row: typeof s.catalogItemDrafts.$inferSelect, catalog: Catalog): DraftView {
  const definition = draftDefinition(row);
  const item = definition.kind === 'plan' ? definition.plan : definition.addOn;
  const clash = [...catalog.plans, ...catalog.addOns].some((x) => x.code === row.code);
  return {
    id: row.id,
    kind: row.kind as ItemKind,
    code: row.code,
    name: item.name,
    monthlyCents: item.monthlyCents,
    definition,
    problems: clash
      ? [`The code "${row.code}" is already in the catalog: give the draft another code.`]
      : catalogProblems(withItem(catalog, definition)),
    tmfDraftId: row.tmfDraftId,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The admin catalog: launched and retired items with their rules and holders, drafts, TMF620 drafts, versions. */
export async function getAdminCatalog(actor: Actor): Promise<AdminCatalogView> {
  const db = await getDb();
  await authorize(actor, 'catalog.view', {}, { db, page: true });
  const [catalog, holders, drafts, tmfDrafts, versions, changes] = await Promise.all([
    readCatalogTables(db),
    holderCounts(db),
    db
      .select()
      .from(s.catalogItemDrafts)
      .where(isNull(s.catalogItemDrafts.launchedAt))
      .orderBy(asc(s.catalogItemDrafts.id)),
    db
      .select()
      .from(s.catalogDrafts)
      .where(eq(s.catalogDrafts.resource, 'productOffering'))
      .orderBy(asc(s.catalogDrafts.createdAt)),
    db
      .select({
        id: s.catalogVersions.id,
        effectiveOn: s.catalogVersions.effectiveOn,
        reason: s.catalogVersions.reason,
        createdAt: s.catalogVersions.createdAt,
      })
      .from(s.catalogVersions)
      .orderBy(desc(s.catalogVersions.id))
      .limit(20),
    db.execute(sql`
      select pc.id, pc.item_type, pc.item_code, pc.old_cents, pc.new_cents, pc.notice_on::text as notice_on,
        pc.effective_on::text as effective_on, pc.catalog_version,
        (select count(*)::int from price_notices n where n.price_change_id = pc.id) as notices
      from price_changes pc order by pc.id desc limit 50
    `),
  ]);
  type ChangeRow = {
    id: number;
    item_type: ItemKind | 'rate';
    item_code: string;
    old_cents: number;
    new_cents: number;
    notice_on: string;
    effective_on: string;
    catalog_version: number;
    notices: number;
  };
  return {
    canEdit: allows(actor, 'catalog.edit_rules'),
    today: actor.today,
    catalog,
    holders,
    drafts: drafts.map((d) => draftView(d, catalog)),
    tmfDrafts: tmfDrafts.map((d) => ({
      id: d.id,
      name: d.name,
      lastUpdate: d.lastUpdate.toISOString(),
      description: typeof d.body.description === 'string' ? d.body.description : null,
    })),
    versions: versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
    priceChanges: (changes as unknown as { rows: ChangeRow[] }).rows.map((r) => ({
      id: r.id,
      itemType: r.item_type,
      itemCode: r.item_code,
      oldCents: r.old_cents,
      newCents: r.new_cents,
      noticeOn: r.notice_on,
      effectiveOn: r.effective_on,
      notices: Number(r.notices),
      catalogVersion: r.catalog_version,
    })),
  };
}

/** One draft, for its edit page (a launched one says so, with the day it was launched). */
export async function getCatalogDraft(
  actor: Actor,
  id: number,
): Promise<{ draft: DraftView; catalog: Catalog; launchedAt: string | null }> {
  const db = await getDb();
  await authorize(actor, 'catalog.view', {}, { db, page: true });
  const row = (await db.select().from(s.catalogItemDrafts).where(eq(s.catalogItemDrafts.id, id)))[0];
  if (!row) throw new AppError('not_found', 'That draft was not found.');
  const catalog = await readCatalogTables(db);
  const draft = row.launchedAt ? { ...draftView(row, catalog), problems: [] } : draftView(row, catalog);
  return { draft, catalog, launchedAt: row.launchedAt?.toISOString() ?? null };
}

// ---------------------------------------------------------------- writes

/** Locks the catalog for this transaction's writes (the newest version's row). */
async function lockCatalog(tx: Tx): Promise<void> {
  await tx.execute(sql`select id from catalog_versions order by id desc limit 1 for update`);
}

/**
 * Every write to the launched catalog: the operation authorized, then one transaction holding
 * the catalog lock with the tables as they are; the cached catalog is dropped after it commits.
 */
async function catalogWrite<T>(
  actor: Actor,
  operation: Operation,
  work: (tx: Tx, catalog: Catalog) => Promise<T>,
): Promise<T> {
  const db = await getDb();
  await authorize(actor, operation, {}, { db });
  const out = await withTransaction(async (tx) => {
    await lockCatalog(tx);
    return work(tx, await readCatalogTables(tx));
  });
  forgetCatalog();
  return out;
}

/** Sets columns of a launched plan's or add-on's row. */
async function updateItem(
  tx: Tx,
  kind: ItemKind,
  code: string,
  values: { status?: 'retired'; monthlyCents?: number },
): Promise<void> {
  const set = { ...values, updatedAt: new Date() };
  if (kind === 'plan') await tx.update(s.plans).set(set).where(eq(s.plans.code, code));
  else await tx.update(s.addOns).set(set).where(eq(s.addOns.code, code));
}

function definitionFrom(kind: ItemKind, code: string, input: ItemInput, status: 'active' | 'retired'): ItemDefinition {
  if (kind === 'plan') {
    const plan: Plan = {
      code,
      name: input.name,
      monthlyCents: input.monthlyCents,
      tier: input.tier ?? 1,
      ldMinutes: input.ldMinutes === undefined ? 0 : input.ldMinutes,
      includes: [...new Set(input.includes ?? [])].sort(),
      status,
    };
    return { kind, plan, availableAddOns: [...new Set(input.availableAddOns ?? [])].sort() };
  }
  const addOn: AddOn = {
    code,
    name: input.name,
    monthlyCents: input.monthlyCents,
    kind: input.addOnKind ?? 'feature',
    availableOn: [...new Set(input.availableOn ?? [])].sort(),
    requires: [...new Set(input.requires ?? [])].sort(),
    excludes: [...new Set(input.excludes ?? [])].sort(),
    ldMinutes: input.extraLdMinutes ?? 0,
    ldUnlimited: input.ldUnlimited ?? false,
    intlRateCents: input.intlRateCents ?? null,
    status,
    answersSignal: input.answersSignal ?? null,
  };
  return { kind, addOn };
}

const CODE_RULES: Record<ItemKind, { re: RegExp; words: string }> = {
  plan: { re: /^[A-Z][A-Z0-9_]{1,23}$/, words: 'capital letters, digits and _, starting with a letter (2–24)' },
  addon: { re: /^[a-z][a-z0-9_]{1,31}$/, words: 'small letters, digits and _, starting with a letter (2–32)' },
};

/** Creates a draft plan or add-on (optionally from a TMF620 draft). */
export async function createCatalogDraft(
  actor: Actor,
  input: { kind: ItemKind; code: string; name?: string; tmfDraftId?: string },
): Promise<{ id: number; message: string }> {
  const rule = CODE_RULES[input.kind];
  return catalogWrite(actor, 'catalog.create_draft', async (tx, catalog) => {
    if (!rule.re.test(input.code))
      throw new AppError('invalid', `A ${input.kind === 'plan' ? 'plan' : 'add-on'} code is ${rule.words}.`, {
        code: ['Not a valid code.'],
      });
    let name = input.name?.trim() ?? '';
    let monthlyCents = 0;
    if (input.tmfDraftId) {
      const tmf = (await tx.select().from(s.catalogDrafts).where(eq(s.catalogDrafts.id, input.tmfDraftId)))[0];
      if (!tmf) throw new AppError('not_found', 'That TMF620 draft was not found.');
      name ||= tmf.name;
      monthlyCents = tmfPriceCents(tmf.body) ?? 0;
    }
    if (!name) throw new AppError('invalid', 'Give the draft a name.', { name: ['A name is required.'] });
    const taken =
      [...catalog.plans, ...catalog.addOns].some((x) => x.code === input.code) ||
      (
        await tx
          .select({ id: s.catalogItemDrafts.id })
          .from(s.catalogItemDrafts)
          .where(and(eq(s.catalogItemDrafts.code, input.code), isNull(s.catalogItemDrafts.launchedAt)))
      ).length > 0;
    if (taken)
      throw new AppError('conflict', `The code "${input.code}" is already used in the catalog or by a draft.`, {
        code: ['Already used.'],
      });
    const definition = definitionFrom(input.kind, input.code, { name, monthlyCents }, 'active');
    const [row] = await tx
      .insert(s.catalogItemDrafts)
      .values({
        kind: input.kind,
        code: input.code,
        definition: definition as unknown as Record<string, unknown>,
        tmfDraftId: input.tmfDraftId ?? null,
        createdBy: actor.userId,
      })
      .returning({ id: s.catalogItemDrafts.id });
    await recordAudit(tx, {
      actor,
      action: 'catalog.create_draft',
      outcome: 'ok',
      after: definition,
      detail: { draftId: row!.id, tmfDraftId: input.tmfDraftId ?? null },
    });
    return { id: row!.id, message: `Draft "${name}" created: give it its price and rules, then launch it.` };
  });
}

/** A recurring price in a TMF620 draft body, if it states one in EUR-like units ("price": {"value": 5}). */
function tmfPriceCents(body: Record<string, unknown>): number | null {
  const price = body.price as { value?: unknown } | undefined;
  if (price && typeof price.value === 'number' && price.value >= 0) return Math.round(price.value * 100);
  return null;
}

/** Saves a draft's definition (drafts change nothing subscribers see; no version). */
export async function saveCatalogDraft(
  actor: Actor,
  input: { draftId: number; item: ItemInput },
): Promise<{ message: string; problems: string[] }> {
  const db = await getDb();
  await authorize(actor, 'catalog.edit_draft', {}, { db });
  return withTransaction(async (tx) => {
    const row = (await tx.select().from(s.catalogItemDrafts).where(eq(s.catalogItemDrafts.id, input.draftId)))[0];
    if (!row || row.launchedAt)
      throw new AppError('not_found', 'That draft was not found (it may have been launched).');
    const definition = definitionFrom(row.kind as ItemKind, row.code, input.item, 'active');
    await tx
      .update(s.catalogItemDrafts)
      .set({ definition: definition as unknown as Record<string, unknown>, updatedAt: actor.now })
      .where(eq(s.catalogItemDrafts.id, row.id));
    await recordAudit(tx, {
      actor,
      action: 'catalog.edit_draft',
      outcome: 'ok',
      before: row.definition,
      after: definition,
      detail: { draftId: row.id },
    });
    const problems = catalogProblems(withItem(await readCatalogTables(tx), definition));
    return {
      message:
        problems.length === 0
          ? 'Draft saved. It can be launched.'
          : `Draft saved. Before launching: ${problems.join(' ')}`,
      problems,
    };
  });
}

/** Writes one item and its rule rows as `def` says (exclusions both ways; a plan's availability rows). */
async function writeItem(tx: Tx, def: ItemDefinition, sortOrder: number | null): Promise<void> {
  if (def.kind === 'plan') {
    const p = def.plan;
    const values = {
      code: p.code,
      name: p.name,
      monthlyCents: p.monthlyCents,
      tier: p.tier,
      ldMinutes: p.ldMinutes,
      status: p.status,
      updatedAt: new Date(),
    };
    await tx
      .insert(s.plans)
      .values({ ...values, sortOrder: sortOrder ?? 0 })
      .onConflictDoUpdate({ target: s.plans.code, set: values });
    await tx.delete(s.planIncludes).where(eq(s.planIncludes.planCode, p.code));
    if (p.includes.length)
      await tx.insert(s.planIncludes).values(p.includes.map((addOnCode) => ({ planCode: p.code, addOnCode })));
    await tx.delete(s.addOnAvailability).where(eq(s.addOnAvailability.planCode, p.code));
    if (def.availableAddOns.length)
      await tx
        .insert(s.addOnAvailability)
        .values(def.availableAddOns.map((addOnCode) => ({ addOnCode, planCode: p.code })));
    return;
  }
  const a = def.addOn;
  const values = {
    code: a.code,
    name: a.name,
    monthlyCents: a.monthlyCents,
    kind: a.kind,
    ldMinutes: a.ldMinutes,
    ldUnlimited: a.ldUnlimited,
    intlRateCents: a.intlRateCents,
    status: a.status ?? 'active',
    answersSignal: a.answersSignal ?? null,
    updatedAt: new Date(),
  };
  await tx
    .insert(s.addOns)
    .values({ ...values, sortOrder: sortOrder ?? 0 })
    .onConflictDoUpdate({ target: s.addOns.code, set: values });
  await tx.delete(s.addOnAvailability).where(eq(s.addOnAvailability.addOnCode, a.code));
  if (a.availableOn.length)
    await tx.insert(s.addOnAvailability).values(a.availableOn.map((planCode) => ({ addOnCode: a.code, planCode })));
  await tx.delete(s.addOnRequires).where(eq(s.addOnRequires.addOnCode, a.code));
  if (a.requires.length)
    await tx.insert(s.addOnRequires).values(a.requires.map((requiredCode) => ({ addOnCode: a.code, requiredCode })));
  await tx
    .delete(s.addOnExcludes)
    .where(or(eq(s.addOnExcludes.addOnCode, a.code), eq(s.addOnExcludes.excludedCode, a.code)));
  if (a.excludes.length)
    await tx.insert(s.addOnExcludes).values(
      a.excludes.flatMap((x) => [
        { addOnCode: a.code, excludedCode: x },
        { addOnCode: x, excludedCode: a.code },
      ]),
    );
}

/** Writes the new catalog version (the tables as they are now), in force from the actor's day. */
async function writeVersion(tx: Tx, actor: Actor, reason: string): Promise<{ id: number; catalog: Catalog }> {
  const catalog = await readCatalogTables(tx);
  const problems = catalogProblems(catalog);
  if (problems.length > 0) throw new AppError('invalid', problems.join(' '));
  const [row] = await tx
    .insert(s.catalogVersions)
    .values({ effectiveOn: actor.today, catalog, reason, createdBy: actor.userId })
    .returning({ id: s.catalogVersions.id });
  return { id: row!.id, catalog };
}

/** Subscribers whose configuration the candidate catalog would make invalid, in words (none: empty). */
async function brokenHolders(tx: Queryable, candidate: Catalog): Promise<string[]> {
  const result = await tx.execute(sql`
    select s.plan_code, coalesce((select json_agg(a.add_on_code order by a.add_on_code) from subscription_add_ons a
      where a.subscription_id = s.id), '[]'::json) as add_ons, count(*) over () as total
    from subscriptions s
  `);
  const rows = (result as unknown as { rows: { plan_code: string; add_ons: string[] }[] }).rows;
  const byConfig = new Map<string, { planCode: string; addOns: string[]; n: number }>();
  for (const r of rows) {
    const k = [r.plan_code, ...r.add_ons].join('+');
    const hit = byConfig.get(k);
    if (hit) hit.n++;
    else byConfig.set(k, { planCode: r.plan_code, addOns: r.add_ons, n: 1 });
  }
  const out: string[] = [];
  for (const c of byConfig.values()) {
    if (checkConfiguration(candidate, c).length === 0) continue;
    out.push(`${c.n} subscriber${c.n === 1 ? '' : 's'} on ${configurationLabel(candidate, c)}`);
  }
  return out;
}

/** Launches a draft: validated with the catalog, written, a new version, the draft closed. */
export async function launchCatalogDraft(actor: Actor, draftId: number): Promise<{ message: string; version: number }> {
  return catalogWrite(actor, 'catalog.launch', async (tx, catalog) => {
    const row = (await tx.select().from(s.catalogItemDrafts).where(eq(s.catalogItemDrafts.id, draftId)))[0];
    if (!row || row.launchedAt)
      throw new AppError('not_found', 'That draft was not found (it may have been launched).');
    const view = draftView(row, catalog);
    if (view.problems.length > 0) throw new AppError('invalid', `It can't be launched yet: ${view.problems.join(' ')}`);
    const sortOrder = row.kind === 'plan' ? catalog.plans.length : catalog.addOns.length;
    await writeItem(tx, view.definition, sortOrder);
    await tx.update(s.catalogItemDrafts).set({ launchedAt: actor.now }).where(eq(s.catalogItemDrafts.id, row.id));
    if (row.tmfDraftId)
      await tx
        .update(s.catalogDrafts)
        .set({ lifecycleStatus: 'Launched', lastUpdate: actor.now })
        .where(eq(s.catalogDrafts.id, row.tmfDraftId));
    const version = await writeVersion(tx, actor, `Launched ${view.name}`);
    await recordAudit(tx, {
      actor,
      action: 'catalog.launch',
      outcome: 'ok',
      after: view.definition,
      detail: { draftId: row.id, code: row.code, catalogVersion: version.id },
    });
    return { message: `${view.name} is launched (catalog version ${version.id}).`, version: version.id };
  });
}

/** Changes a launched item's rules (not its price: that is a price change, with notice). */
export async function saveCatalogRules(
  actor: Actor,
  input: { kind: ItemKind; code: string; item: ItemInput },
): Promise<{ message: string; version: number }> {
  return catalogWrite(actor, 'catalog.edit_rules', async (tx, catalog) => {
    const current = definitionOf(catalog, input.kind, input.code);
    if (!current) throw new AppError('not_found', 'That plan or add-on is not in the catalog.');
    const was = current.kind === 'plan' ? current.plan : current.addOn;
    if (input.item.monthlyCents !== was.monthlyCents)
      throw new AppError(
        'invalid',
        `To change the price of ${was.name}, use "Change the price": existing holders must be told 30 days ahead.`,
      );
    const def = definitionFrom(input.kind, input.code, input.item, was.status ?? 'active');
    const candidate = withItem(catalog, def);
    const problems = catalogProblems(candidate);
    if (problems.length > 0) throw new AppError('invalid', problems.join(' '));
    const broken = await brokenHolders(tx, candidate);
    if (broken.length > 0)
      throw new AppError(
        'conflict',
        `That would leave what some subscribers hold invalid (${broken.join('; ')}). Retire the add-on instead, or keep the rule that lets them hold it.`,
      );
    await writeItem(tx, def, null);
    const version = await writeVersion(tx, actor, `Rules of ${def.kind === 'plan' ? def.plan.name : def.addOn.name}`);
    await recordAudit(tx, {
      actor,
      action: 'catalog.edit_rules',
      outcome: 'ok',
      before: current,
      after: def,
      detail: { code: input.code, catalogVersion: version.id },
    });
    return { message: `Saved: catalog version ${version.id} is in force from ${actor.today}.`, version: version.id };
  });
}

/** Retires a launched plan or add-on: its holders keep it, nobody else can choose it. */
export async function retireCatalogItem(
  actor: Actor,
  input: { kind: ItemKind; code: string },
): Promise<{ message: string; version: number }> {
  return catalogWrite(actor, 'catalog.retire', async (tx, catalog) => {
    const def = definitionOf(catalog, input.kind, input.code);
    if (!def) throw new AppError('not_found', 'That plan or add-on is not in the catalog.');
    const item = def.kind === 'plan' ? def.plan : def.addOn;
    if (item.status === 'retired') throw new AppError('conflict', `${item.name} is already retired.`);
    await updateItem(tx, input.kind, input.code, { status: 'retired' });
    const version = await writeVersion(tx, actor, `Retired ${item.name}`);
    const holders = (await holderCounts(tx))[key(input.kind, input.code)] ?? 0;
    await recordAudit(tx, {
      actor,
      action: 'catalog.retire',
      outcome: 'ok',
      before: { status: item.status ?? 'active' },
      after: { status: 'retired' },
      detail: { kind: input.kind, code: input.code, holders, catalogVersion: version.id },
    });
    return {
      message: `${item.name} is retired: the ${holders} subscriber${holders === 1 ? '' : 's'} who have it keep it; nobody else can choose it.`,
      version: version.id,
    };
  });
}

export type { PriceChangePreview };

/**
 * A price change of a launched item. Without `confirm` it only says what it would do (holders,
 * monthly revenue change) and writes nothing. With it: the new price is in a new catalog version
 * at once (new subscribers pay it), each holder now gets a notice (an email through the outbox,
 * old and new price) and keeps the old price until `effectiveOn` (≥ 30 days after the notice).
 */
export async function changeCatalogPrice(
  actor: Actor,
  input: { kind: ItemKind; code: string; newCents: number; effectiveOn: Day; confirm: boolean },
): Promise<{ message: string; preview: PriceChangePreview; saved: boolean }> {
  const out = await catalogWrite(actor, 'catalog.change_price', async (tx, catalog) => {
    const def = definitionOf(catalog, input.kind, input.code);
    if (!def) throw new AppError('not_found', 'That plan or add-on is not in the catalog.');
    const item = def.kind === 'plan' ? def.plan : def.addOn;
    const problems = priceChangeProblems(
      {
        name: item.name,
        oldCents: item.monthlyCents,
        newCents: input.newCents,
        noticeDay: actor.today,
        effectiveOn: input.effectiveOn,
      },
      formats(),
    );
    if (problems.length > 0) throw new AppError('invalid', problems.join(' '));
    const holderRows =
      input.kind === 'plan'
        ? await tx
            .select({ subscriptionId: s.subscriptions.id, subscriberId: s.subscriptions.subscriberId })
            .from(s.subscriptions)
            .where(eq(s.subscriptions.planCode, input.code))
            .orderBy(asc(s.subscriptions.id))
        : await tx
            .select({ subscriptionId: s.subscriptions.id, subscriberId: s.subscriptions.subscriberId })
            .from(s.subscriptionAddOns)
            .innerJoin(s.subscriptions, eq(s.subscriptions.id, s.subscriptionAddOns.subscriptionId))
            .where(eq(s.subscriptionAddOns.addOnCode, input.code))
            .orderBy(asc(s.subscriptions.id));
    const impact = priceChangeImpact(holderRows.length, item.monthlyCents, input.newCents);
    const preview: PriceChangePreview = {
      itemName: item.name,
      oldCents: item.monthlyCents,
      newCents: input.newCents,
      effectiveOn: input.effectiveOn,
      earliest: earliestHolderDay(actor.today),
      holders: impact.holders,
      monthlyRevenueChangeCents: impact.monthlyRevenueChangeCents,
    };
    if (!input.confirm) return { preview, saved: false, version: null };

    await updateItem(tx, input.kind, input.code, { monthlyCents: input.newCents });
    const version = await writeVersion(
      tx,
      actor,
      `Price of ${item.name}: ${item.monthlyCents} → ${input.newCents} cents`,
    );
    const changeId = await announcePriceChange(tx, actor, holderRows, {
      itemType: input.kind,
      itemCode: input.code,
      itemName: item.name,
      oldCents: item.monthlyCents,
      newCents: input.newCents,
      effectiveOn: input.effectiveOn,
      catalogVersion: version.id,
    });
    await recordAudit(tx, {
      actor,
      action: 'catalog.change_price',
      outcome: 'ok',
      before: { monthlyCents: item.monthlyCents },
      after: { monthlyCents: input.newCents },
      detail: {
        kind: input.kind,
        code: input.code,
        priceChangeId: changeId,
        effectiveOn: input.effectiveOn,
        holders: impact.holders,
        monthlyRevenueChangeCents: impact.monthlyRevenueChangeCents,
        catalogVersion: version.id,
      },
    });
    return { preview, saved: true, version: version.id };
  });
  const p = out.preview;
  const { money, signedMoney, day } = formats();
  const revenue = signedMoney(p.monthlyRevenueChangeCents);
  const message = out.saved
    ? `Saved (catalog version ${out.version}): new subscribers pay ${money(p.newCents)} from today; the ${p.holders} holder${p.holders === 1 ? '' : 's'} were sent a notice and pay it from ${day(p.effectiveOn)}.`
    : `${p.holders} subscriber${p.holders === 1 ? '' : 's'} hold ${p.itemName}. From ${day(p.effectiveOn)} the monthly revenue changes by ${revenue} (${money(p.oldCents)} → ${money(p.newCents)} each). Confirm to save and send the notices.`;
  return { message, preview: p, saved: out.saved };
}

export type { RateChangePreview };

/** Every subscription with its configuration and usage profile (its last complete periods), for a rate change. */
type RateHolderRow = RateHolder & { subscriptionId: number; subscriberId: number };

/**
 * Every subscription with its configuration and average usage, a page at a time (by id), so a
 * rate change over millions of subscriptions holds one page in memory, not all of them.
 */
async function* rateHolderPages(tx: Queryable, size = 5000): AsyncGenerator<RateHolderRow[]> {
  for (let after = 0; ; ) {
    const page = await rateHolders(tx, after, size);
    if (page.length === 0) return;
    yield page;
    after = page.at(-1)!.subscriptionId;
  }
}

async function rateHolders(tx: Queryable, after: number, size: number): Promise<RateHolderRow[]> {
  const result = await tx.execute(sql`
    select s.id, s.subscriber_id, s.plan_code,
      coalesce((select json_agg(a.add_on_code order by a.add_on_code) from subscription_add_ons a
        where a.subscription_id = s.id), '[]'::json) as add_ons,
      coalesce((select json_agg(json_build_object('periodStart', u.period_start::text, 'ldMinutes', u.ld_minutes,
          'intlMinutes', u.intl_minutes, 'unansweredCalls', u.unanswered_calls, 'missedWhileBusy', u.missed_while_busy))
        from (select * from usage_periods u where u.subscriber_id = s.subscriber_id and u.period_start < s.period_start
          order by u.period_start desc limit ${USAGE_PROFILE_PERIODS}) u), '[]'::json) as usage
    from subscriptions s where s.id > ${after} order by s.id limit ${size}
  `);
  type Row = {
    id: number;
    subscriber_id: number;
    plan_code: string;
    add_ons: string[];
    usage: Parameters<typeof usageProfile>[0];
  };
  return (result as unknown as { rows: Row[] }).rows.map((r) => ({
    subscriptionId: Number(r.id),
    subscriberId: Number(r.subscriber_id),
    config: { planCode: r.plan_code, addOns: r.add_ons },
    usage: usageProfile(r.usage),
  }));
}

/**
 * A price change as holders learn of it, for monthly prices and pay-per-use rates alike: the
 * price_changes row, and for each holder a notice row (their protection until `effectiveOn`)
 * and its email through the outbox, 500 holders a statement (recordEvents, the outbox's one
 * fan-out), not one round trip per holder. Returns the price change's id.
 */
async function announcePriceChange(
  tx: Queryable,
  actor: Actor,
  holders: readonly { subscriptionId: number; subscriberId: number }[],
  change: {
    itemType: 'plan' | 'addon' | 'rate';
    itemCode: string;
    itemName: string;
    oldCents: number;
    newCents: number;
    effectiveOn: Day;
    catalogVersion: number;
  },
): Promise<number> {
  const [row] = await tx
    .insert(s.priceChanges)
    .values({
      itemType: change.itemType,
      itemCode: change.itemCode,
      oldCents: change.oldCents,
      newCents: change.newCents,
      noticeOn: actor.today,
      effectiveOn: change.effectiveOn,
      catalogVersion: change.catalogVersion,
      createdBy: actor.userId,
    })
    .returning({ id: s.priceChanges.id });
  const changeId = row!.id;
  for (let i = 0; i < holders.length; i += 500) {
    const chunk = holders.slice(i, i + 500);
    await tx
      .insert(s.priceNotices)
      .values(chunk.map((h) => ({ priceChangeId: changeId, subscriptionId: h.subscriptionId })));
    await recordEvents(
      tx,
      chunk.map((h) => ({
        type: 'price_change_notice',
        subscriberId: h.subscriberId,
        eventKey: `price_change_notice:${changeId}:${h.subscriptionId}`,
        payload: {
          priceChangeId: changeId,
          itemType: change.itemType,
          itemCode: change.itemCode,
          itemName: change.itemName,
          oldCents: change.oldCents,
          newCents: change.newCents,
          effectiveOn: change.effectiveOn,
        },
      })),
    );
  }
  return changeId;
}

/**
 * A change of a pay-per-use rate (issue 20; docs/catalog.md "Rate changes"), as a price change
 * is: without `confirm` it only says what it would do (the subscriptions whose rate per minute
 * changes, and the monthly revenue change at their own average usage) and writes nothing. With
 * it: the new rate is in a new catalog version at once (new subscribers, and anyone who starts
 * paying the rate from now on, pay it), each affected subscription now gets a notice (an email
 * through the outbox, old and new rate) and keeps the old rate until `effectiveOn` (≥ 30 days
 * after the notice, for a cut as for a rise): a rate protection, which covers the usage of every
 * period that starts before that day.
 */
export async function changeCatalogRate(
  actor: Actor,
  input: { code: string; newCents: number; effectiveOn: Day; confirm: boolean },
): Promise<{ message: string; preview: RateChangePreview; saved: boolean }> {
  const out = await catalogWrite(actor, 'catalog.change_price', async (tx, catalog) => {
    if (!isRateCode(input.code)) throw new AppError('not_found', 'That pay-per-use rate is not in the catalog.');
    const code: RateCode = input.code;
    const oldCents = catalogRate(catalog, code);
    const problems = rateChangeProblems(
      {
        code,
        oldCents,
        newCents: input.newCents,
        noticeDay: actor.today,
        effectiveOn: input.effectiveOn,
      },
      formats(),
    );
    if (problems.length > 0) throw new AppError('invalid', problems.join(' '));
    // Page by page: the impact adds up, and only the affected ids are kept (for the notices).
    const impact = { affected: 0, withUsage: 0, monthlyRevenueChangeCents: 0 };
    const affected: { subscriptionId: number; subscriberId: number }[] = [];
    for await (const page of rateHolderPages(tx)) {
      const part = rateChangeImpact(catalog, page, code, input.newCents);
      impact.affected += part.affected;
      impact.withUsage += part.withUsage;
      impact.monthlyRevenueChangeCents += part.monthlyRevenueChangeCents;
      if (input.confirm)
        for (const h of page)
          if (affectedByRate(catalog, h.config, code, input.newCents))
            affected.push({ subscriptionId: h.subscriptionId, subscriberId: h.subscriberId });
    }
    const preview: RateChangePreview = {
      code,
      rateName: RATE_NAMES[code],
      oldCents,
      newCents: input.newCents,
      effectiveOn: input.effectiveOn,
      earliest: earliestHolderDay(actor.today),
      affected: impact.affected,
      withUsage: impact.withUsage,
      usagePeriods: USAGE_PROFILE_PERIODS,
      monthlyRevenueChangeCents: impact.monthlyRevenueChangeCents,
    };
    if (!input.confirm) return { preview, saved: false, version: null };

    await tx
      .update(s.usageRates)
      .set({ centsPerMinute: input.newCents, updatedAt: new Date() })
      .where(eq(s.usageRates.code, code));
    const version = await writeVersion(
      tx,
      actor,
      `Rate of ${RATE_NAMES[code].toLowerCase()}: ${oldCents} → ${input.newCents} cents a minute`,
    );
    const changeId = await announcePriceChange(tx, actor, affected, {
      itemType: 'rate',
      itemCode: code,
      itemName: RATE_NAMES[code],
      oldCents,
      newCents: input.newCents,
      effectiveOn: input.effectiveOn,
      catalogVersion: version.id,
    });
    await recordAudit(tx, {
      actor,
      action: 'catalog.change_price',
      outcome: 'ok',
      before: { centsPerMinute: oldCents },
      after: { centsPerMinute: input.newCents },
      detail: {
        kind: 'rate',
        code,
        priceChangeId: changeId,
        effectiveOn: input.effectiveOn,
        affected: impact.affected,
        monthlyRevenueChangeCents: impact.monthlyRevenueChangeCents,
        catalogVersion: version.id,
      },
    });
    return { preview, saved: true, version: version.id };
  });
  const p = out.preview;
  const { money, signedMoney, day } = formats();
  const n = `${p.affected} subscriber${p.affected === 1 ? '' : 's'}`;
  const message = out.saved
    ? `Saved (catalog version ${out.version}): new subscribers pay ${money(p.newCents)} a minute from today; the ${n} who ${p.affected === 1 ? 'pays' : 'pay'} the rate now ${p.affected === 1 ? 'was' : 'were'} sent a notice and pay it from ${day(p.effectiveOn)}.`
    : `${n} ${p.affected === 1 ? 'pays' : 'pay'} this rate (${money(p.oldCents)} → ${money(p.newCents)} a minute). At their average usage over their last ${p.usagePeriods} complete periods (${p.withUsage} of them have one), the monthly revenue changes by ${signedMoney(p.monthlyRevenueChangeCents)} from ${day(p.effectiveOn)}. Confirm to save and send the notices.`;
  return { message, preview: p, saved: out.saved };
}

/** The add-ons offered on a plan, for its edit form. */
export { availableAddOnsOf };
