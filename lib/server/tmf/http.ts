import 'server-only';
import jsonMergePatch from 'json-merge-patch';
import type { Db } from '@/db/client';
import type { ApiScope } from '@/lib/api-scopes';
import { config } from '@/lib/config';
import { authenticateBearer, BearerError, clientHoldsScope, type ApiClientActor } from '../api-clients';
import { recordAudit, type AuditEntry } from '../audit';
import { getDb } from '../db';
import { AppError, HTTP_STATUS, isUniqueViolation } from '../errors';
import { log } from '../log';
import { readBodyText } from '../route';

/**
 * The conventions every TMF Open API here follows (TMF630 design guidelines, as the v4
 * documents use them), in one reusable layer:
 * - bearer token from /api/oauth/token, a scope per operation, per-client rate limit;
 * - errors as {code, reason, message, status} (status as a string, like the documents);
 * - `application/json;charset=utf-8`, `Location` on 201, 204 on delete;
 * - lists: `fields`, `offset`/`limit` with X-Total-Count and X-Result-Count, attribute filters
 *   (`name=…`, dotted paths such as `relatedParty.id=…`, comma for "any of");
 * - bodies: at most 64 KiB of JSON, PATCH as JSON merge patch (RFC 7396).
 */

export const JSON_TYPE = 'application/json;charset=utf-8';
export const MAX_BODY_BYTES = 65_536;

/** An error answered in the TMF error shape. */
export class TmfError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
    message: string,
    /** The field at fault, for bad input. */
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TmfError';
  }
}

export const notFound = (what: string, id: string) =>
  new TmfError(404, 'not_found', 'Not found', `No ${what} has the id "${id}".`);

export interface TmfContext {
  request: Request;
  url: URL;
  client: ApiClientActor;
  db: Db;
  /** The API's base URL (…/v4), for href. */
  base: string;
}

function errorBody(status: number, code: string, reason: string, message: string, field?: string) {
  return { code, reason, message, status: String(status), ...(field ? { field } : {}), '@type': 'Error' };
}

export function tmfJson(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(data), {
    status,
    headers: { ...(status === 204 ? {} : { 'content-type': JSON_TYPE }), 'cache-control': 'no-store', ...headers },
  });
}

function tmfErrorResponse(e: TmfError): Response {
  return tmfJson(errorBody(e.status, e.code, e.reason, e.message, e.field), e.status, e.headers);
}

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  429: 'Too many requests',
};

/** The public origin of a request (behind a proxy, NEXTAUTH_URL names it). */
function origin(request: Request): string {
  const configured = config().publicUrl;
  return configured ? new URL(configured).origin : new URL(request.url).origin;
}

/**
 * Wraps one operation of a TMF API: authenticates the bearer token (401 with WWW-Authenticate),
 * applies the rate limit (429 with Retry-After), checks the scope (403, audited), then runs the
 * body. AppError and TmfError become TMF error bodies; anything else is logged and answered 500.
 */
