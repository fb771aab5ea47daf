import 'server-only';
import { randomUUID } from 'node:crypto';
import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { hasControlCharacters } from '@/lib/contracts/fields';
import { checkQuantity, checkRecordId, checkUsageTime } from '@/lib/domain/usage';
import { recordAudit } from '../audit';
import { type NewEvent, wantsTmfEvent } from '../outbox';
import { eventOrigin } from '../tmf/bill-doc';
import {
  clientAudit,
  createdResponse,
  listResponse,
  notFound,
  parseListQuery,
  readBody,
  resourceResponse,
  selectFields,
  TmfError,
  tmfJson,
  type TmfContext,
} from '../tmf/http';
import { validateBody } from '../tmf/validate';
import { ingestApiRecords, MAX_BATCH_RECORDS } from './ingest';
import type { ResolvedOutcome, StagedRow } from './merge';

/**
 * TMF635 Usage (docs/usage.md): usage records in, one (POST usage) or many (POST usageBatch),
 * and read back; the usage specifications are the kinds of usage the network sends.
 *
 * A record: `id` (optional: the operator's own record id, which makes a resend a duplicate;
 * without one the portal assigns a UUID), `usageDate`, `usageSpecification.id` (the kind),
 * `relatedParty` (the subscriber: a Customer by its TMF629 id, or an account or phone number),
 * and the quantity as the `usageCharacteristic` named "quantity". Bad input is a 400 and
 * nothing is stored; a well-formed record that can't be rated is stored `rejected` with its
 * reason (the characteristic "statusReason"), a counted one is `rated`, and one for a period
 * already billed carries the characteristic "late".
 */
export const USAGE_BASE = '/tmf-api/usageManagement/v4';

export const USAGE_FILTERS = ['id', 'status', 'usageSpecification.id', 'relatedParty.id', '@type'];
/** The batch body's limit (a record is a few hundred bytes). */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;

type Doc = Record<string, unknown>;

const bad = (message: string, field: string) => new TmfError(400, 'invalid_field', 'Invalid field', message, field);

/** One Usage body → the staged record, or a 400 naming the field. */
export function parseUsageBody(raw: Doc, line: number): StagedRow {
  const { id: rawId, ...body } = raw;
  let id: string = randomUUID();
  if (rawId !== undefined) {
    if (typeof rawId !== 'string') throw bad('The field "id" must be a string.', 'id');
    const checked = checkRecordId(rawId);
    if (!checked.ok) throw bad(`The field "id" is invalid: ${checked.reason}.`, 'id');
    id = checked.value;
  }
  if ('href' in body) throw bad('The field "href" is set by this system: leave it out.', 'href');
  validateBody('TMF635', 'Usage_Create', body);
  if (body['@type'] !== undefined && body['@type'] !== 'Usage') throw bad('"@type" must be "Usage".', '@type');
  let usageDate: string | null = null;
  if (typeof body.usageDate === 'string') {
    const t = checkUsageTime(body.usageDate);
    if (!t.ok) throw bad(`The field "usageDate" is invalid: ${t.reason}.`, 'usageDate');
    usageDate = t.value;
  }
  const characteristics = (body.usageCharacteristic ?? []) as { name: string; value: unknown }[];
  const q = characteristics.find((c) => c.name === 'quantity');
  let quantity: number | null = null;
  if (q) {
    if (typeof q.value !== 'number')
      throw bad('The characteristic "quantity" must be a number.', 'usageCharacteristic');
    const checked = checkQuantity(q.value);
    if (!checked.ok) throw bad(`The characteristic "quantity" is invalid: ${checked.reason}.`, 'usageCharacteristic');
    quantity = checked.value;
  }
  const parties = (body.relatedParty ?? []) as { id: string; role?: string; '@referredType': string }[];
  const party = parties.find((p) => p.role?.toLowerCase() === 'customer') ?? parties[0];
  let subscriber: string | null = null;
  let customerId: number | null = null;
  if (party) {
    const pid = party.id.trim();
    if (!pid || pid.length > 200 || hasControlCharacters(pid))
      throw bad('The field "relatedParty.id" must name a subscriber.', 'relatedParty.id');
    if (party['@referredType'] === 'Customer' && /^[1-9]\d{0,9}$/.test(pid) && Number(pid) <= 2_147_483_647)
      customerId = Number(pid);
    else subscriber = pid;
  }
  const kind = (body.usageSpecification as { id?: string } | undefined)?.id?.trim() || null;
  if (kind && (kind.length > 200 || hasControlCharacters(kind)))
    throw bad('The field "usageSpecification.id" is invalid.', 'usageSpecification.id');
  return { line, id, subscriber, customerId, usageDate, kind, quantity, detail: body };
}

