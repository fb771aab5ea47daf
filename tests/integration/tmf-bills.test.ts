/**
 * TMF678 Customer Bill and the TMF event hubs, through the route handlers on a real database
 * (PGlite, and PostgreSQL when TEST_DATABASE_URL is set): a bill issued by the rollover is a
 * customerBill with its lines as appliedCustomerBillingRate and its PDF as its document; its
 * state changes by PATCH (or an agent with a reason), audited, while its lines stay as they
 * were; a bill on demand for an unknown account is stored and rejected with the reason; a hub
 * listener registered by an API client gets CustomerBillCreateEvent and
 * CustomerBillStateChangeEvent on a local HTTP server, signed with the client's key.
 */
import http from 'node:http';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { ALL_API_SCOPES, type ApiScope } from '@/lib/api-scopes';
import { resetConfigForTests } from '@/lib/config';
import { setResolverForTests } from '@/lib/server/callbacks';
import { createApiClient, issueToken } from '@/lib/server/api-clients';
import { rolloverSubscription } from '@/lib/server/billing';
import { setBillState } from '@/lib/server/bills';
import { getCatalog } from '@/lib/server/catalog';
import { deliverOutbox } from '@/lib/server/outbox';
import { hubSigningKey, verifySignature, webhookTransport } from '@/lib/server/webhooks';
import * as billCollection from '@/app/tmf-api/customerBillManagement/v4/customerBill/route';
import * as billItem from '@/app/tmf-api/customerBillManagement/v4/customerBill/[id]/route';
import * as billDocument from '@/app/tmf-api/customerBillManagement/v4/customerBill/[id]/document/route';
import * as rateCollection from '@/app/tmf-api/customerBillManagement/v4/appliedCustomerBillingRate/route';
import * as demandCollection from '@/app/tmf-api/customerBillManagement/v4/customerBillOnDemand/route';
import * as demandItem from '@/app/tmf-api/customerBillManagement/v4/customerBillOnDemand/[id]/route';
import * as billHub from '@/app/tmf-api/customerBillManagement/v4/hub/route';
import * as billHubItem from '@/app/tmf-api/customerBillManagement/v4/hub/[id]/route';
import * as usageCollection from '@/app/tmf-api/usageManagement/v4/usage/route';
import * as usageHub from '@/app/tmf-api/usageManagement/v4/hub/route';
import * as usageHubItem from '@/app/tmf-api/usageManagement/v4/hub/[id]/route';
import { createTestDb, drivers, type TestDb } from './support/db';
import { actorFor, createSubscriber, useTestDb } from './support/actors';

const ORIGIN = 'http://tmf.test';
const BILL = `${ORIGIN}/tmf-api/customerBillManagement/v4`;
const USAGE = `${ORIGIN}/tmf-api/usageManagement/v4`;
const TODAY = '2026-11-16';

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const h = (m: unknown) => m as Handler;