export async function tmfOperation(
  request: Request,
  op: { api: `tmf${number}`; basePath: string; operation: string; scope: ApiScope },
  body: (ctx: TmfContext) => Promise<Response>,
): Promise<Response> {
  let client: ApiClientActor | undefined;
  try {
    const db = await getDb();
    try {
      client = await authenticateBearer(
        db,
        request.headers.get('authorization'),
        new Date(),
        config().apiRateLimitPerMinute,
      );
    } catch (e) {
      if (e instanceof BearerError) {
        if (e.kind === 'rate_limited')
          throw new TmfError(429, 'rate_limited', 'Too many requests', e.message, undefined, {
            'retry-after': String(e.retryAfterSeconds ?? 60),
          });
        const challenge =
          e.kind === 'missing'
            ? 'Bearer realm="switchboard"'
            : `Bearer realm="switchboard", error="invalid_token", error_description="${e.message}"`;
        throw new TmfError(
          401,
          e.kind === 'missing' ? 'unauthenticated' : 'invalid_token',
          'Unauthorized',
          e.message,
          undefined,
          { 'www-authenticate': challenge },
        );
      }
      throw e;
    }
    if (!clientHoldsScope(client, op.scope)) {
      await recordAudit(db, {
        actor: client,
        action: `${op.api}.${op.operation}`,
        outcome: 'refused',
        reason: `missing scope ${op.scope}`,
      });
      throw new TmfError(
        403,
        'insufficient_scope',
        'Forbidden',
        `This client lacks the scope "${op.scope}".`,
        undefined,
        {
          'www-authenticate': `Bearer realm="switchboard", error="insufficient_scope", scope="${op.scope}"`,
        },
      );
    }
    const url = new URL(request.url);
    return await body({ request, url, client, db, base: `${origin(request)}${op.basePath}` });
  } catch (e) {
    if (e instanceof TmfError) return tmfErrorResponse(e);
    if (e instanceof AppError) {
      const status = HTTP_STATUS[e.code];
      const field = e.fieldErrors ? Object.keys(e.fieldErrors)[0] : undefined;
      return tmfErrorResponse(new TmfError(status, e.code, REASONS[status] ?? 'Error', e.message, field));
    }
    if (isUniqueViolation(e))
      return tmfErrorResponse(
        new TmfError(
          409,
          'conflict',
          'Conflict',
          'That conflicts with an existing entry (written meanwhile): nothing was changed.',
        ),
      );
    log.error(`[tmf ${op.api} ${op.operation}] failed`, {
      client: client?.clientId,
      url: request.url,
      error: e instanceof Error ? e.stack : String(e),
    });
    return tmfErrorResponse(
      new TmfError(500, 'internal', 'Internal error', 'Something went wrong on our side; nothing was changed.'),
    );
  }
}

// ---------------------------------------------------------------- bodies

/** Reads a JSON object body (at most MAX_BODY_BYTES), or throws a 400 TmfError. */
export async function readBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type && type !== 'application/json' && type !== 'application/merge-patch+json') {
    throw new TmfError(
      415,
      'unsupported_media_type',
      'Unsupported media type',
      'Send the body as application/json (or application/merge-patch+json for PATCH).',
    );
  }
  const tooLarge = () =>
    new TmfError(400, 'body_too_large', 'Body too large', `The body is larger than ${maxBytes} bytes.`, '(body)');
  const text = await readBodyText(request, maxBytes, tooLarge);
  if (!text.trim())
    throw new TmfError(400, 'invalid_body', 'Invalid body', 'The body is empty: send a JSON object.', '(body)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TmfError(400, 'invalid_json', 'Invalid body', 'The body is not valid JSON.', '(body)');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new TmfError(400, 'invalid_body', 'Invalid body', 'The body must be a JSON object.', '(body)');
  if (/\\u0000/.test(text))
    throw new TmfError(400, 'invalid_body', 'Invalid body', 'Text fields cannot contain NUL characters.', '(body)');
  return parsed as Record<string, unknown>;
}

/**
 * A JSON merge patch (RFC 7396) applied to `current`. The patch must be an object, may only name
 * fields in `patchable` (others: 400 naming the field, e.g. id, href, lastUpdate), and the result is
 * returned for the caller to validate as a whole.
 */
export function applyMergePatch<T extends Record<string, unknown>>(
  current: T,
  patch: Record<string, unknown>,
  patchable: readonly string[],
): T {
  for (const k of Object.keys(patch)) {
    if (!patchable.includes(k))
      throw new TmfError(400, 'invalid_field', 'Invalid field', `The field "${k}" can't be changed with PATCH.`, k);
  }
  return jsonMergePatch.apply(structuredClone(current), patch) as T;
}

// ---------------------------------------------------------------- lists

