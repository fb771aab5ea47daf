import 'server-only';
import { requireRecentSecondFactor } from './second-factor';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { apiClients, apiRateWindows, apiTokens } from '@/db/schema';
import type { Db, Queryable } from '@/db/client';
import { isApiScope, type ApiScope } from '@/lib/api-scopes';
import type { ClientCredentials } from '@/lib/contracts/api-clients';
import { dayOf } from '@/lib/domain/periods';
import type { Day } from '@/lib/domain/types';
// Types only from ./actor: it loads next-auth, which the command line doesn't have.
import type { Actor } from './actor';
import { recordAudit } from './audit';
import { clockFromSetting, clockSettingSql } from './clock';
import { getDb } from './db';
import { hasControlCharacters } from '@/lib/contracts/fields';
import { AppError } from './errors';
import { authorize, type CommandLineActor } from './policy';

/**
 * API clients: the systems that call the TMF Open APIs (OAuth 2.0 client credentials,
 * RFC 6749 §4.4). The client secret and the bearer tokens are 256-bit random strings stored as
 * SHA-256 hashes: a slow password hash adds nothing to a secret nobody chose, and would cost
 * CPU on every token request.
 *
 * The API client is an actor of its own (ApiClientActor), with scopes instead of a role: the
 * seam where the portal's policy module can take it in.
 */

/** Lifetime of a bearer token. */
export const TOKEN_TTL_SECONDS = 15 * 60;
/** Rate-limit window. */
export const RATE_WINDOW_MS = 60_000;

export interface ApiClientActor {
  kind: 'api-client';
  clientId: string;
  name: string;
  scopes: ApiScope[];
  /** The business clock for this request (the test clock outside production). */
  now: Date;
  today: Day;
}

/** Who creates, rotates or revokes a client: an admin in the portal, or the command line (server stopped or not). */
export type ClientManager = Actor | CommandLineActor;

export interface ApiClientView {
  clientId: string;
  name: string;
  scopes: ApiScope[];
  createdAt: string;
  rotatedAt: string | null;
  revokedAt: string | null;
}

export type { ClientCredentials };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

const newClientId = () => `sbc_${randomBytes(12).toString('hex')}`;
const newSecret = () => `sbs_${randomBytes(32).toString('base64url')}`;
const newToken = () => `sbt_${randomBytes(32).toString('base64url')}`;

const CLIENT_NAME_MAX = 100;

function checkName(name: string): string {
  const n = name.trim();
  if (!n) throw new AppError('invalid', 'Give the client a name.', { name: ['Required.'] });
  if (n.length > CLIENT_NAME_MAX)
    throw new AppError('invalid', `The name is at most ${CLIENT_NAME_MAX} characters.`, {
      name: [`At most ${CLIENT_NAME_MAX} characters.`],
    });
  if (hasControlCharacters(n))
    throw new AppError('invalid', 'The name cannot contain control characters.', { name: ['No control characters.'] });
  return n;
}

function checkScopes(scopes: readonly string[]): ApiScope[] {
  const unknown = scopes.filter((s) => !isApiScope(s));
  if (unknown.length)
    throw new AppError('invalid', `Unknown scope: ${unknown.join(', ')}.`, {
      scopes: [`Unknown: ${unknown.join(', ')}.`],
    });
  const out = [...new Set(scopes as ApiScope[])].sort();
  if (!out.length)
    throw new AppError('invalid', 'Give the client at least one scope.', { scopes: ['At least one scope.'] });
  return out;
}

/** Who created a client (its row keeps the user; null from the command line). */
function managerUserId(who: ClientManager): number | null {
  return 'kind' in who ? null : who.userId;
}

/** Creates a client; the secret is returned this once and never again. */
export async function createApiClient(
  db: Db,
  who: ClientManager,
  input: { name: string; scopes: readonly string[] },
): Promise<ClientCredentials & { view: ApiClientView }> {
  await authorize(who, 'api_client.create', {}, { db });
  // An admin in the portal: the authenticator code again when the last one is over 10 minutes old.
  requireRecentSecondFactor(who);
  const name = checkName(input.name);
  const scopes = checkScopes(input.scopes);
  const clientId = newClientId();
  const clientSecret = newSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiClients)
      .values({ id: clientId, name, scopes, secretHash: sha256(clientSecret), createdByUserId: managerUserId(who) })
      .returning();
    await recordAudit(tx, {
      actor: who,
      action: 'api_client.create',
      outcome: 'ok',
      after: { clientId, name, scopes },
    });
    return { clientId, clientSecret, view: toView(row!) };
  });
}

