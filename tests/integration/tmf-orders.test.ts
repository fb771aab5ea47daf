/**
 * TMF622 Product Ordering through the route handlers on a real database (PGlite, and
 * PostgreSQL when TEST_DATABASE_URL is set): an order from the API is planned by the portal's
 * own use case (the same proration lines, history and dashboard as the same change made in the
 * portal); a downgrade is pending until the rollover, then completed, with both events received
 * by a local HTTP listener that checks the signature; the same order twice makes one change; a
 * well-formed order that can't be carried out is stored and rejected with the reason; a pending
 * order can be cancelled; orders made in the portal are product orders too.
 */
import http from 'node:http';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { ALL_API_SCOPES } from '@/lib/api-scopes';
import { createApiClient, issueToken } from '@/lib/server/api-clients';
import { rolloverSubscription } from '@/lib/server/billing';
import { getCatalog } from '@/lib/server/catalog';
import { confirmChange, previewChange } from '@/lib/server/changes';
import { writeClockOffset } from '@/lib/server/clock';
import { getDashboard } from '@/lib/server/dashboard';
import { getHistory } from '@/lib/server/history';
import { deliverOutbox } from '@/lib/server/outbox';
import { hubSigningKey, verifySignature, webhookTransport } from '@/lib/server/webhooks';
import * as orderCollection from '@/app/tmf-api/productOrderingManagement/v4/productOrder/route';
import * as orderItem from '@/app/tmf-api/productOrderingManagement/v4/productOrder/[id]/route';
import * as cancelCollection from '@/app/tmf-api/productOrderingManagement/v4/cancelProductOrder/route';
import * as orderHub from '@/app/tmf-api/productOrderingManagement/v4/hub/route';
import * as inventoryHub from '@/app/tmf-api/productInventory/v4/hub/route';
import { createTestDb, drivers, type TestDb } from './support/db';
import { actorFor, createSubscriber, useTestDb } from './support/actors';

const ORIGIN = 'http://tmf.test';
const PO = `${ORIGIN}/tmf-api/productOrderingManagement/v4`;
const TODAY = '2026-11-16';

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const h = (m: unknown) => m as Handler;