export interface ListQuery {
  fields: string[] | null;
  offset: number;
  limit: number;
  /** Attribute filters: dotted path → accepted values (any of). */
  filters: Map<string, string[]>;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

function nonNegativeInt(name: string, raw: string | null, fallback: number, max: number): number {
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw))
    throw new TmfError(400, 'invalid_query', 'Invalid query', `"${name}" must be a whole number, 0 or more.`, name);
  const n = Number(raw);
  if (n > max) throw new TmfError(400, 'invalid_query', 'Invalid query', `"${name}" is at most ${max}.`, name);
  return n;
}

/** Parses fields/offset/limit and the attribute filters; a filter on an attribute not in `filterable` is refused by name. */
export function parseListQuery(url: URL, filterable: readonly string[]): ListQuery {
  const filters = new Map<string, string[]>();
  for (const [key, value] of url.searchParams) {
    if (key === 'fields' || key === 'offset' || key === 'limit') continue;
    if (!filterable.includes(key)) {
      throw new TmfError(
        400,
        'invalid_query',
        'Invalid query',
        `Can't filter by "${key}". Filters: ${filterable.join(', ')}.`,
        key,
      );
    }
    filters.set(key, [...(filters.get(key) ?? []), ...value.split(',')]);
  }
  const fieldsRaw = url.searchParams.get('fields');
  const fields =
    fieldsRaw === null
      ? null
      : fieldsRaw
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
  return {
    fields,
    offset: nonNegativeInt('offset', url.searchParams.get('offset'), 0, 1_000_000_000),
    limit: nonNegativeInt('limit', url.searchParams.get('limit'), DEFAULT_LIMIT, MAX_LIMIT),
    filters,
  };
}

/** The values at a dotted path, through arrays ("relatedParty.id" over every related party). */
function valuesAt(obj: unknown, path: string[]): unknown[] {
  if (!path.length) return Array.isArray(obj) ? obj : [obj];
  if (Array.isArray(obj)) return obj.flatMap((x) => valuesAt(x, path));
  if (!obj || typeof obj !== 'object') return [];
  return valuesAt((obj as Record<string, unknown>)[path[0]!], path.slice(1));
}

export function matchesFilters(resource: Record<string, unknown>, filters: Map<string, string[]>): boolean {
  for (const [path, accepted] of filters) {
    const values = valuesAt(resource, path.split('.')).map((v) => (v === null || v === undefined ? '' : String(v)));
    if (!values.some((v) => accepted.includes(v))) return false;
  }
  return true;
}

/** Only the requested fields (id, href and @type always stay). */
export function selectFields(resource: Record<string, unknown>, fields: string[] | null): Record<string, unknown> {
  if (!fields) return resource;
  const keep = new Set(['id', 'href', '@type', ...fields.map((f) => f.split('.')[0]!)]);
  return Object.fromEntries(Object.entries(resource).filter(([k]) => keep.has(k)));
}

/** A filtered, paginated list answer with its count headers. */
export function listResponse(all: Record<string, unknown>[], q: ListQuery): Response {
  const matching = q.filters.size ? all.filter((r) => matchesFilters(r, q.filters)) : all;
  const page = matching.slice(q.offset, q.offset + q.limit).map((r) => selectFields(r, q.fields));
  return tmfJson(page, 200, { 'x-total-count': String(matching.length), 'x-result-count': String(page.length) });
}

/** A single resource, with `fields` applied. */
export function resourceResponse(
  resource: Record<string, unknown>,
  url: URL,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  const fields = url.searchParams.get('fields');
  return tmfJson(
    selectFields(
      resource,
      fields === null
        ? null
        : fields
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean),
    ),
    status,
    headers,
  );
}

/** 201 with Location. */
export function createdResponse(resource: Record<string, unknown> & { href: string }): Response {
  return tmfJson(resource, 201, { location: resource.href });
}

/** Audit entry for an API client's write (written with recordAudit). */
export function clientAudit(
  client: ApiClientActor,
  action: `tmf${number}.${string}`,
  extra: { subscriberId?: number; before?: unknown; after?: unknown; detail?: Record<string, unknown> } = {},
): AuditEntry {
  return { actor: client, action, outcome: 'ok', ...extra };
}