async function call(
  handler: Handler,
  url: string,
  opts: { method?: string; token: string; body?: unknown; params?: Record<string, string> },
): Promise<{ status: number; headers: Headers; body: any; bytes: Uint8Array }> {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token}` };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await handler(
    new Request(url, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    }),
    { params: Promise.resolve(opts.params ?? {}) },
  );
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = res.headers.get('content-type')?.startsWith('application/json') ? new TextDecoder().decode(bytes) : '';
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, bytes };
}

describe.each(drivers)('TMF678 bills and hubs on %s', (driver) => {
  let t: TestDb;
  let token: string;
  let secret: string;
  let otherToken: string;
  let server: http.Server;
  let callback = '';
  const received: { body: string; signature: string | undefined }[] = [];

  const tokenFor = async (scopes: ApiScope[], name: string) => {
    const c = await createApiClient(t.db, { kind: 'command-line' }, { name, scopes });
    return {
      ...c,
      token: (await issueToken(t.db, { clientId: c.clientId, clientSecret: c.clientSecret }, new Date())).access_token,
    };
  };
  const deliver = () =>
    deliverOutbox(
      t.db,
      {
        email: async () => undefined,
        webhook: webhookTransport(t.db),
      },
      { exclusive: (fn) => fn() },
    );
  const linesOf = (billNumber: number) =>
    t.db.execute(
      sql`select l.* from ledger_lines l join bills b on b.id = l.bill_id where b.number = ${billNumber} order by l.id`,
    );

  beforeAll(async () => {
    t = await createTestDb(driver, { today: TODAY });
    useTestDb(t);
    const c = await tokenFor(ALL_API_SCOPES, 'Billing system');
    token = c.token;
    secret = c.clientSecret;
    otherToken = (await tokenFor(['bills.read', 'bills.write'], 'Another system')).token;
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (x: Buffer) => (body += x.toString('utf8')));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-switchboard-signature'] as string | undefined });
        res.statusCode = 201;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    callback = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/listener`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await t?.destroy();
  });

  it('a hub listener gets the bill the rollover issued and its state change, signed with the client key; the lines never change', async () => {
    const hub = await call(h(billHub.POST), `${BILL}/hub`, {
      method: 'POST',
      token,
      body: { callback, query: 'eventType=CustomerBillCreateEvent,CustomerBillStateChangeEvent' },
    });
    expect(hub.status, JSON.stringify(hub.body)).toBe(201);
    expect(hub.body).toMatchObject({ id: expect.any(String), callback });
    expect(hub.headers.get('location')).toBe(`${BILL}/hub/${hub.body.id}`);

    const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'PLUS', addOns: [] } });
    const catalog = await getCatalog(t.db);
    expect(await rolloverSubscription(t.db, catalog, sub.subscriptionId, '2026-12-01')).toBe(1);

    const list = await call(h(billCollection.GET), `${BILL}/customerBill?relatedParty.id=${sub.subscriberId}`, {
      token,
    });
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total-count')).toBe('1');
    const bill = list.body[0];
    expect(bill).toMatchObject({
      '@type': 'CustomerBill',
      state: 'new',
      billDate: '2026-12-01T00:00:00.000Z',
      paymentDueDate: '2026-12-15T00:00:00.000Z',
      amountDue: { unit: 'USD', value: expect.any(Number) },
      billDocument: [{ mimeType: 'application/pdf', url: `${BILL}/customerBill/${bill.id}/document` }],
      relatedParty: [{ id: String(sub.subscriberId), role: 'customer' }],
    });

    const rates = await call(h(rateCollection.GET), `${BILL}/appliedCustomerBillingRate?bill.id=${bill.id}`, { token });
    expect(rates.status).toBe(200);
    expect(rates.body.length).toBeGreaterThan(0);
    expect(rates.body.every((r: any) => r.isBilled === true && r.bill.id === bill.id)).toBe(true);
    const sum = rates.body.reduce((a: number, r: any) => a + Math.round(r.taxExcludedAmount.value * 100), 0);
    // The lines add up to the bill (the month in advance, and the closed period's lines booked before).
    expect(sum).toBe(Math.round(bill.amountDue.value * 100));
    expect(sum).toBeGreaterThan(0);

    const pdf = await call(h(billDocument.GET), `${BILL}/customerBill/${bill.id}/document`, {
      token,
      params: { id: bill.id },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(new TextDecoder().decode(pdf.bytes.slice(0, 5))).toBe('%PDF-');

    const linesBefore = (await linesOf(Number(bill.id))) as unknown as { rows: unknown[] };

    // Only the state is patchable; a line or an amount is refused by name and nothing changes.
    const bad = await call(h(billItem.PATCH), `${BILL}/customerBill/${bill.id}`, {
      method: 'PATCH',
      token,
      params: { id: bill.id },
      body: { amountDue: { unit: 'USD', value: 0 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'amountDue' });
    const unknownState = await call(h(billItem.PATCH), `${BILL}/customerBill/${bill.id}`, {
      method: 'PATCH',
      token,
      params: { id: bill.id },
      body: { state: 'partiallyPaid' },
    });
    expect(unknownState.status).toBe(400);

    const held = await call(h(billItem.PATCH), `${BILL}/customerBill/${bill.id}`, {
      method: 'PATCH',
      token,
      params: { id: bill.id },
      body: { state: 'onHold' },
    });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body).toMatchObject({ id: bill.id, state: 'onHold', amountDue: bill.amountDue });

    // An agent settles the dispute, with a reason (required in the portal).
    const agent = await actorFor(t.db, 'agent@example.com', TODAY);
    await expect(setBillState(agent, Number(bill.id), 'settled', '')).rejects.toMatchObject({ code: 'invalid' });
    const subscriber = await actorFor(t.db, sub.email, TODAY);
    await expect(setBillState(subscriber, Number(bill.id), 'settled', 'mine')).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await setBillState(agent, Number(bill.id), 'settled', 'Paid at the shop')).toMatchObject({
      from: 'on_hold',
      to: 'settled',
      changed: true,
    });
    const reopen = await call(h(billItem.PATCH), `${BILL}/customerBill/${bill.id}`, {
      method: 'PATCH',
      token,
      params: { id: bill.id },
      body: { state: 'new' },
    });
    expect(reopen.status).toBe(409);

    const linesAfter = (await linesOf(Number(bill.id))) as unknown as { rows: unknown[] };
    expect(linesAfter.rows).toEqual(linesBefore.rows);
    const audit = await t.db
      .select()
      .from(s.auditEvents)
      .where(and(eq(s.auditEvents.action, 'change_bill_state'), eq(s.auditEvents.subscriberId, sub.subscriberId)))
      .orderBy(s.auditEvents.id);
    expect(audit.map((a) => [a.outcome, a.actorRole, (a.before as any)?.state, (a.after as any)?.state])).toEqual([
      ['ok', 'api-client', 'issued', 'on_hold'],
      ['ok', 'agent', 'on_hold', 'settled'],
    ]);
    expect(audit[1]!.reason).toBe('Paid at the shop');

    await deliver();
    const events = received.map((r) => ({ ...r, json: JSON.parse(r.body) }));
    expect(events.map((e) => [e.json.eventType, e.json.event.customerBill.state])).toEqual([
      ['CustomerBillCreateEvent', 'new'],
      ['CustomerBillStateChangeEvent', 'onHold'],
      ['CustomerBillStateChangeEvent', 'settled'],
    ]);
    for (const e of events) {
      expect(e.json.event.customerBill.id).toBe(bill.id);
      expect(verifySignature(hubSigningKey(secret), e.body, e.signature)).toBe(true);
      expect(verifySignature(hubSigningKey('not-the-secret'), e.body, e.signature)).toBe(false);
    }

    // Another client can't remove it; its owner can, and then nothing more is sent to it.
    const foreign = await call(h(billHubItem.DELETE), `${BILL}/hub/${hub.body.id}`, {
      method: 'DELETE',
      token: otherToken,
      params: { id: hub.body.id },
    });
    expect(foreign.status).toBe(404);
    const gone = await call(h(billHubItem.DELETE), `${BILL}/hub/${hub.body.id}`, {
      method: 'DELETE',
      token,
      params: { id: hub.body.id },
    });
    expect(gone.status).toBe(204);
    received.length = 0;
    expect(await rolloverSubscription(t.db, catalog, sub.subscriptionId, '2027-01-01')).toBe(1);
    await deliver();
    expect(received).toEqual([]);
  });

  it('a hub registration with a bad callback or an event type the API does not send is refused', async () => {
    const before = (await t.db.select().from(s.webhookListeners)).length;
    for (const body of [
      { callback: 'ftp://example.org/x' },
      { callback: 'not a url' },
      { callback, query: 'eventType=ProductOrderCreateEvent' },
      { callback, unknown: 1 },
    ]) {
      const r = await call(h(billHub.POST), `${BILL}/hub`, { method: 'POST', token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.db.select().from(s.webhookListeners)).length).toBe(before);
  });

  it('TMF635: a usage record created by POST usage is told to the hub listeners as UsageCreateEvent, once', async () => {
    const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'BASIC', addOns: [] } });
    const record = (id: string) => ({
      id,
      usageDate: '2026-11-15T10:00:00Z',
      usageSpecification: { id: 'long-distance' },
      relatedParty: [{ id: String(sub.subscriberId), role: 'customer', '@referredType': 'Customer' }],
      usageCharacteristic: [{ name: 'quantity', value: 7 }],
    });
    const usageEvents = () => t.db.select().from(s.outboxEvents).where(eq(s.outboxEvents.type, 'UsageCreateEvent'));

    // No hub listener yet: the record is stored and no event is written.
    const quiet = await call(h(usageCollection.POST), `${USAGE}/usage`, {
      method: 'POST',
      token,
      body: record(`ev-usage-quiet-${driver}`),
    });
    expect(quiet.status, JSON.stringify(quiet.body)).toBe(201);
    expect(await usageEvents()).toHaveLength(0);

    const hub = await call(h(usageHub.POST), `${USAGE}/hub`, { method: 'POST', token, body: { callback } });
    expect(hub.status, JSON.stringify(hub.body)).toBe(201);
    received.length = 0;
    const id = `ev-usage-1-${driver}`;
    const created = await call(h(usageCollection.POST), `${USAGE}/usage`, { method: 'POST', token, body: record(id) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The same id again is a duplicate (200): counted once, told once.
    const again = await call(h(usageCollection.POST), `${USAGE}/usage`, { method: 'POST', token, body: record(id) });
    expect(again.status).toBe(200);

    const events = await usageEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ subscriberId: sub.subscriberId });
    const deliveries = await t.db.select().from(s.deliveries).where(eq(s.deliveries.eventId, events[0]!.id));
    expect(deliveries.map((d) => [d.channel, d.listenerId, d.recipient])).toEqual([
      ['webhook', Number(hub.body.id), callback],
    ]);

    await deliver();
    expect(received).toHaveLength(1);
    const body = JSON.parse(received[0]!.body);
    expect(verifySignature(hubSigningKey(secret), received[0]!.body, received[0]!.signature)).toBe(true);
    expect(body).toMatchObject({
      eventId: events[0]!.eventKey,
      eventType: 'UsageCreateEvent',
      eventTime: events[0]!.createdAt.toISOString(),
      event: {
        usage: {
          id,
          href: `/tmf-api/usageManagement/v4/usage/${id}`,
          status: created.body.status,
          usageSpecification: { id: 'long-distance' },
          relatedParty: [{ id: String(sub.subscriberId), role: 'customer', '@referredType': 'Customer' }],
          '@type': 'Usage',
        },
      },
    });
    // The event's document is the resource as GET answers it (hrefs aside: no public URL is configured here).
    const { href: _h, relatedParty: _r, usageSpecification: _u, ...rest } = created.body;
    expect(body.event.usage).toMatchObject(rest);

    const gone = await call(h(usageHubItem.DELETE), `${USAGE}/hub/${hub.body.id}`, {
      method: 'DELETE',
      token,
      params: { id: hub.body.id },
    });
    expect(gone.status).toBe(204);
  });

  it('in a deployment, a hub callback on a non-public address is refused (400), a public one accepted, and delivery checks again (DNS rebinding)', async () => {
    // Registered while private callbacks were allowed (as outside a deployment): a loopback callback.
    const early = await call(h(usageHub.POST), `${USAGE}/hub`, { method: 'POST', token, body: { callback } });
    expect(early.status).toBe(201);
    const names: Record<string, string[]> = {
      'hooks.example.com': ['93.184.216.34'],
      'intranet.example.com': ['192.168.10.4'],
    };
    const saved = { ...process.env };
    process.env.SWITCHBOARD_ENV = 'production';
    process.env.NEXTAUTH_SECRET ??= 'x'.repeat(40);
    delete process.env.SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS;
    resetConfigForTests();
    setResolverForTests(async (host) => {
      const found = names[host];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found;
    });
    const before = (await t.db.select().from(s.webhookListeners)).length;
    try {
      for (const [bad, why] of <[string, string][]>[
        [callback, '127.0.0.1 is a loopback address'],
        ['http://2130706433/x', '127.0.0.1 is a loopback address'],
        ['http://[::ffff:127.0.0.1]/x', 'is a loopback address'],
        ['http://169.254.169.254/latest/meta-data/', 'link-local'],
        ['http://10.1.2.3/x', 'a private address'],
        ['https://[fd00::5]/x', 'unique-local'],
        ['http://0.0.0.0:8080/x', 'unspecified'],
        ['http://localhost:3000/x', 'loopback name'],
        ['https://intranet.example.com/x', 'resolves to 192.168.10.4, a private address'],
        ['https://nowhere.example.com/x', 'does not resolve'],
      ]) {
        const r = await call(h(usageHub.POST), `${USAGE}/hub`, { method: 'POST', token, body: { callback: bad } });
        expect(r.status, bad).toBe(400);
        expect(r.body, bad).toMatchObject({
          code: 'invalid_field',
          field: 'callback',
          status: '400',
          '@type': 'Error',
          message: expect.stringContaining(why),
        });
      }
      expect((await t.db.select().from(s.webhookListeners)).length, 'nothing refused was registered').toBe(before);

      const ok = await call(h(usageHub.POST), `${USAGE}/hub`, {
        method: 'POST',
        token,
        body: { callback: 'https://hooks.example.com/switchboard' },
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body).toMatchObject({ callback: 'https://hooks.example.com/switchboard' });

      // The name now points at this machine (rebinding): refused before connecting, as is the
      // loopback callback registered earlier; both deliveries are dead with the reason.
      names['hooks.example.com'] = ['127.0.0.1'];
      received.length = 0;
      const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'BASIC', addOns: [] } });
      const posted = await call(h(usageCollection.POST), `${USAGE}/usage`, {
        method: 'POST',
        token,
        body: {
          id: `ev-usage-ssrf-${driver}`,
          usageDate: '2026-11-15T10:00:00Z',
          usageSpecification: { id: 'long-distance' },
          relatedParty: [{ id: String(sub.subscriberId), '@referredType': 'Customer' }],
          usageCharacteristic: [{ name: 'quantity', value: 1 }],
        },
      });
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      const result = await deliver();
      expect(received, 'nothing reached the loopback listener').toHaveLength(0);
      expect(result.dead).toBe(2);
      const dead = await t.db
        .select({ listenerId: s.deliveries.listenerId, status: s.deliveries.status, lastError: s.deliveries.lastError })
        .from(s.deliveries)
        .where(inArray(s.deliveries.listenerId, [Number(early.body.id), Number(ok.body.id)]))
        .orderBy(s.deliveries.listenerId);
      expect(dead).toEqual([
        {
          listenerId: Number(early.body.id),
          status: 'dead',
          lastError: "refused: The callback's host is not a public address: 127.0.0.1 is a loopback address.",
        },
        {
          listenerId: Number(ok.body.id),
          status: 'dead',
          lastError: 'refused: its host hooks.example.com resolves to 127.0.0.1, a loopback address',
        },
      ]);
    } finally {
      process.env = saved;
      resetConfigForTests();
      setResolverForTests(null);
      await t.db.update(s.webhookListeners).set({ enabled: false });
    }
  });

  it('a bill on demand is stored: rejected with the reason for an unknown account, answered by the next bill otherwise', async () => {
    const unknown = await call(h(demandCollection.POST), `${BILL}/customerBillOnDemand`, {
      method: 'POST',
      token,
      body: { billingAccount: { id: 'A0815' } },
    });
    expect(unknown.status).toBe(201);
    expect(unknown.body).toMatchObject({ state: 'rejected', billingAccount: { id: 'A0815' } });
    expect(unknown.body.description).toContain('A0815');
    const again = await call(h(demandItem.GET), `${BILL}/customerBillOnDemand/${unknown.body.id}`, {
      token,
      params: { id: unknown.body.id },
    });
    expect(again.body).toMatchObject({ id: unknown.body.id, state: 'rejected' });

    const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'BASIC', addOns: [] } });
    const account = (await t.db.select().from(s.subscribers).where(eq(s.subscribers.id, sub.subscriberId)))[0]!;
    const known = await call(h(demandCollection.POST), `${BILL}/customerBillOnDemand`, {
      method: 'POST',
      token,
      body: { billingAccount: { id: account.accountNumber }, name: 'Statement' },
    });
    expect(known.status).toBe(201);
    expect(known.body).toMatchObject({ state: 'inProgress', relatedParty: { id: String(sub.subscriberId) } });
    await rolloverSubscription(t.db, await getCatalog(t.db), sub.subscriptionId, '2026-12-01');
    const done = await call(h(demandItem.GET), `${BILL}/customerBillOnDemand/${known.body.id}`, {
      token,
      params: { id: known.body.id },
    });
    expect(done.body).toMatchObject({ state: 'done', customerBill: { id: expect.any(String) } });
    const bill = await call(h(billCollection.GET), `${BILL}/customerBill?id=${done.body.customerBill.id}`, { token });
    expect(bill.body[0].relatedParty[0].id).toBe(String(sub.subscriberId));

    const bad = await call(h(demandCollection.POST), `${BILL}/customerBillOnDemand`, {
      method: 'POST',
      token,
      body: { billingAccount: { id: account.accountNumber }, state: 'done' },
    });
    expect(bad.status).toBe(400);
  });
});