type RecordRow = {
  id: string;
  subscriberId: number | null;
  subscriberName: string | null;
  usageDate: Date | string | null;
  specId: string | null;
  specName: string | null;
  quantity: number | null;
  status: 'rated' | 'rejected';
  reason: string | null;
  late: boolean;
  detail: Doc | null;
};

function usageDoc(r: RecordRow, base: string): Doc {
  const d = r.detail ?? {};
  const characteristics: Doc[] = Array.isArray(d.usageCharacteristic)
    ? [...(d.usageCharacteristic as Doc[])]
    : r.quantity !== null
      ? [{ name: 'quantity', valueType: 'integer', value: r.quantity }]
      : [];
  if (r.late) characteristics.push({ name: 'late', valueType: 'boolean', value: true });
  if (r.reason) characteristics.push({ name: 'statusReason', valueType: 'string', value: r.reason });
  const o = base.slice(0, base.length - USAGE_BASE.length);
  return {
    ...d,
    id: r.id,
    href: `${base}/usage/${encodeURIComponent(r.id)}`,
    ...(r.usageDate ? { usageDate: new Date(r.usageDate).toISOString() } : {}),
    status: r.status,
    ...(r.specId
      ? {
          usageSpecification: {
            id: r.specId,
            ...(r.specName
              ? { href: `${base}/usageSpecification/${encodeURIComponent(r.specId)}`, name: r.specName }
              : {}),
            '@referredType': 'UsageSpecification',
          },
        }
      : {}),
    relatedParty:
      r.subscriberId !== null
        ? [
            {
              id: String(r.subscriberId),
              href: `${o}/tmf-api/customerManagement/v4/customer/${r.subscriberId}`,
              ...(r.subscriberName ? { name: r.subscriberName } : {}),
              role: 'customer',
              '@referredType': 'Customer',
            },
          ]
        : ((d.relatedParty as Doc[] | undefined) ?? []),
    usageCharacteristic: characteristics,
    '@type': 'Usage',
  };
}

function recordQuery(db: Queryable) {
  return db
    .select({
      id: s.usageRecords.id,
      subscriberId: s.usageRecords.subscriberId,
      subscriberName: s.subscribers.name,
      usageDate: s.usageRecords.usageDate,
      specId: s.usageRecords.specId,
      specName: s.usageSpecifications.name,
      quantity: s.usageRecords.quantity,
      status: s.usageRecords.status,
      reason: s.usageRecords.reason,
      late: s.usageRecords.late,
      detail: s.usageRecords.detail,
    })
    .from(s.usageRecords)
    .leftJoin(s.subscribers, eq(s.subscribers.id, s.usageRecords.subscriberId))
    .leftJoin(s.usageSpecifications, eq(s.usageSpecifications.id, s.usageRecords.specId));
}

/** The list's filters in SQL (the table grows with every record: never read whole). */
function whereOf(filters: Map<string, string[]>): SQL {
  const parts: SQL[] = [sql`true`];
  for (const [key, values] of filters) {
    const any = (col: SQL, vs: (string | number)[]) =>
      vs.length
        ? sql`${col} in (${sql.join(
            vs.map((v) => sql`${v}`),
            sql`, `,
          )})`
        : sql`false`;
    if (key === 'id') parts.push(any(sql`${s.usageRecords.id}`, values));
    else if (key === 'status') parts.push(any(sql`${s.usageRecords.status}::text`, values));
    else if (key === 'usageSpecification.id') parts.push(any(sql`${s.usageRecords.specId}`, values));
    else if (key === 'relatedParty.id')
      parts.push(
        any(
          sql`${s.usageRecords.subscriberId}`,
          values.filter((v) => /^[1-9]\d{0,9}$/.test(v) && Number(v) <= 2_147_483_647).map(Number),
        ),
      );
    else if (key === '@type') parts.push(values.includes('Usage') ? sql`true` : sql`false`);
  }
  return sql.join(parts, sql` and `);
}