/** A new secret (shown once); the old secret and every token issued with it stop working at once. */
export async function rotateApiClientSecret(db: Db, who: ClientManager, clientId: string): Promise<ClientCredentials> {
  await authorize(who, 'api_client.rotate', {}, { db });
  const clientSecret = newSecret();
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(apiClients)
      .set({ secretHash: sha256(clientSecret), rotatedAt: sql`now()` })
      .where(and(eq(apiClients.id, clientId), sql`${apiClients.revokedAt} is null`))
      .returning({ id: apiClients.id });
    if (!rows.length) throw new AppError('not_found', 'No active API client has that id.');
    await tx.delete(apiTokens).where(eq(apiTokens.clientId, clientId));
    await recordAudit(tx, { actor: who, action: 'api_client.rotate', outcome: 'ok', detail: { clientId } });
    return { clientId, clientSecret };
  });
}

/** Revokes a client for good: its tokens are refused from the next request on. */
export async function revokeApiClient(db: Db, who: ClientManager, clientId: string): Promise<void> {
  await authorize(who, 'api_client.revoke', {}, { db });
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(apiClients)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiClients.id, clientId), sql`${apiClients.revokedAt} is null`))
      .returning({ id: apiClients.id });
    if (!rows.length) throw new AppError('not_found', 'No active API client has that id.');
    await tx.delete(apiTokens).where(eq(apiTokens.clientId, clientId));
    await recordAudit(tx, { actor: who, action: 'api_client.revoke', outcome: 'ok', detail: { clientId } });
  });
}

export async function listApiClients(db: Db, who: Actor): Promise<ApiClientView[]> {
  await authorize(who, 'api_client.list', {}, { db });
  const rows = await db.select().from(apiClients).orderBy(desc(apiClients.createdAt));
  return rows.map(toView);
}

/**
 * The same four use cases for the portal's page and actions, on the process's database (the
 * handle stays in lib/server); the command line and the tests pass their own database above.
 */
export async function listApiClientsFor(actor: Actor): Promise<ApiClientView[]> {
  return listApiClients(await getDb(), actor);
}
export async function createApiClientFor(
  actor: Actor,
  input: { name: string; scopes: readonly string[] },
): Promise<ClientCredentials & { view: ApiClientView }> {
  return createApiClient(await getDb(), actor, input);
}
export async function rotateApiClientSecretFor(actor: Actor, clientId: string): Promise<ClientCredentials> {
  return rotateApiClientSecret(await getDb(), actor, clientId);
}
export async function revokeApiClientFor(actor: Actor, clientId: string): Promise<void> {
  return revokeApiClient(await getDb(), actor, clientId);
}
/** The token endpoint's use case, on the process's database, at the real time. */
export async function issueTokenFor(input: {
  clientId: string;
  clientSecret: string;
  scope?: string;
}): Promise<IssuedToken> {
  return issueToken(await getDb(), input, new Date());
}

