/**
 * The TMF Open APIs and their API clients, through the route handlers themselves on a real
 * database (PGlite, and PostgreSQL when TEST_DATABASE_URL is set): tokens and scopes, the
 * conventions (errors, pagination, filters, fields), drafts that never reach subscribers, bad
 * bodies that write nothing, customers and the product inventory.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { ALL_API_SCOPES, parseScopeList, type ApiScope } from '@/lib/api-scopes';
import {
  authenticateBearer,
  BearerError,
  createApiClient,
  issueToken,
  OAuthError,
  revokeApiClient,
  rotateApiClientSecret,
} from '@/lib/server/api-clients';
import { forgetCatalog, readCatalog } from '@/lib/server/catalog';
import { offersFor } from '@/lib/server/offers';
import { loadAccount } from '@/lib/server/account';
import { confirmChange, previewChange } from '@/lib/server/changes';
import * as catalogCollection from '@/app/tmf-api/productCatalogManagement/v4/[resource]/route';
import * as catalogItem from '@/app/tmf-api/productCatalogManagement/v4/[resource]/[id]/route';
import * as customerCollection from '@/app/tmf-api/customerManagement/v4/customer/route';
import * as customerItem from '@/app/tmf-api/customerManagement/v4/customer/[id]/route';
import * as productCollection from '@/app/tmf-api/productInventory/v4/product/route';
import * as productItem from '@/app/tmf-api/productInventory/v4/product/[id]/route';
import * as tokenRoute from '@/app/api/oauth/token/route';
import { createTestDb, drivers, type TestDb } from './support/db';
import { actorFor, useTestDb } from './support/actors';

const ORIGIN = 'http://tmf.test';
const CAT = `${ORIGIN}/tmf-api/productCatalogManagement/v4`;
const CUS = `${ORIGIN}/tmf-api/customerManagement/v4`;
const INV = `${ORIGIN}/tmf-api/productInventory/v4`;
const TODAY = '2026-11-16';

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  handler: Handler,
  url: string,
  opts: {
    method?: string;
    token?: string | null;
    body?: unknown;
    raw?: string;
    params?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const res = await handler(new Request(url, { method: opts.method ?? 'GET', headers, body: payload }), {
    params: Promise.resolve(opts.params ?? {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const h = (m: unknown) => m as Handler;

describe.each(drivers)('TMF Open APIs on %s', (driver) => {
  let t: TestDb;
  let token: string;
  let clientId: string;
  const tokenFor = async (scopes: ApiScope[], name = 'scoped') => {
    const c = await createApiClient(t.db, { kind: 'command-line' }, { name, scopes });
    return (await issueToken(t.db, { clientId: c.clientId, clientSecret: c.clientSecret }, new Date())).access_token;
  };
  const draftCount = async () => (await t.db.select({ n: sql<number>`count(*)::int` }).from(s.catalogDrafts))[0]!.n;

  beforeAll(async () => {
    t = await createTestDb(driver, { today: TODAY });
    useTestDb(t);
    const c = await createApiClient(t.db, { kind: 'command-line' }, { name: 'Everything', scopes: ALL_API_SCOPES });
    clientId = c.clientId;
    token = (await issueToken(t.db, { clientId: c.clientId, clientSecret: c.clientSecret }, new Date())).access_token;
  });
  afterAll(async () => {
    await t?.destroy();
  });

  describe('API clients and tokens', () => {
    it('parses scope lists, "all" included, and names unknown scopes', () => {
      expect(parseScopeList('all').scopes).toEqual(ALL_API_SCOPES);
      expect(parseScopeList('inventory.read,catalog.read,catalog.read')).toEqual({
        scopes: ['catalog.read', 'inventory.read'],
        unknown: [],
      });
      expect(parseScopeList('catalog.read,catalog.admin').unknown).toEqual(['catalog.admin']);
    });

    it('refuses a bad name or unknown scope, and a non-admin', async () => {
      await expect(
        createApiClient(t.db, { kind: 'command-line' }, { name: ' ', scopes: ['catalog.read'] }),
      ).rejects.toMatchObject({ code: 'invalid' });
      await expect(
        createApiClient(t.db, { kind: 'command-line' }, { name: 'x', scopes: ['catalog.admin'] }),
      ).rejects.toMatchObject({ code: 'invalid' });
      const agent = await actorFor(t.db, 'agent@example.com', TODAY);
      await expect(createApiClient(t.db, agent, { name: 'x', scopes: ['catalog.read'] })).rejects.toMatchObject({
        code: 'forbidden',
      });
      const admin = await actorFor(t.db, 'admin@example.com', TODAY);
      const made = await createApiClient(t.db, admin, { name: 'By admin', scopes: ['catalog.read'] });
      const audit = await t.db.select().from(s.auditEvents).where(eq(s.auditEvents.action, 'api_client.create'));
      expect(
        audit.some(
          (a) => a.actorUserId === admin.userId && (a.after as { clientId: string }).clientId === made.clientId,
        ),
      ).toBe(true);
      const stored = (await t.db.select().from(s.apiClients).where(eq(s.apiClients.id, made.clientId)))[0]!;
      expect(stored.secretHash).not.toContain(made.clientSecret);
      expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('token endpoint: client_secret_basic and client_secret_post, RFC 6749 errors', async () => {
      const c = await createApiClient(
        t.db,
        { kind: 'command-line' },
        { name: 'Token test', scopes: ['catalog.read', 'customer.read'] },
      );
      const post = (body: string, headers: Record<string, string> = {}) =>
        call(h(tokenRoute.POST), `${ORIGIN}/api/oauth/token`, {
          method: 'POST',
          raw: body,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        });
      const basic = `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
      const a = await post('grant_type=client_credentials', { authorization: basic });
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'catalog.read customer.read' });
      expect(a.headers.get('cache-control')).toBe('no-store');
      const b = await post(
        `grant_type=client_credentials&client_id=${c.clientId}&client_secret=${encodeURIComponent(c.clientSecret)}&scope=catalog.read`,
      );
      expect(b.status).toBe(200);
      expect(b.body.scope).toBe('catalog.read');
      expect((await post(`grant_type=client_credentials&client_id=${c.clientId}&client_secret=wrong`)).body.error).toBe(
        'invalid_client',
      );
      const wrong = await post('grant_type=client_credentials', {
        authorization: `Basic ${Buffer.from(`${c.clientId}:nope`).toString('base64')}`,
      });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect((await post('grant_type=password', { authorization: basic })).body.error).toBe('unsupported_grant_type');
      expect((await post('', { authorization: basic })).body.error).toBe('invalid_request');
      expect(
        (await post('grant_type=client_credentials&scope=customer.write', { authorization: basic })).body.error,
      ).toBe('invalid_scope');
      expect(
        (await post(`grant_type=client_credentials&client_secret=${c.clientSecret}`, { authorization: basic })).body
          .error,
      ).toBe('invalid_request');
      const json = await call(h(tokenRoute.POST), `${ORIGIN}/api/oauth/token`, {
        method: 'POST',
        body: { grant_type: 'client_credentials' },
        headers: { authorization: basic },
      });
      expect(json.status).toBe(400);
    });

    it('401 with WWW-Authenticate for a missing, malformed, unknown, expired or revoked-client token; 403 for a missing scope', async () => {
      const list = (tok: string | null, headers: Record<string, string> = {}) =>
        call(h(catalogCollection.GET), `${CAT}/productOffering`, {
          token: tok,
          params: { resource: 'productOffering' },
          headers,
        });
      const none = await list(null);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="switchboard"');
      expect(none.body).toMatchObject({ status: '401', code: 'unauthenticated' });
      const malformed = await list(null, { authorization: 'Bearer not a token!' });
      expect(malformed.status).toBe(401);
      expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect((await list('sbt_unknownunknownunknownunknownunknownunknow')).status).toBe(401);

      const c = await createApiClient(t.db, { kind: 'command-line' }, { name: 'Expiring', scopes: ['catalog.read'] });
      const sixteenMinutesAgo = new Date(Date.now() - 16 * 60_000);
      const expired = await issueToken(t.db, { clientId: c.clientId, clientSecret: c.clientSecret }, sixteenMinutesAgo);
      const e = await list(expired.access_token);
      expect(e.status).toBe(401);
      expect(e.body.message).toMatch(/expired/);

      const fresh = await issueToken(t.db, { clientId: c.clientId, clientSecret: c.clientSecret }, new Date());
      expect((await list(fresh.access_token)).status).toBe(200);
      const rotated = await rotateApiClientSecret(t.db, { kind: 'command-line' }, c.clientId);
      expect((await list(fresh.access_token)).status).toBe(401);
      await expect(
        issueToken(t.db, { clientId: c.clientId, clientSecret: c.clientSecret }, new Date()),
      ).rejects.toBeInstanceOf(OAuthError);
      const afterRotation = await issueToken(t.db, rotated, new Date());
      expect((await list(afterRotation.access_token)).status).toBe(200);
      await revokeApiClient(t.db, { kind: 'command-line' }, c.clientId);
      expect((await list(afterRotation.access_token)).status).toBe(401);
      await expect(issueToken(t.db, rotated, new Date())).rejects.toMatchObject({ error: 'invalid_client' });

      const readOnly = await tokenFor(['catalog.read']);
      const denied = await call(h(catalogCollection.POST), `${CAT}/productOffering`, {
        method: 'POST',
        token: readOnly,
        body: { name: 'x' },
        params: { resource: 'productOffering' },
      });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ code: 'insufficient_scope', status: '403' });
      expect(denied.body.message).toContain('catalog.write');
      expect((await call(h(customerCollection.GET), `${CUS}/customer`, { token: readOnly })).status).toBe(403);
      expect((await call(h(productCollection.GET), `${INV}/product`, { token: readOnly })).status).toBe(403);
      const inventoryOnly = await tokenFor(['inventory.read']);
      expect((await call(h(productCollection.GET), `${INV}/product`, { token: inventoryOnly })).status).toBe(200);
      expect(
        (
          await call(h(catalogCollection.GET), `${CAT}/productOffering`, {
            token: inventoryOnly,
            params: { resource: 'productOffering' },
          })
        ).status,
      ).toBe(403);
      const refused = await t.db
        .select()
        .from(s.auditEvents)
        .where(and(eq(s.auditEvents.outcome, 'refused'), eq(s.auditEvents.action, 'tmf620.create')));
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]!.actorClientId).toMatch(/^sbc_/);
    });

    it('rate limit per client, counted in the database: 429 with Retry-After past the limit', async () => {
      const c = await createApiClient(t.db, { kind: 'command-line' }, { name: 'Busy', scopes: ['catalog.read'] });
      const now = new Date();
      const tok = await issueToken(t.db, { clientId: c.clientId, clientSecret: c.clientSecret }, now);
      for (let i = 0; i < 3; i++) await authenticateBearer(t.db, `Bearer ${tok.access_token}`, now, 3);
      const over = await authenticateBearer(t.db, `Bearer ${tok.access_token}`, now, 3).catch((e: unknown) => e);
      expect(over).toBeInstanceOf(BearerError);
      expect((over as BearerError).kind).toBe('rate_limited');
      expect((over as BearerError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect((over as BearerError).retryAfterSeconds).toBeLessThanOrEqual(60);
      // Another client is not affected; the next window starts again.
      await expect(authenticateBearer(t.db, `Bearer ${token}`, now, 3)).resolves.toMatchObject({ clientId });
      await expect(
        authenticateBearer(t.db, `Bearer ${tok.access_token}`, new Date(now.getTime() + 60_000), 3),
      ).resolves.toMatchObject({ clientId: c.clientId });
      const windows = await t.db.select().from(s.apiRateWindows).where(eq(s.apiRateWindows.clientId, c.clientId));
      expect(windows.map((w) => w.requests).sort()).toEqual([1, 4]);
    });
  });

  describe('TMF620 product catalog', () => {
    it('plans and add-ons as offerings, with prices, specifications, categories and the catalog', async () => {
      const offerings = await call(h(catalogCollection.GET), `${CAT}/productOffering?limit=1000`, {
        token,
        params: { resource: 'productOffering' },
      });
      expect(offerings.status).toBe(200);
      expect(offerings.headers.get('content-type')).toBe('application/json;charset=utf-8');
      const plus = offerings.body.find((o: any) => o.id === 'PLUS');
      expect(plus).toMatchObject({
        href: `${CAT}/productOffering/PLUS`,
        '@type': 'ProductOffering',
        lifecycleStatus: 'Launched',
        isBundle: true,
        productSpecification: { id: 'PLUS' },
      });
      const bundled = Object.fromEntries(
        plus.bundledProductOffering.map((b: any) => [b.id, b.bundledProductOfferingOption.numberRelOfferLowerLimit]),
      );
      expect(bundled).toMatchObject({ caller_id: 1, call_waiting: 1, voicemail: 0, three_way: 0 });
      expect(bundled).not.toHaveProperty('call_waiting_extra');
      expect(offerings.body.find((o: any) => o.id === 'LEGACY').lifecycleStatus).toBe('Retired');
      expect(offerings.body.find((o: any) => o.id === 'voicemail')).toMatchObject({
        isBundle: false,
        isSellable: false,
        category: [{ id: 'feature-add-ons' }],
      });
      const price = await call(h(catalogItem.GET), `${CAT}/productOfferingPrice/PLUS-monthly`, {
        token,
        params: { resource: 'productOfferingPrice', id: 'PLUS-monthly' },
      });
      expect(price.body).toMatchObject({
        priceType: 'recurring',
        price: { unit: 'USD', value: 25 },
        recurringChargePeriodType: 'month',
      });
      const rate = await call(h(catalogItem.GET), `${CAT}/productOfferingPrice/rate-intl`, {
        token,
        params: { resource: 'productOfferingPrice', id: 'rate-intl' },
      });
      expect(rate.body).toMatchObject({
        priceType: 'usage',
        price: { value: 0.25 },
        unitOfMeasure: { units: 'minute' },
      });
      const spec = await call(h(catalogItem.GET), `${CAT}/productSpecification/visual_voicemail`, {
        token,
        params: { resource: 'productSpecification', id: 'visual_voicemail' },
      });
      expect(spec.body.productSpecificationRelationship).toEqual([
        expect.objectContaining({ id: 'voicemail', relationshipType: 'dependency' }),
      ]);
      const ld = await call(h(catalogItem.GET), `${CAT}/productSpecification/ld_300`, {
        token,
        params: { resource: 'productSpecification', id: 'ld_300' },
      });
      expect(ld.body.productSpecificationRelationship).toEqual([
        expect.objectContaining({ id: 'ld_unlimited', relationshipType: 'exclusivity' }),
      ]);
      const cats = await call(h(catalogCollection.GET), `${CAT}/category`, { token, params: { resource: 'category' } });
      expect(cats.body.map((c: any) => c.id)).toEqual(['plans', 'feature-add-ons', 'usage-add-ons']);
      const catalogs = await call(h(catalogCollection.GET), `${CAT}/catalog`, {
        token,
        params: { resource: 'catalog' },
      });
      expect(catalogs.body[0]).toMatchObject({
        id: 'switchboard',
        category: [{ id: 'plans' }, { id: 'feature-add-ons' }, { id: 'usage-add-ons' }],
      });
      expect(
        (await call(h(catalogCollection.GET), `${CAT}/importJob`, { token, params: { resource: 'importJob' } })).status,
      ).toBe(404);
    });

    it('pagination, fields and attribute filters', async () => {
      const page = await call(h(catalogCollection.GET), `${CAT}/productOffering?offset=2&limit=3&fields=name`, {
        token,
        params: { resource: 'productOffering' },
      });
      expect(page.headers.get('x-total-count')).toBe('13');
      expect(page.headers.get('x-result-count')).toBe('3');
      expect(page.body.map((o: any) => o.id)).toEqual(['PLUS', 'PREMIUM', 'UNLIMITED']);
      expect(Object.keys(page.body[0]).sort()).toEqual(['@type', 'href', 'id', 'name']);
      const retired = await call(h(catalogCollection.GET), `${CAT}/productOffering?lifecycleStatus=Retired`, {
        token,
        params: { resource: 'productOffering' },
      });
      expect(retired.body.map((o: any) => o.id)).toEqual(['LEGACY']);
      const usage = await call(
        h(catalogCollection.GET),
        `${CAT}/productOffering?category.id=usage-add-ons,plans&isBundle=false`,
        { token, params: { resource: 'productOffering' } },
      );
      expect(usage.body.map((o: any) => o.id).sort()).toEqual(['intl_saver', 'ld_300', 'ld_unlimited']);
      const bad = await call(h(catalogCollection.GET), `${CAT}/productOffering?colour=red`, {
        token,
        params: { resource: 'productOffering' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 'invalid_query', field: 'colour', status: '400' });
      expect(
        (
          await call(h(catalogCollection.GET), `${CAT}/productOffering?limit=-1`, {
            token,
            params: { resource: 'productOffering' },
          })
        ).body.field,
      ).toBe('limit');
      expect(
        (
          await call(h(catalogCollection.GET), `${CAT}/productOffering?offset=x`, {
            token,
            params: { resource: 'productOffering' },
          })
        ).body.field,
      ).toBe('offset');
    });

    it('a draft made through the API never reaches subscribers, and only drafts can be changed or deleted', async () => {
      forgetCatalog();
      const before = await readCatalog(t.db);
      const ada = await actorFor(t.db, 'ada@example.com', TODAY);
      const adaBefore = await loadAccount(t.db, before, ada.subscriberId!, TODAY);
      const offersBefore = JSON.stringify(offersFor(before, adaBefore!, TODAY));

      const created = await call(h(catalogCollection.POST), `${CAT}/productOffering`, {
        method: 'POST',
        token,
        params: { resource: 'productOffering' },
        body: {
          name: 'Voicemail Deluxe',
          description: 'A draft',
          isBundle: false,
          productSpecification: { id: 'voicemail' },
          category: [{ id: 'feature-add-ons' }],
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Voicemail Deluxe',
        lifecycleStatus: 'In design',
        '@type': 'ProductOffering',
      });
      expect(created.headers.get('location')).toBe(created.body.href);
      const id = created.body.id as string;
      const audit = await t.db
        .select()
        .from(s.auditEvents)
        .where(eq(s.auditEvents.action, 'tmf620.productOffering.create'));
      expect(audit.at(-1)).toMatchObject({ actorClientId: clientId, actorUserId: null, outcome: 'ok' });

      // Subscribers: the catalog, their offers, their plan and add-on choices are unchanged.
      forgetCatalog();
      const after = await readCatalog(t.db);
      expect(after).toEqual(before);
      expect(JSON.stringify(after)).not.toContain('Voicemail Deluxe');
      const adaAfter = await loadAccount(t.db, after, ada.subscriberId!, TODAY);
      expect(JSON.stringify(offersFor(after, adaAfter!, TODAY))).toEqual(offersBefore);
      await expect(
        previewChange(ada, { subscriberId: ada.subscriberId!, target: { planCode: 'BASIC', addOns: [id] } }),
      ).rejects.toMatchObject({ code: 'invalid' });

      // The API lists it with the launched entries; merge patch edits it.
      const listed = await call(h(catalogCollection.GET), `${CAT}/productOffering?lifecycleStatus=In design`, {
        token,
        params: { resource: 'productOffering' },
      });
      expect(listed.body.map((o: any) => o.id)).toEqual([id]);
      const patched = await call(h(catalogItem.PATCH), `${CAT}/productOffering/${id}`, {
        method: 'PATCH',
        token,
        params: { resource: 'productOffering', id },
        body: { name: 'Voicemail Plus', description: null },
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'Voicemail Plus', category: [{ id: 'feature-add-ons' }] });
      expect(patched.body).not.toHaveProperty('description');
      expect(Date.parse(patched.body.lastUpdate)).toBeGreaterThanOrEqual(Date.parse(created.body.lastUpdate));
      const launch = await call(h(catalogItem.PATCH), `${CAT}/productOffering/${id}`, {
        method: 'PATCH',
        token,
        params: { resource: 'productOffering', id },
        body: { lifecycleStatus: 'Launched' },
      });
      expect(launch.status).toBe(400);
      expect(launch.body.field).toBe('lifecycleStatus');

      for (const [method, handler] of [
        ['PATCH', catalogItem.PATCH],
        ['DELETE', catalogItem.DELETE],
      ] as const) {
        for (const launched of ['PLUS', 'LEGACY']) {
          const r = await call(h(handler), `${CAT}/productOffering/${launched}`, {
            method,
            token,
            params: { resource: 'productOffering', id: launched },
            body: method === 'PATCH' ? { name: 'Renamed' } : undefined,
          });
          expect(r.status).toBe(409);
          expect(r.body).toMatchObject({ code: 'not_a_draft', status: '409' });
        }
      }
      expect(
        (
          await call(h(catalogItem.DELETE), `${CAT}/productOffering/nope`, {
            method: 'DELETE',
            token,
            params: { resource: 'productOffering', id: 'nope' },
          })
        ).status,
      ).toBe(404);
      const gone = await call(h(catalogItem.DELETE), `${CAT}/productOffering/${id}`, {
        method: 'DELETE',
        token,
        params: { resource: 'productOffering', id },
      });
      expect(gone.status).toBe(204);
      expect(
        (
          await call(h(catalogItem.GET), `${CAT}/productOffering/${id}`, {
            token,
            params: { resource: 'productOffering', id },
          })
        ).status,
      ).toBe(404);
      forgetCatalog();
    });

    it('bad bodies: 400 naming the field, nothing written', async () => {
      const n = await draftCount();
      const auditN = (await t.db.select({ n: sql<number>`count(*)::int` }).from(s.auditEvents))[0]!.n;
      const post = (resource: string, body: unknown, raw?: string, headers?: Record<string, string>) =>
        call(h(catalogCollection.POST), `${CAT}/${resource}`, {
          method: 'POST',
          token,
          params: { resource },
          body: raw === undefined ? body : undefined,
          raw,
          headers,
        });
      const cases: Array<[Answer, string]> = [
        [await post('productOffering', { name: 'x', colour: 'red' }), 'colour'],
        [
          await post('productOffering', { name: 'x', productSpecification: { id: 'voicemail', colour: 1 } }),
          'productSpecification.colour',
        ],
        [await post('productOffering', { name: 42 }), 'name'],
        [await post('productOffering', { description: 'no name' }), 'name'],
        [await post('productOffering', { name: 'x', isBundle: 'yes' }), 'isBundle'],
        [await post('productOffering', { name: 'x', category: [{ name: 'no id' }] }), 'category.0.id'],
        [await post('productOffering', { name: 'x', category: [{ id: 'no-such-category' }] }), 'category.0.id'],
        [await post('productOfferingPrice', { name: 'x', price: { value: 'ten' } }), 'price.value'],
        [await post('productOffering', { name: 'x', lifecycleStatus: 'Launched' }), 'lifecycleStatus'],
        [await post('productOffering', undefined, '{"name": "x"'), '(body)'],
        [await post('productOffering', undefined, '[{"name": "x"}]'), '(body)'],
        [
          await post('productOffering', undefined, JSON.stringify({ name: 'x', description: 'y'.repeat(70_000) })),
          '(body)',
        ],
      ];
      for (const [answer, field] of cases) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(400);
        expect(answer.body).toMatchObject({ status: '400', field });
        expect(typeof answer.body.message).toBe('string');
      }
      const created = await post('productSpecification', { name: 'Spec draft' });
      const id = created.body.id as string;
      const patch = (raw: string) =>
        call(h(catalogItem.PATCH), `${CAT}/productSpecification/${id}`, {
          method: 'PATCH',
          token,
          params: { resource: 'productSpecification', id },
          raw,
        });
      for (const [raw, field] of [
        ['[]', '(body)'],
        ['"name"', '(body)'],
        ['{"id": "other"}', 'id'],
        ['{"lastUpdate": "2020-01-01T00:00:00Z"}', 'lastUpdate'],
        ['{"name": null}', 'name'],
        ['{"isBundle": 3}', 'isBundle'],
      ] as const) {
        const r = await patch(raw);
        expect(r.status, raw).toBe(400);
        expect(r.body.field, raw).toBe(field);
      }
      expect(
        (
          await call(h(catalogItem.GET), `${CAT}/productSpecification/${id}`, {
            token,
            params: { resource: 'productSpecification', id },
          })
        ).body.name,
      ).toBe('Spec draft');
      expect(await draftCount()).toBe(n + 1);
      const auditAfter = (await t.db.select({ n: sql<number>`count(*)::int` }).from(s.auditEvents))[0]!.n;
      expect(auditAfter).toBe(auditN + 1);
      // An external reference (another system's href) is kept as given.
      const external = await post('productOffering', {
        name: 'ext',
        productSpecification: { id: '9881', href: 'https://pim.example.com/productSpecification/9881' },
      });
      expect(external.status).toBe(201);
      expect(external.body.productSpecification).toEqual({
        id: '9881',
        href: 'https://pim.example.com/productSpecification/9881',
      });
    });
  });

  describe('TMF629 customers', () => {
    it('lists subscribers as customers with pagination and filters', async () => {
      const page = await call(h(customerCollection.GET), `${CUS}/customer?offset=1&limit=2`, { token });
      expect(page.status).toBe(200);
      expect(Number(page.headers.get('x-total-count'))).toBeGreaterThanOrEqual(28);
      expect(page.headers.get('x-result-count')).toBe('2');
      const ben = await call(
        h(customerCollection.GET),
        `${CUS}/customer?contactMedium.characteristic.emailAddress=ben@example.com`,
        { token },
      );
      expect(ben.body).toHaveLength(1);
      expect(ben.body[0]).toMatchObject({
        '@type': 'Customer',
        name: 'Ben Okafor',
        account: [{ id: 'SB-100002' }],
        characteristic: [{ name: 'onlineAccess', value: true }],
        engagedParty: { '@referredType': 'Individual' },
      });
      const one = await call(h(customerItem.GET), `${CUS}/customer/${ben.body[0].id}?fields=name`, {
        token,
        params: { id: ben.body[0].id },
      });
      expect(Object.keys(one.body).sort()).toEqual(['@type', 'href', 'id', 'name']);
      for (const id of ['0', 'abc', '99999999', 'c2df1950-c17c-4576-9c22-e59073a4a86a']) {
        const r = await call(h(customerItem.GET), `${CUS}/customer/${id}`, { token, params: { id } });
        expect(r.status).toBe(404);
        expect(r.body).toMatchObject({ code: 'not_found', status: '404' });
      }
    });

    it('create opens an account without online access; patch changes contact details with validation', async () => {
      const created = await call(h(customerCollection.POST), `${CUS}/customer`, {
        method: 'POST',
        token,
        body: {
          name: 'Iris Novak',
          engagedParty: { id: 'crm-77', '@referredType': 'Individual' },
          contactMedium: [{ mediumType: 'email', characteristic: { emailAddress: 'Iris@Example.com' } }],
        },
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(created.body.href);
      expect(created.body).toMatchObject({
        name: 'Iris Novak',
        status: 'Initialized',
        engagedParty: { id: 'crm-77' },
        characteristic: [{ name: 'onlineAccess', value: false }],
      });
      const id = Number(created.body.id);
      const row = (await t.db.select().from(s.subscribers).where(eq(s.subscribers.id, id)))[0]!;
      expect(row).toMatchObject({ email: 'iris@example.com', phone: null, accountNumber: `SB-${500000 + id}` });
      // Opened on the business clock's day, billed on that day of the month.
      expect(row.billingDay).toBe(Number(row.joinedOn.slice(8, 10)));
      expect(await t.db.select().from(s.users).where(eq(s.users.subscriberId, id))).toEqual([]);
      const audit = await t.db
        .select()
        .from(s.auditEvents)
        .where(and(eq(s.auditEvents.action, 'tmf629.customer.create'), eq(s.auditEvents.subscriberId, id)));
      expect(audit[0]).toMatchObject({ actorClientId: clientId });

      const patch = (body: unknown) =>
        call(h(customerItem.PATCH), `${CUS}/customer/${id}`, {
          method: 'PATCH',
          token,
          params: { id: String(id) },
          body,
        });
      const ok = await patch({
        contactMedium: [
          { mediumType: 'email', characteristic: { emailAddress: 'iris@example.net' } },
          { mediumType: 'phone', characteristic: { phoneNumber: '+1 555 010 7777' } },
        ],
      });
      expect(ok.status).toBe(200);
      expect(
        ok.body.contactMedium.map((c: any) => c.characteristic.emailAddress ?? c.characteristic.phoneNumber),
      ).toEqual(['iris@example.net', '+1 555 010 7777']);
      const bad: Array<[unknown, number, string]> = [
        [
          { contactMedium: [{ mediumType: 'email', characteristic: { emailAddress: 'not-an-email' } }] },
          400,
          'contactMedium.0.characteristic.emailAddress',
        ],
        [
          { contactMedium: [{ mediumType: 'phone', characteristic: { phoneNumber: '12' } }] },
          400,
          'contactMedium.0.characteristic.phoneNumber',
        ],
        [
          { contactMedium: [{ mediumType: 'fax', characteristic: { faxNumber: '1' } }] },
          400,
          'contactMedium.0.mediumType',
        ],
        [{ contactMedium: [{ characteristic: {} }] }, 400, 'contactMedium.0.mediumType'],
        [
          { contactMedium: [{ mediumType: 'email', characteristic: { emailAddress: 'ben@example.com' } }] },
          409,
          'contactMedium',
        ],
        [{ creditProfile: [] }, 400, 'creditProfile'],
        [{ name: '' }, 400, 'name'],
        [{ nickname: 'x' }, 400, 'nickname'],
      ];
      for (const [body, status, field] of bad) {
        const r = await patch(body);
        expect(r.status, JSON.stringify(body)).toBe(status);
        expect(r.body.field, JSON.stringify(body)).toBe(field);
      }
      expect((await t.db.select().from(s.subscribers).where(eq(s.subscribers.id, id)))[0]).toMatchObject({
        email: 'iris@example.net',
        phone: '+1 555 010 7777',
      });

      // A subscriber who signs in keeps an email on file.
      const adaId = (await t.db.select().from(s.users).where(eq(s.users.email, 'ada@example.com')))[0]!.subscriberId!;
      const noEmail = await call(h(customerItem.PATCH), `${CUS}/customer/${adaId}`, {
        method: 'PATCH',
        token,
        params: { id: String(adaId) },
        body: { contactMedium: [] },
      });
      expect(noEmail.status).toBe(400);

      const invalid = await call(h(customerCollection.POST), `${CUS}/customer`, {
        method: 'POST',
        token,
        body: { name: 'No party' },
      });
      expect(invalid.body).toMatchObject({ status: '400', field: 'engagedParty' });
    });
  });

  describe('TMF637 product inventory', () => {
    it('a product for the plan and each add-on, filters, and terminated products as history', async () => {
      const ben = (await t.db.select().from(s.users).where(eq(s.users.email, 'ben@example.com')))[0]!.subscriberId!;
      const list = await call(h(productCollection.GET), `${INV}/product?relatedParty.id=${ben}`, { token });
      expect(list.status).toBe(200);
      expect(list.body.map((p: any) => [p.productOffering.id, p.status])).toEqual([
        ['PLUS', 'active'],
        ['ld_300', 'active'],
        ['voicemail', 'active'],
      ]);
      const plan = list.body[0];
      expect(plan).toMatchObject({
        '@type': 'Product',
        isBundle: true,
        billingAccount: { id: 'SB-100002' },
        relatedParty: [{ id: String(ben), role: 'customer', '@referredType': 'Customer' }],
        productPrice: [{ priceType: 'recurring', price: { dutyFreeAmount: { unit: 'USD', value: 25 } } }],
      });
      expect(plan.productCharacteristic).toContainEqual({
        name: 'includedLongDistanceMinutes',
        valueType: 'integer',
        value: 100,
      });
      const one = await call(h(productItem.GET), `${INV}/product/${plan.id}`, { token, params: { id: plan.id } });
      expect(one.body).toEqual(plan);

      const ldOnly = await call(
        h(productCollection.GET),
        `${INV}/product?productOffering.id=ld_300&relatedParty.id=${ben}`,
        { token },
      );
      expect(ldOnly.body).toHaveLength(1);
      const allLd = await call(h(productCollection.GET), `${INV}/product?productOffering.id=ld_300&limit=2`, { token });
      expect(allLd.body.every((p: any) => p.productOffering.id === 'ld_300')).toBe(true);
      expect(Number(allLd.headers.get('x-total-count'))).toBeGreaterThanOrEqual(allLd.body.length);

      // Ben moves to Premium now: Plus and the add-ons Premium includes or doesn't offer end.
      const actor = await actorFor(t.db, 'ben@example.com', TODAY);
      const preview = await previewChange(actor, {
        subscriberId: ben,
        target: { planCode: 'PREMIUM', addOns: ['ld_300'] },
      });
      const done = await confirmChange(actor, {
        subscriberId: ben,
        target: preview.plan.target,
        version: preview.version,
        idempotencyKey: preview.idempotencyKey,
      });
      expect(done.status).toBe('applied');
      const afterChange = await call(h(productCollection.GET), `${INV}/product?relatedParty.id=${ben}`, { token });
      const byOffering = afterChange.body.map(
        (p: any) =>
          `${p.productOffering.id}:${p.status}${p.terminationDate ? `:${p.terminationDate.slice(0, 10)}` : ''}`,
      );
      expect(byOffering).toContain('PREMIUM:active');
      expect(byOffering).toContain(`PLUS:terminated:${TODAY}`);
      expect(byOffering).toContain(`voicemail:terminated:${TODAY}`);
      expect(byOffering).toContain('ld_300:active');
      const terminated = await call(
        h(productCollection.GET),
        `${INV}/product?relatedParty.id=${ben}&status=terminated`,
        { token },
      );
      expect(terminated.body.map((p: any) => p.productOffering.id).sort()).toEqual(['PLUS', 'voicemail']);
      expect(terminated.body.every((p: any) => p.terminationDate && p.startDate)).toBe(true);
      for (const id of ['x', `${ben}-PLUS-999`, '55a2163b-489e-4138-93e9-8becb24272f2']) {
        expect((await call(h(productItem.GET), `${INV}/product/${id}`, { token, params: { id } })).status).toBe(404);
      }
      expect((await call(h(productCollection.GET), `${INV}/product?colour=red`, { token })).status).toBe(400);
    });
  });
});