export async function listUsage(ctx: TmfContext): Promise<Response> {
  const q = parseListQuery(ctx.url, USAGE_FILTERS);
  const where = whereOf(q.filters);
  const [{ n }] = (await ctx.db.select({ n: sql<number>`count(*)::int` }).from(s.usageRecords).where(where)) as [
    { n: number },
  ];
  const rows = (await recordQuery(ctx.db)
    .where(where)
    .orderBy(asc(s.usageRecords.seq))
    .limit(q.limit)
    .offset(q.offset)) as RecordRow[];
  const page = rows.map((r) => selectFields(usageDoc(r, ctx.base), q.fields));
  return tmfJson(page, 200, { 'x-total-count': String(n), 'x-result-count': String(page.length) });
}

async function recordById(ctx: TmfContext, id: string): Promise<RecordRow | undefined> {
  return ((await recordQuery(ctx.db).where(eq(s.usageRecords.id, id)).limit(1)) as RecordRow[])[0];
}

/** An id that could name a stored row: anything else (too long, control characters, broken text) is simply not found. */
function storableId(id: string): boolean {
  return (
    id.length <= 200 &&
    !hasControlCharacters(id) &&
    !/[\uD800-\uDFFF]/.test(id.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))
  );
}

export async function retrieveUsage(ctx: TmfContext, id: string): Promise<Response> {
  const r = storableId(id) ? await recordById(ctx, id) : undefined;
  if (!r) throw notFound('usage', id);
  return resourceResponse(usageDoc(r, ctx.base), ctx.url);
}

/**
 * The UsageCreateEvent of each record the outcome stored (rated or rejected; not a duplicate
 * or a refusal), for the TMF635 hub listeners: none is built when no listener wants the type.
 * The document is the one GET usage/{id} answers, with hrefs under the configured public URL.
 */
export async function usageCreateEvents(tx: Queryable, outcomes: readonly ResolvedOutcome[]): Promise<NewEvent[]> {
  const stored = outcomes.filter((o) => o.inserted && o.outcome !== 'refused').map((o) => o.id);
  if (stored.length === 0 || !(await wantsTmfEvent(tx, 'UsageCreateEvent'))) return [];
  const rows = (await recordQuery(tx)
    .where(inArray(s.usageRecords.id, stored))
    .orderBy(asc(s.usageRecords.seq))) as RecordRow[];
  const base = `${eventOrigin()}${USAGE_BASE}`;
  return rows.map((r) => ({
    type: 'UsageCreateEvent',
    subscriberId: r.subscriberId,
    payload: { usage: usageDoc(r, base) },
  }));
}

/**
 * POST usage: 201 with the stored record; the same id again: 200 with the first one (counted
 * once). A stored record is told to the TMF635 hub listeners (UsageCreateEvent), in the same
 * transaction; the batch endpoint and the file import (bulk paths) send no per-record events.
 */
export async function createUsage(ctx: TmfContext): Promise<Response> {
  const row = parseUsageBody(await readBody(ctx.request), 0);
  const { outcomes } = await ingestApiRecords(ctx.db, ctx.client, [row], 'tmf635.usage.create', {
    events: usageCreateEvents,
  });
  const o = outcomes[0];
  if (o?.outcome === 'refused')
    throw new TmfError(400, 'refused', 'Refused', `The record was refused: ${o.reason}.`, 'relatedParty');
  const stored = await recordById(ctx, row.id);
  if (!stored) throw notFound('usage', row.id);
  const doc = usageDoc(stored, ctx.base) as Doc & { href: string };
  return o?.inserted ? createdResponse(doc) : resourceResponse(doc, ctx.url, 200, { location: doc.href });
}

/**
 * POST usageBatch: {"usage": [Usage, …]} (at most MAX_BATCH_RECORDS, 8 MiB). Each record is
 * accepted, a duplicate, or refused with its index and the reason; the others are kept.
 */