function toView(r: typeof apiClients.$inferSelect): ApiClientView {
  return {
    clientId: r.id,
    name: r.name,
    scopes: r.scopes.filter(isApiScope),
    createdAt: r.createdAt.toISOString(),
    rotatedAt: r.rotatedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

// ---------------------------------------------------------------- the token endpoint

/** An OAuth 2.0 error (RFC 6749 §5.2). */
export class OAuthError extends Error {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'invalid_scope',
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
}

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/**
 * Client credentials grant: checks the client's secret and issues a bearer token carrying the
 * requested scopes (all the client's scopes when none are asked for). `realNow` is the real
 * time: token lifetimes never follow the test clock.
 */
export async function issueToken(
  db: Db,
  input: { clientId: string; clientSecret: string; scope?: string },
  realNow: Date,
): Promise<IssuedToken> {
  const rows = await db.select().from(apiClients).where(eq(apiClients.id, input.clientId)).limit(1);
  const client = rows[0];
  // The same comparison whether or not the client exists.
  const ok = sameHash(client?.secretHash ?? sha256(`no-such-client-${input.clientId}`), sha256(input.clientSecret));
  if (!client || !ok || client.revokedAt) throw new OAuthError('invalid_client', 'Client authentication failed.');
  const held = client.scopes.filter(isApiScope);
  let scopes = held;
  if (input.scope !== undefined) {
    const asked = input.scope.split(' ').filter(Boolean);
    const missing = asked.filter((s) => !held.includes(s as ApiScope));
    if (!asked.length || missing.length)
      throw new OAuthError('invalid_scope', `The client does not hold: ${missing.join(' ') || '(no scope given)'}.`);
    scopes = [...new Set(asked as ApiScope[])].sort();
  }
  const token = newToken();
  const expiresAt = new Date(realNow.getTime() + TOKEN_TTL_SECONDS * 1000);
  await db.transaction(async (tx) => {
    // Housekeeping for this client: expired tokens and old rate windows go.
    await tx.delete(apiTokens).where(and(eq(apiTokens.clientId, client.id), lt(apiTokens.expiresAt, realNow)));
    await tx
      .delete(apiRateWindows)
      .where(
        and(
          eq(apiRateWindows.clientId, client.id),
          lt(apiRateWindows.windowStart, new Date(realNow.getTime() - 3_600_000)),
        ),
      );
    await tx
      .insert(apiTokens)
      .values({ tokenHash: sha256(token), clientId: client.id, scopes, issuedAt: realNow, expiresAt });
  });
  return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS, scope: scopes.join(' ') };
}

// ---------------------------------------------------------------- bearer tokens on API requests

/** Why a request was refused before it reached an API (the route maps it to 401 or 429). */
export class BearerError extends Error {
  constructor(
    readonly kind: 'missing' | 'invalid_token' | 'rate_limited',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'BearerError';
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/;

/**
 * The client behind an Authorization header, counted against its rate limit, in one round
 * trip: the token (unexpired, client not revoked), the window's request count (incremented
 * in the database, so every app instance shares the limit) and the business clock.
 */
export async function authenticateBearer(
  db: Queryable,
  authorization: string | null,
  realNow: Date,
  limitPerWindow: number,
): Promise<ApiClientActor> {
  if (!authorization)
    throw new BearerError(
      'missing',
      'This API needs a bearer token (OAuth 2.0 client credentials at /api/oauth/token).',
    );
  const m = BEARER.exec(authorization.trim());
  if (!m) throw new BearerError('invalid_token', 'The Authorization header is not a bearer token.');
  const tokenHash = sha256(m[1]!);
  const windowStart = new Date(Math.floor(realNow.getTime() / RATE_WINDOW_MS) * RATE_WINDOW_MS);
  const result = await db.execute(sql`
    with t as (
      select tk.client_id, tk.scopes, c.name
      from ${apiTokens} tk join ${apiClients} c on c.id = tk.client_id
      where tk.token_hash = ${tokenHash} and tk.expires_at > ${realNow.toISOString()}::timestamptz and c.revoked_at is null
    ), r as (
      insert into ${apiRateWindows} (client_id, window_start, requests)
      select client_id, ${windowStart.toISOString()}::timestamptz, 1 from t
      on conflict (client_id, window_start) do update set requests = ${apiRateWindows}.requests + 1
      returning requests
    )
    select t.client_id, t.scopes, t.name, (select requests from r) as requests, ${clockSettingSql} as clock from t
  `);
  const row = (
    result as unknown as {
      rows: { client_id: string; scopes: string[]; name: string; requests: number; clock: unknown }[];
    }
  ).rows[0];
  if (!row) throw new BearerError('invalid_token', 'The access token is invalid, expired or revoked.');
  if (row.requests > limitPerWindow) {
    const retry = Math.max(1, Math.ceil((windowStart.getTime() + RATE_WINDOW_MS - realNow.getTime()) / 1000));
    throw new BearerError(
      'rate_limited',
      `Too many requests: at most ${limitPerWindow} a minute for each client.`,
      retry,
    );
  }
  const now = clockFromSetting(row.clock, realNow.getTime());
  return {
    kind: 'api-client',
    clientId: row.client_id,
    name: row.name,
    scopes: row.scopes.filter(isApiScope),
    now,
    today: dayOf(now),
  };
}

/** The policy for API clients: an operation needs its scope (the seam a shared policy module can take over). */
export function clientHoldsScope(client: ApiClientActor, scope: ApiScope): boolean {
  return client.scopes.includes(scope);
}