async function call(
  handler: Handler,
  url: string,
  opts: { method?: string; token: string; body?: unknown; params?: Record<string, string>; key?: string },
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token}` };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.key) headers['idempotency-key'] = opts.key;
  const res = await handler(
    new Request(url, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    }),
    { params: Promise.resolve(opts.params ?? {}) },
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const customer = (id: number) => [{ id: String(id), role: 'customer', '@referredType': 'Customer' }];
const item = (id: string, action: string, offering: string) => ({ id, action, productOffering: { id: offering } });

describe.each(drivers)('TMF622 product orders on %s', (driver) => {
  let t: TestDb;
  let token: string;
  let secret: string;
  let server: http.Server;
  let callback = '';
  const received: { body: string; signature: string | undefined }[] = [];
  const post = (body: unknown, key?: string) =>
    call(h(orderCollection.POST), `${PO}/productOrder`, { method: 'POST', token, body, key });
  const ordersOf = async (subscriberId: number) =>
    (await t.db.select().from(s.orders).where(eq(s.orders.subscriberId, subscriberId))).length;
  const deliver = () =>
    deliverOutbox(t.db, { email: async () => undefined, webhook: webhookTransport(t.db) }, { exclusive: (fn) => fn() });

  beforeAll(async () => {
    t = await createTestDb(driver, { today: TODAY });
    useTestDb(t);
    // The API clients' business day is the clock's: the same day as the portal actors below.
    await writeClockOffset(t.db, Date.parse(`${TODAY}T10:00:00Z`) - Date.now());
    const c = await createApiClient(t.db, { kind: 'command-line' }, { name: 'CRM', scopes: ALL_API_SCOPES });
    secret = c.clientSecret;
    token = (await issueToken(t.db, { clientId: c.clientId, clientSecret: c.clientSecret }, new Date())).access_token;
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (x: Buffer) => (body += x.toString('utf8')));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-switchboard-signature'] as string | undefined });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    callback = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/orders`;
    const hub = await call(h(orderHub.POST), `${PO}/hub`, { method: 'POST', token, body: { callback } });
    expect(hub.status, JSON.stringify(hub.body)).toBe(201);
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await t?.destroy();
  });

  it('an upgrade from the API is completed with the same proration, history and dashboard as in the portal', async () => {
    const viaApi = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'BASIC', addOns: [] } });
    const viaPortal = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'BASIC', addOns: [] } });
    const r = await post({
      externalId: `crm-up-${viaApi.subscriberId}`,
      relatedParty: customer(viaApi.subscriberId),
      productOrderItem: [item('1', 'modify', 'PREMIUM'), item('2', 'add', 'intl_saver')],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ state: 'completed', '@type': 'ProductOrder' });
    expect(r.headers.get('location')).toBe(r.body.href);

    const portalActor = await actorFor(t.db, viaPortal.email, TODAY);
    const preview = await previewChange(portalActor, {
      subscriberId: viaPortal.subscriberId,
      target: { planCode: 'PREMIUM', addOns: ['intl_saver'] },
    });
    await confirmChange(portalActor, {
      subscriberId: viaPortal.subscriberId,
      target: { planCode: 'PREMIUM', addOns: ['intl_saver'] },
      version: preview.version,
      idempotencyKey: preview.idempotencyKey,
    });

    const agent = await actorFor(t.db, 'agent@example.com', TODAY);
    const [hApi, hPortal] = await Promise.all([
      getHistory(agent, viaApi.subscriberId),
      getHistory(agent, viaPortal.subscriberId),
    ]);
    expect(hApi).toHaveLength(1);
    const strip = (e: (typeof hApi)[number]) => ({
      status: e.status,
      effectiveDate: e.effectiveDate,
      description: e.description,
      prorationCents: e.prorationCents,
      monthlyToCents: e.monthlyToCents,
      lines: e.lines,
    });
    expect(strip(hApi[0]!)).toEqual(strip(hPortal[0]!));
    expect(hApi[0]!.prorationCents).not.toBe(0);
    expect(hApi[0]!.by).toContain('CRM');
    const [dApi, dPortal] = await Promise.all([
      getDashboard(agent, viaApi.subscriberId),
      getDashboard(agent, viaPortal.subscriberId),
    ]);
    expect(dApi.view.nextBill).toEqual(dPortal.view.nextBill);
    expect(r.body.orderTotalPrice[0].price.taxIncludedAmount.value * 100).toBeCloseTo(hApi[0]!.prorationCents, 6);

    // The portal's order is a product order too, listed with the API's.
    const listed = await call(h(orderCollection.GET), `${PO}/productOrder?relatedParty.id=${viaPortal.subscriberId}`, {
      token,
    });
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({ state: 'completed', channel: [{ id: 'portal' }] });
  });

  it('a downgrade is pending until the rollover, then completed; both events reach the listener, signed', async () => {
    const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'PREMIUM', addOns: [] } });
    received.length = 0;
    const r = await post({
      relatedParty: customer(sub.subscriberId),
      productOrderItem: [item('1', 'modify', 'BASIC')],
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'pending', requestedStartDate: '2026-12-01T00:00:00.000Z' });
    await rolloverSubscription(t.db, await getCatalog(t.db), sub.subscriptionId, '2026-12-01');
    const after = await call(h(orderItem.GET), `${PO}/productOrder/${r.body.id}`, { token, params: { id: r.body.id } });
    expect(after.body).toMatchObject({ id: r.body.id, state: 'completed' });
    await deliver();
    const mine = received
      .map((x) => ({ ...x, json: JSON.parse(x.body) }))
      .filter((x) => x.json.event?.productOrder?.id === r.body.id);
    expect(mine.map((x) => [x.json.eventType, x.json.event.productOrder.state])).toEqual([
      ['ProductOrderCreateEvent', 'pending'],
      ['ProductOrderStateChangeEvent', 'completed'],
    ]);
    for (const x of mine) expect(verifySignature(hubSigningKey(secret), x.body, x.signature)).toBe(true);
    expect(verifySignature(hubSigningKey('someone-else'), mine[0]!.body, mine[0]!.signature)).toBe(false);
  });

  it('TMF637 hub: an applied order tells the products it started and ended', async () => {
    const inv = await call(h(inventoryHub.POST), `${ORIGIN}/tmf-api/productInventory/v4/hub`, {
      method: 'POST',
      token,
      body: { callback },
    });
    expect(inv.status).toBe(201);
    const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'BASIC', addOns: ['voicemail'] } });
    received.length = 0;
    const r = await post({
      relatedParty: customer(sub.subscriberId),
      productOrderItem: [item('1', 'modify', 'PREMIUM')],
    });
    expect(r.body.state).toBe('completed');
    await deliver();
    const products = received
      .map((x) => ({ ...x, json: JSON.parse(x.body) }))
      .filter((x) => x.json.event?.product && x.json.subscriberId === sub.subscriberId);
    expect(
      products
        .map((x) => [x.json.eventType, x.json.event.product.productOffering.id, x.json.event.product.status])
        .sort(),
    ).toEqual(
      [
        ['ProductCreateEvent', 'PREMIUM', 'active'],
        ['ProductStateChangeEvent', 'BASIC', 'terminated'],
        // Voicemail is included in Premium: the add-on is removed as redundant.
        ['ProductStateChangeEvent', 'voicemail', 'terminated'],
      ].sort(),
    );
    for (const x of products) expect(verifySignature(hubSigningKey(secret), x.body, x.signature)).toBe(true);
  });

  it('the same order twice (externalId, or Idempotency-Key) makes one change and returns the first order', async () => {
    const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'BASIC', addOns: [] } });
    const body = {
      externalId: `crm-twice-${sub.subscriberId}`,
      relatedParty: customer(sub.subscriberId),
      productOrderItem: [item('1', 'add', 'voicemail')],
    };
    const [a, b] = await Promise.all([post(body), post(body)]);
    const c = await post(body);
    const ok = [a, b, c].filter((x) => x.status === 200 || x.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ok.map((x) => x.body.id)).size).toBe(1);
    expect(c.status).toBe(200);
    expect(await ordersOf(sub.subscriberId)).toBe(1);

    const keyed = { relatedParty: customer(sub.subscriberId), productOrderItem: [item('1', 'add', 'three_way')] };
    const k1 = await post(keyed, `key-${sub.subscriberId}`);
    const k2 = await post(keyed, `key-${sub.subscriberId}`);
    expect(k1.status).toBe(201);
    expect(k2.status).toBe(200);
    expect(k2.body.id).toBe(k1.body.id);
    expect(await ordersOf(sub.subscriberId)).toBe(2);
  });

  it('a well-formed order that cannot be carried out is stored and rejected with the reason; nothing changes', async () => {
    const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'PREMIUM', addOns: [] } });
    const cases: [unknown, RegExp][] = [
      [
        {
          productOrderItem: [{ id: '123', action: 'add' }],
          relatedParty: [{ id: '456-dd-df45', '@referredType': 'Individual' }],
        },
        /No customer/,
      ],
      [{ relatedParty: customer(sub.subscriberId), productOrderItem: [item('1', 'add', 'fax')] }, /"fax"/],
      [{ relatedParty: customer(sub.subscriberId), productOrderItem: [item('1', 'add', 'caller_id')] }, /./],
      [{ relatedParty: customer(sub.subscriberId), productOrderItem: [item('1', 'delete', 'PREMIUM')] }, /plan/],
      [{ relatedParty: customer(sub.subscriberId), productOrderItem: [item('1', 'modify', 'LEGACY')] }, /./],
    ];
    for (const [body, reason] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.state, JSON.stringify(body)).toBe('rejected');
      expect(r.body.description).toMatch(reason);
      const again = await call(h(orderItem.GET), `${PO}/productOrder/${r.body.id}`, {
        token,
        params: { id: r.body.id },
      });
      expect(again.body).toMatchObject({ id: r.body.id, state: 'rejected' });
    }
    expect(await ordersOf(sub.subscriberId)).toBe(0);
    const bad = await post({ relatedParty: customer(sub.subscriberId), productOrderItem: [{ id: '1' }] });
    expect(bad.status).toBe(400);
  });

  it('cancelProductOrder cancels a pending order; a completed one is refused with the reason', async () => {
    const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'PLUS', addOns: [] } });
    const r = await post({
      relatedParty: customer(sub.subscriberId),
      productOrderItem: [item('1', 'modify', 'BASIC')],
    });
    expect(r.body.state).toBe('pending');
    const c = await call(h(cancelCollection.POST), `${PO}/cancelProductOrder`, {
      method: 'POST',
      token,
      body: { productOrder: { id: r.body.id }, cancellationReason: 'Customer changed their mind' },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ state: 'done', productOrder: { id: r.body.id } });
    const after = await call(h(orderItem.GET), `${PO}/productOrder/${r.body.id}`, { token, params: { id: r.body.id } });
    expect(after.body.state).toBe('cancelled');
    const again = await call(h(cancelCollection.POST), `${PO}/cancelProductOrder`, {
      method: 'POST',
      token,
      body: { productOrder: { id: r.body.id } },
    });
    expect(again.body.state).toBe('rejected');
    const pending = await t.db.execute(
      sql`select count(*)::int as n from scheduled_changes sc join subscriptions s on s.id = sc.subscription_id where s.subscriber_id = ${sub.subscriberId} and sc.status = 'pending'`,
    );
    expect((pending as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });
});