export async function createUsageBatch(ctx: TmfContext): Promise<Response> {
  const body = await readBody(ctx.request, MAX_BATCH_BYTES);
  const extra = Object.keys(body).filter((k) => k !== 'usage');
  if (extra.length) throw bad(`Unknown field "${extra[0]}": the body is {"usage": [ … ]}.`, extra[0]!);
  if (!Array.isArray(body.usage)) throw bad('The field "usage" must be an array of Usage records.', 'usage');
  if (body.usage.length > MAX_BATCH_RECORDS)
    throw bad(`At most ${MAX_BATCH_RECORDS} records per batch (this one has ${body.usage.length}).`, 'usage');
  const rows: StagedRow[] = [];
  const refused: { index: number; id?: string; reason: string }[] = [];
  (body.usage as unknown[]).forEach((item, index) => {
    try {
      if (!item || typeof item !== 'object' || Array.isArray(item))
        throw bad('A record must be a JSON object.', 'usage');
      rows.push(parseUsageBody(item as Doc, index));
    } catch (e) {
      if (!(e instanceof TmfError)) throw e;
      const id = (item as Doc | null)?.id;
      refused.push({ index, ...(typeof id === 'string' ? { id } : {}), reason: e.message });
    }
  });
  const { result, outcomes } = rows.length
    ? await ingestApiRecords(ctx.db, ctx.client, rows, 'tmf635.usage.batch')
    : { result: null, outcomes: [] };
  const first = new Map(outcomes.map((o) => [o.line, o]));
  const rejected: { index: number; id: string; reason: string | null }[] = [];
  const duplicates: number[] = [];
  for (const r of rows) {
    const o = first.get(r.line);
    if (!o || (!o.inserted && o.outcome !== 'refused')) duplicates.push(r.line);
    else if (o.outcome === 'refused') refused.push({ index: r.line, id: r.id, reason: o.reason ?? 'refused' });
    else if (o.outcome === 'rejected') rejected.push({ index: r.line, id: r.id, reason: o.reason });
  }
  refused.sort((a, b) => a.index - b.index);
  return tmfJson({
    accepted: result?.accepted ?? 0,
    rated: result?.rated ?? 0,
    rejected: result?.rejected ?? 0,
    late: result?.late ?? 0,
    duplicate: duplicates.length,
    refused: refused.length,
    refusals: refused,
    rejections: rejected,
    duplicates,
    '@type': 'UsageBatchResult',
  });
}

// ---------------------------------------------------------------- usage specifications

type SpecRow = typeof s.usageSpecifications.$inferSelect;

function specDoc(r: SpecRow, base: string): Doc {
  return {
    id: r.id,
    href: `${base}/usageSpecification/${encodeURIComponent(r.id)}`,
    name: r.name,
    ...(r.description ? { description: r.description } : {}),
    isBundle: false,
    // Rated kinds are in use; one posted here is described only (records of it are rejected).
    lifecycleStatus: r.counter ? 'Active' : 'In design',
    lastUpdate: r.updatedAt.toISOString(),
    ...(r.unit
      ? {
          specCharacteristic: [
            {
              name: 'quantity',
              valueType: 'integer',
              description: `Quantity, in ${r.unit}s`,
              configurable: false,
              '@type': 'UsageSpecCharacteristic',
            },
          ],
        }
      : {}),
    '@type': 'UsageSpecification',
  };
}

export async function listUsageSpecifications(ctx: TmfContext): Promise<Response> {
  const q = parseListQuery(ctx.url, ['id', 'name', 'lifecycleStatus', '@type']);
  const rows = await ctx.db
    .select()
    .from(s.usageSpecifications)
    .orderBy(asc(s.usageSpecifications.createdAt), asc(s.usageSpecifications.id));
  return listResponse(
    rows.map((r) => specDoc(r, ctx.base)),
    q,
  );
}

export async function retrieveUsageSpecification(ctx: TmfContext, id: string): Promise<Response> {
  const r = storableId(id)
    ? (await ctx.db.select().from(s.usageSpecifications).where(eq(s.usageSpecifications.id, id)).limit(1))[0]
    : undefined;
  if (!r) throw notFound('usage specification', id);
  return resourceResponse(specDoc(r, ctx.base), ctx.url);
}

const SPEC_WRITABLE = ['name', 'description', '@type', '@baseType', '@schemaLocation'];

/** POST usageSpecification: describes a kind of usage (not rated here: its records are stored rejected). */
export async function createUsageSpecification(ctx: TmfContext): Promise<Response> {
  const body = await readBody(ctx.request);
  validateBody('TMF635', 'UsageSpecification_Create', body);
  for (const k of Object.keys(body))
    if (!SPEC_WRITABLE.includes(k)) throw bad(`The field "${k}" isn't kept by this system: leave it out.`, k);
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (!name || name.length > 200 || hasControlCharacters(name))
    throw bad('The field "name" must be a non-empty string of at most 200 characters.', 'name');
  const description = typeof body.description === 'string' ? body.description.trim().slice(0, 2000) || null : null;
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .insert(s.usageSpecifications)
      .values({ id: randomUUID(), name, description, createdByClientId: ctx.client.clientId })
      .returning();
    await recordAudit(tx, clientAudit(ctx.client, 'tmf635.usageSpecification.create', { after: { id: r!.id, name } }));
    return r!;
  });
  return createdResponse(specDoc(row, ctx.base) as Doc & { href: string });
}
