/**
 * The transactional outbox and its transports on real databases (SPEC §9), with a real SMTP
 * server (smtp-server on a loopback port) and a real HTTP listener: a change writes its event
 * in its own transaction; delivery sends it once with the event id; a relay that refuses is
 * retried with backoff and then delivered; one that never accepts is held as dead until an
 * admin retries; one subscriber's messages arrive in order; webhooks are signed, time out,
 * and a listener failing for the configured time is disabled; offer emails need consent;
 * the 3-day reminder is written once.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Db } from '@/db/client';
import { resetConfigForTests, resetJobsConfigForTests } from '@/lib/config';
import { addDays } from '@/lib/domain/periods';
import { confirmChange, previewChange } from '@/lib/server/changes';
import { rolloverSubscription } from '@/lib/server/billing';
import { getCatalog } from '@/lib/server/catalog';
import {
  deliverOutbox,
  recordEvent,
  recordEvents,
  requeueDeliveries,
  type NewEvent,
  type Transports,
} from '@/lib/server/outbox';
import { outboxTransports, queueReminders } from '@/lib/server/jobs/tasks';
import { registerListener, verifySignature } from '@/lib/server/webhooks';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp';
import { createTestDb, drivers, type TestDb } from './support/db';
import { actorFor, createSubscriber, useTestDb } from './support/actors';

const TODAY = '2026-11-16';
const ENV_KEYS = [
  'SMTP_URL',
  'OUTBOX_BACKOFF_BASE_MS',
  'OUTBOX_BACKOFF_MAX_MS',
  'OUTBOX_MAX_ATTEMPTS',
  'WEBHOOK_TIMEOUT_MS',
  'WEBHOOK_DISABLE_AFTER_MS',
  'NEXTAUTH_URL',
  'OPERATOR_NAME',
];

function setEnv(values: Record<string, string>): void {
  for (const k of ENV_KEYS) delete process.env[k];
  Object.assign(process.env, values);
  resetConfigForTests();
  resetJobsConfigForTests();
}

/** One caller: no other pass can run at the same time. */
const alone = <T>(fn: () => Promise<T>) => fn();

/** Runs delivery passes (waiting for each retry to come due) until nothing is pending, or `passes` runs out. */
async function drain(db: Db, transports: Transports, passes = 40): Promise<number> {
  let n = 0;
  for (; n < passes; n++) {
    const r = await deliverOutbox(db, transports, { exclusive: alone });
    if (r.nextDueInMs === null) break;
    // By the database's clock, which decides what is due (it may differ from this process's by a few ms).
    await new Promise((res) => setTimeout(res, Math.max(10, Math.min(r.nextDueInMs! + 10, 2_000))));
  }
  return n + 1;
}

/** Delivery passes until the event's deliveries have been attempted once more (a pass may find nothing due yet). */
async function attempted(db: Db, eventId: number): Promise<void> {
  const total = async () => (await deliveriesOf(db, eventId)).reduce((n, d) => n + d.attempts, 0);
  const before = await total();
  for (let i = 0; i < 40 && (await total()) === before; i++) await drain(db, outboxTransports(db), 1);
}

async function deliveriesOf(db: Db, eventId: number) {
  return db.select().from(s.deliveries).where(eq(s.deliveries.eventId, eventId));
}

describe.each(drivers)('outbox on %s', (driver) => {
  let t: TestDb;
  let smtp: SmtpCatcher;
  let refusing = false;
  beforeAll(async () => {
    t = await createTestDb(driver, { today: TODAY });
    useTestDb(t);
    smtp = await startSmtpCatcher({ refuse: () => refusing });
  });
  beforeEach(async () => {
    useTestDb(t);
    refusing = false;
    smtp.messages.length = 0;
    smtp.refusals = 0;
    setEnv({
      SMTP_URL: smtp.url,
      OUTBOX_BACKOFF_BASE_MS: '20',
      OUTBOX_BACKOFF_MAX_MS: '200',
      NEXTAUTH_URL: 'http://portal.test',
      OPERATOR_NAME: 'Northwind Telephone',
    });
    // Every test starts with nothing left to deliver from the one before.
    await t.db.update(s.deliveries).set({ status: 'delivered' }).where(eq(s.deliveries.status, 'pending'));
  });
  afterEach(() => setEnv({}));
  afterAll(async () => {
    await smtp?.close();
    await t?.destroy();
  });

  it('Ada adds Voicemail: the change and its event commit together, and one email with "+5.00" and the event id reaches ada@example.com', async () => {
    const ada = await actorFor(t.db, 'ada@example.com', TODAY);
    const p = await previewChange(ada, {
      subscriberId: ada.subscriberId!,
      target: { planCode: 'BASIC', addOns: ['voicemail'] },
    });
    expect(p.plan.monthlyChangeCents).toBe(500);
    await confirmChange(ada, {
      subscriberId: p.subscriberId,
      target: p.plan.target,
      version: p.version,
      idempotencyKey: p.idempotencyKey,
    });
    const events = await t.db.select().from(s.outboxEvents).where(eq(s.outboxEvents.subscriberId, ada.subscriberId!));
    expect(events.map((e) => e.type)).toEqual(['change_applied']);
    const [d] = await deliveriesOf(t.db, events[0]!.id);
    expect(d).toMatchObject({ channel: 'email', recipient: 'ada@example.com', status: 'pending' });

    await drain(t.db, outboxTransports(t.db));
    const mine = smtp.messages.filter((m) => m.to.includes('ada@example.com'));
    expect(mine).toHaveLength(1);
    const mail = mine[0]!;
    expect(mail.eventId).toBe(events[0]!.eventKey);
    expect(mail.messageId).toBe(`<${events[0]!.eventKey}@switchboard.events>`);
    expect(mail.text).toContain('+$5.00');
    expect(mail.html).toContain('+$5.00');
    expect(mail.text).toContain('Northwind Telephone');
    expect(mail.text).toContain('http://portal.test/dashboard');
    expect(mail.text).toContain('Voicemail');
    expect((await deliveriesOf(t.db, events[0]!.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });

    // A confirm that fails writes no event: the outbox is in the change's transaction.
    const before = (await t.db.select().from(s.outboxEvents)).length;
    await expect(
      confirmChange(ada, {
        subscriberId: p.subscriberId,
        target: { planCode: 'PLUS', addOns: [] },
        version: p.version,
        idempotencyKey: crypto.randomUUID(),
      }),
    ).rejects.toMatchObject({ code: 'stale' });
    expect((await t.db.select().from(s.outboxEvents)).length).toBe(before);
  });

  it('a relay that refuses is retried with backoff, then the message is delivered once', async () => {
    const sub = await createSubscriber(t.db, {
      billingDay: 1,
      config: { planCode: 'BASIC', addOns: [] },
      today: TODAY,
    });
    const id = (await t.db.transaction((tx) =>
      recordEvent(tx, {
        type: 'scheduled_change_cancelled',
        subscriberId: sub.subscriberId,
        payload: { effectiveDate: '2026-12-01' },
      }),
    ))!;
    refusing = true;
    const transports = outboxTransports(t.db);
    // Passes against a refusing relay: each one fails and schedules the next attempt later.
    for (let i = 0; i < 3; i++) await attempted(t.db, id);
    let [d] = await deliveriesOf(t.db, id);
    expect(d!.status).toBe('pending');
    expect(d!.attempts).toBeGreaterThanOrEqual(2);
    expect(smtp.refusals).toBeGreaterThanOrEqual(d!.attempts);
    expect(d!.lastError).toMatch(/451|Try again later/);
    expect(d!.nextAttemptAt.getTime()).toBeGreaterThan(d!.updatedAt.getTime());
    expect(smtp.messages.filter((m) => m.to.includes(sub.email))).toHaveLength(0);
    const refused = d!.attempts;
    refusing = false;
    await drain(t.db, transports);
    [d] = await deliveriesOf(t.db, id);
    expect(d).toMatchObject({ status: 'delivered', attempts: refused + 1, lastError: null });
    expect(smtp.messages.filter((m) => m.to.includes(sub.email))).toHaveLength(1);
  });

  it('an email that keeps failing is held as dead; an admin retry sends it', async () => {
    setEnv({ SMTP_URL: smtp.url, OUTBOX_BACKOFF_BASE_MS: '1', OUTBOX_BACKOFF_MAX_MS: '5', OUTBOX_MAX_ATTEMPTS: '3' });
    const sub = await createSubscriber(t.db, {
      billingDay: 1,
      config: { planCode: 'BASIC', addOns: [] },
      today: TODAY,
    });
    const id = (await t.db.transaction((tx) =>
      recordEvent(tx, {
        type: 'scheduled_change_cancelled',
        subscriberId: sub.subscriberId,
        payload: { effectiveDate: '2026-12-01' },
      }),
    ))!;
    refusing = true;
    await drain(t.db, outboxTransports(t.db), 10);
    const [d] = await deliveriesOf(t.db, id);
    expect(d).toMatchObject({ status: 'dead', attempts: 3 });
    expect(d!.lastError).toContain('gave up after 3 attempts');
    refusing = false;
    expect(await requeueDeliveries(t.db, [d!.id])).toBe(1);
    expect(await requeueDeliveries(t.db, [d!.id]), 'only dead deliveries are put back').toBe(0);
    await drain(t.db, outboxTransports(t.db));
    expect((await deliveriesOf(t.db, id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(smtp.messages.filter((m) => m.to.includes(sub.email))).toHaveLength(1);
  });

  it("one subscriber's messages arrive in the order they were written, even when the first is retried", async () => {
    const sub = await createSubscriber(t.db, {
      billingDay: 1,
      config: { planCode: 'BASIC', addOns: [] },
      today: TODAY,
    });
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) {
      const key = `order-test-${sub.subscriberId}-${i}`;
      keys.push(key);
      await t.db.transaction((tx) =>
        recordEvent(tx, {
          type: 'scheduled_change_cancelled',
          subscriberId: sub.subscriberId,
          eventKey: key,
          payload: { effectiveDate: `2026-12-0${i + 1}` },
        }),
      );
    }
    let first = true;
    const email = outboxTransports(t.db).email;
    const transports: Transports = {
      ...outboxTransports(t.db),
      email: async (d) => {
        if (first && d.event.key === keys[0]) {
          first = false;
          throw new Error('relay hiccup');
        }
        await email(d);
      },
    };
    await drain(t.db, transports);
    expect(smtp.messages.filter((m) => m.to.includes(sub.email)).map((m) => m.eventId)).toEqual(keys);
  });

  it('a rollover issues the bill and its email goes out once, with the bill PDF attached', async () => {
    const catalog = await getCatalog(t.db);
    const sub = await createSubscriber(t.db, { billingDay: 1, config: { planCode: 'PLUS', addOns: [] }, today: TODAY });
    const periodEnd = (
      await t.db
        .select({ end: s.subscriptions.periodEnd })
        .from(s.subscriptions)
        .where(eq(s.subscriptions.id, sub.subscriptionId))
    )[0]!.end;
    expect(await rolloverSubscription(t.db, catalog, sub.subscriptionId, periodEnd)).toBe(1);
    // Again on the same day: nothing more to close, no second event.
    expect(await rolloverSubscription(t.db, catalog, sub.subscriptionId, periodEnd)).toBe(0);
    const events = await t.db
      .select()
      .from(s.outboxEvents)
      .where(and(eq(s.outboxEvents.subscriberId, sub.subscriberId), eq(s.outboxEvents.type, 'bill_issued')));
    expect(events).toHaveLength(1);
    const bill = (
      await t.db
        .select()
        .from(s.bills)
        .where(eq(s.bills.id, Number(events[0]!.payload.billId)))
    )[0]!;
    expect(events[0]!.payload).toMatchObject({ billNumber: Number(bill.number), billDate: periodEnd });
    await drain(t.db, outboxTransports(t.db));
    const mail = smtp.messages.filter((m) => m.to.includes(sub.email));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain(`Your bill ${bill.number}`);
    expect(mail[0]!.attachments).toHaveLength(1);
    expect(mail[0]!.attachments[0]).toMatchObject({
      filename: `bill-${bill.number}.pdf`,
      contentType: 'application/pdf',
    });
    expect(mail[0]!.attachments[0]!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('an event key is written once (a repeat of the same event writes nothing)', async () => {
    const sub = await createSubscriber(t.db, {
      billingDay: 1,
      config: { planCode: 'BASIC', addOns: [] },
      today: TODAY,
    });
    const ev = {
      type: 'scheduled_change_cancelled' as const,
      subscriberId: sub.subscriberId,
      eventKey: `once-${sub.subscriberId}`,
      payload: {},
    };
    expect(await t.db.transaction((tx) => recordEvent(tx, ev))).not.toBeNull();
    expect(await t.db.transaction((tx) => recordEvent(tx, ev))).toBeNull();
    expect(await t.db.select().from(s.outboxEvents).where(eq(s.outboxEvents.eventKey, ev.eventKey))).toHaveLength(1);
  });

  it('offer emails go only with consent; service messages always', async () => {
    const sub = await createSubscriber(t.db, {
      billingDay: 1,
      config: { planCode: 'BASIC', addOns: [] },
      today: TODAY,
    });
    const offer = await t.db.transaction((tx) =>
      recordEvent(tx, { type: 'offer_suggested', subscriberId: sub.subscriberId, payload: { title: 'Try Plus' } }),
    );
    expect((await deliveriesOf(t.db, offer!)).filter((d) => d.channel === 'email')).toHaveLength(0);
    await t.db.insert(s.notificationPreferences).values({ subscriberId: sub.subscriberId, offerEmails: true });
    const offer2 = await t.db.transaction((tx) =>
      recordEvent(tx, { type: 'offer_suggested', subscriberId: sub.subscriberId, payload: { title: 'Try Plus' } }),
    );
    expect((await deliveriesOf(t.db, offer2!)).filter((d) => d.channel === 'email')).toHaveLength(1);
    await t.db
      .update(s.notificationPreferences)
      .set({ offerEmails: false })
      .where(eq(s.notificationPreferences.subscriberId, sub.subscriberId));
    const service = await t.db.transaction((tx) =>
      recordEvent(tx, { type: 'scheduled_change_cancelled', subscriberId: sub.subscriberId, payload: {} }),
    );
    expect((await deliveriesOf(t.db, service!)).filter((d) => d.channel === 'email')).toHaveLength(1);
  });

  it('the 3-day reminder of a scheduled change is written once, from 3 days before it takes effect', async () => {
    const catalog = await getCatalog(t.db);
    const sub = await createSubscriber(t.db, {
      billingDay: 1,
      config: { planCode: 'PREMIUM', addOns: [] },
      today: TODAY,
    });
    const actor = await actorFor(t.db, sub.email, TODAY);
    const p = await previewChange(actor, { subscriberId: sub.subscriberId, target: { planCode: 'BASIC', addOns: [] } });
    expect(p.plan.timing).toBe('end_of_period');
    await confirmChange(actor, {
      subscriberId: sub.subscriberId,
      target: p.plan.target,
      version: p.version,
      idempotencyKey: p.idempotencyKey,
    });
    const effective = p.plan.effectiveDate;
    const reminders = () =>
      t.db
        .select()
        .from(s.outboxEvents)
        .where(
          and(eq(s.outboxEvents.subscriberId, sub.subscriberId), eq(s.outboxEvents.type, 'scheduled_change_reminder')),
        );
    await queueReminders(t.db, catalog, addDays(effective, -4));
    expect(await reminders()).toHaveLength(0);
    await queueReminders(t.db, catalog, addDays(effective, -3));
    await queueReminders(t.db, catalog, addDays(effective, -2));
    const r = await reminders();
    expect(r).toHaveLength(1);
    expect(r[0]!.payload).toMatchObject({ effectiveDate: effective, targetDescription: 'Basic Line' });
    await drain(t.db, outboxTransports(t.db));
    const mail = smtp.messages.filter((m) => m.to.includes(sub.email));
    expect(mail.map((m) => m.subject)).toEqual([
      expect.stringContaining('scheduled'),
      expect.stringContaining('In 3 days'),
    ]);
  });

  it('the single and the batch path write the same deliveries for every kind of event', async () => {
    const sub = await createSubscriber(t.db, {
      billingDay: 1,
      config: { planCode: 'BASIC', addOns: [] },
      today: TODAY,
    });
    await t.db.insert(s.notificationPreferences).values({ subscriberId: sub.subscriberId, offerEmails: true });
    // Never delivered: disabled (and the deliveries settled) before the test ends.
    const all = await registerListener(t.db, {
      callbackUrl: 'http://127.0.0.1:9/all',
      secret: 'listener-secret-0123456789',
    });
    const orders = await registerListener(t.db, {
      callbackUrl: 'http://127.0.0.1:9/orders',
      secret: 'listener-secret-0123456789',
      eventTypes: ['ProductOrderCreateEvent'],
    });
    const kinds: Omit<NewEvent, 'eventKey'>[] = [
      { type: 'change_applied', subscriberId: sub.subscriberId, payload: { n: 1 } },
      { type: 'offer_suggested', subscriberId: sub.subscriberId, payload: { title: 'Try Plus' } },
      { type: 'change_applied', subscriberId: null, payload: { n: 2 } },
      // Email only, to the address on file; and to a staff member's address given with emailTo; and none.
      { type: 'account_link', subscriberId: sub.subscriberId, payload: { purpose: 'activate' } },
      { type: 'account_link', subscriberId: null, payload: { purpose: 'reset' }, emailTo: 'staff.x@example.org' },
      { type: 'scheduled_change_cancelled', subscriberId: sub.subscriberId, payload: {}, emailTo: null },
      // TM Forum events: webhooks only (no email although the subscriber takes offers), and
      // nothing at all when no listener wants the type.
      { type: 'ProductOrderCreateEvent', subscriberId: sub.subscriberId, payload: { productOrder: { id: '1' } } },
      { type: 'ProductOrderStateChangeEvent', subscriberId: sub.subscriberId, payload: { productOrder: { id: '1' } } },
    ];
    const written = async (ids: (number | null)[]) =>
      Promise.all(
        ids.map(async (id) => {
          if (id === null) return null;
          const [e] = await t.db.select().from(s.outboxEvents).where(eq(s.outboxEvents.id, id));
          const ds = (await deliveriesOf(t.db, id))
            .map((d) => ({ channel: d.channel, stream: d.stream, recipient: d.recipient, listenerId: d.listenerId }))
            .sort((a, b) => a.stream.localeCompare(b.stream));
          return { type: e!.type, payload: e!.payload, deliveries: ds };
        }),
      );
    try {
      const single: (number | null)[] = [];
      for (const k of kinds) single.push(await t.db.transaction((tx) => recordEvent(tx, k)));
      const batch = await t.db.transaction((tx) => recordEvents(tx, [...kinds, null]));
      expect(batch).toHaveLength(kinds.length + 1);
      const one = await written(single);
      expect(await written(batch.slice(0, -1))).toEqual(one);
      expect(batch.at(-1)).toBeNull();

      // And what that is, spelled out.
      const channels = one.map((e) => e?.deliveries.map((d) => `${d.channel}:${d.listenerId ?? d.recipient}`));
      expect(channels).toEqual([
        [`email:${sub.email}`, `webhook:${all}`],
        [`email:${sub.email}`, `webhook:${all}`],
        [`webhook:${all}`],
        [`email:${sub.email}`],
        ['email:staff.x@example.org'],
        [`webhook:${all}`],
        [`webhook:${all}`, `webhook:${orders}`],
        [`webhook:${all}`],
      ]);
      expect(one[6]!.payload, 'a TM Forum document is sent as built').toEqual({ productOrder: { id: '1' } });
      expect(one[0]!.payload).toHaveProperty('subscriberName');

      // With only the orders listener, a state change no listener wants is not written by either path.
      await t.db.update(s.webhookListeners).set({ enabled: false }).where(eq(s.webhookListeners.id, all));
      const unwanted = kinds[7]!;
      expect(await t.db.transaction((tx) => recordEvent(tx, unwanted))).toBeNull();
      expect(await t.db.transaction((tx) => recordEvents(tx, [unwanted, kinds[6]!]))).toEqual([
        null,
        expect.any(Number),
      ]);
    } finally {
      await t.db.update(s.webhookListeners).set({ enabled: false });
      await t.db.update(s.deliveries).set({ status: 'delivered' }).where(eq(s.deliveries.status, 'pending'));
    }
  });

  describe('webhooks', () => {
    let server: http.Server;
    let url = '';
    let mode: 'ok' | 'fail' | 'hang' = 'ok';
    const received: { body: string; signature: string | undefined; eventId: string | undefined }[] = [];
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          if (mode === 'hang') return; // never answers
          received.push({
            body,
            signature: req.headers['x-switchboard-signature'] as string | undefined,
            eventId: req.headers['x-switchboard-event-id'] as string | undefined,
          });
          res.statusCode = mode === 'ok' ? 204 : 503;
          res.end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const a = server.address();
      url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    afterEach(async () => {
      await t.db.update(s.webhookListeners).set({ enabled: false });
      mode = 'ok';
      received.length = 0;
    });

    it('POSTs JSON signed with HMAC-SHA256 of the body under the listener secret, with the event id', async () => {
      const secret = 'listener-secret-0123456789';
      await registerListener(t.db, { callbackUrl: url, secret, eventTypes: ['scheduled_change_cancelled'] });
      const sub = await createSubscriber(t.db, {
        billingDay: 1,
        config: { planCode: 'BASIC', addOns: [] },
        today: TODAY,
      });
      const id = (await t.db.transaction((tx) =>
        recordEvent(tx, {
          type: 'scheduled_change_cancelled',
          subscriberId: sub.subscriberId,
          eventKey: `wh-${sub.subscriberId}`,
          payload: { effectiveDate: '2026-12-01' },
        }),
      ))!;
      const other = (await t.db.transaction((tx) =>
        recordEvent(tx, { type: 'change_applied', subscriberId: sub.subscriberId, payload: {} }),
      ))!;
      expect(
        (await deliveriesOf(t.db, other)).filter((d) => d.channel === 'webhook'),
        'a type the listener did not ask for',
      ).toHaveLength(0);
      await drain(t.db, outboxTransports(t.db));
      expect(received).toHaveLength(1);
      const got = received[0]!;
      expect(verifySignature(secret, got.body, got.signature)).toBe(true);
      expect(verifySignature('another-secret-0123456789', got.body, got.signature)).toBe(false);
      expect(verifySignature(secret, got.body.replace('2026-12-01', '2026-12-02'), got.signature)).toBe(false);
      expect(got.eventId).toBe(`wh-${sub.subscriberId}`);
      expect(JSON.parse(got.body)).toMatchObject({
        eventId: `wh-${sub.subscriberId}`,
        eventType: 'scheduled_change_cancelled',
        subscriberId: sub.subscriberId,
        event: { effectiveDate: '2026-12-01' },
      });
      expect((await deliveriesOf(t.db, id)).find((d) => d.channel === 'webhook')).toMatchObject({
        status: 'delivered',
      });
    });

    it('a listener that does not answer in time fails the attempt and is retried', async () => {
      setEnv({
        SMTP_URL: smtp.url,
        OUTBOX_BACKOFF_BASE_MS: '20',
        OUTBOX_BACKOFF_MAX_MS: '50',
        WEBHOOK_TIMEOUT_MS: '300',
      });
      const listener = await registerListener(t.db, { callbackUrl: url, secret: 'listener-secret-0123456789' });
      const id = (await t.db.transaction((tx) =>
        recordEvent(tx, { type: 'change_applied', subscriberId: null, payload: {} }),
      ))!;
      mode = 'hang';
      await attempted(t.db, id);
      let [d] = (await deliveriesOf(t.db, id)).filter((x) => x.listenerId === listener);
      expect(d!.status).toBe('pending');
      expect(d!.attempts).toBeGreaterThanOrEqual(1);
      expect(d!.lastError).toContain('no answer within 300 ms');
      const tried = d!.attempts;
      mode = 'ok';
      await drain(t.db, outboxTransports(t.db));
      [d] = (await deliveriesOf(t.db, id)).filter((x) => x.listenerId === listener);
      expect(d).toMatchObject({ status: 'delivered', attempts: tried + 1 });
    });

    it('a listener failing for longer than the limit is disabled and its undelivered events are held as dead', async () => {
      setEnv({
        SMTP_URL: smtp.url,
        OUTBOX_BACKOFF_BASE_MS: '10',
        OUTBOX_BACKOFF_MAX_MS: '20',
        WEBHOOK_DISABLE_AFTER_MS: '150',
      });
      const listener = await registerListener(t.db, { callbackUrl: url, secret: 'listener-secret-0123456789' });
      const ids = [];
      for (let i = 0; i < 2; i++)
        ids.push(
          (await t.db.transaction((tx) =>
            recordEvent(tx, { type: 'change_applied', subscriberId: null, payload: { i } }),
          ))!,
        );
      mode = 'fail';
      await drain(t.db, outboxTransports(t.db), 1);
      const l1 = (await t.db.select().from(s.webhookListeners).where(eq(s.webhookListeners.id, listener)))[0]!;
      expect(l1.enabled).toBe(true);
      expect(l1.failingSince).not.toBeNull();
      // Past the limit (150 ms here, a day by default), the next failure disables it.
      await new Promise((r) => setTimeout(r, 200));
      await drain(t.db, outboxTransports(t.db), 5);
      const l2 = (await t.db.select().from(s.webhookListeners).where(eq(s.webhookListeners.id, listener)))[0]!;
      expect(l2.enabled).toBe(false);
      const ds = (await t.db.select().from(s.deliveries).where(eq(s.deliveries.listenerId, listener))).map(
        (d) => d.status,
      );
      expect(ds).toEqual(['dead', 'dead']);
      // No new deliveries for a disabled listener.
      const later = (await t.db.transaction((tx) =>
        recordEvent(tx, { type: 'change_applied', subscriberId: null, payload: {} }),
      ))!;
      expect((await deliveriesOf(t.db, later)).filter((d) => d.listenerId === listener)).toHaveLength(0);
    });
  });
});
