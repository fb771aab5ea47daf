/**
 * Crash safety: the production server is killed (SIGKILL, the `next start` process itself) in
 * the middle of confirms under load, several times, then started again on the same data
 * (PGlite folder; PostgreSQL when TEST_DATABASE_URL is set). Afterwards:
 * - the PGlite folder opens cleanly (the lock left by the dead process is taken over, and
 *   PostgreSQL's recovery replays the WAL) and the portal serves and signs in;
 * - every confirm the server acknowledged is there (durable);
 * - every order is all-or-nothing: an immediate order has its proration ledger lines adding up
 *   to its total, its result and its audit event; a scheduled order has its scheduled_changes
 *   row with the matching status and no ledger lines; no ledger line without its order;
 * - no lost update: per subscription, each order starts from the configuration the previous
 *   immediate order left (or the seed's), and the stored configuration is the last immediate
 *   order's target (or the seed's);
 * - version = 1 + orders + periods rolled over: every version bump is a recorded event.
 *
 * Load: WORKERS generated subscribers (`*@example.net`, signed in), each in a loop: preview a
 * change (GET /change?plan=…, version and idempotency key read from the form), confirm it (the
 * server action as a POST). Each round is cut short by the kill a random 0.5–2.5 s after its first acknowledged confirm.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAction, confirmFormFields, readActionManifest, signedIn, type HttpClient } from './support/actions';
import { dumpDatabase, type Dump } from './support/dump';
import { hasBuild, httpDrivers, ServerHarness, unexpectedErrors } from './support/server';
import { prng as rng } from '@/db/seed';

const KILLS = Number(process.env.CRASH_KILLS ?? 4);
const WORKERS = 16;
const PLANS = ['BASIC', 'PLUS', 'PREMIUM', 'UNLIMITED'];

interface Config {
  planCode: string;
  addOns: string[];
}
const key = (c: Config) => [c.planCode, ...[...c.addOns].sort()].join('+');

interface Stats {
  previews: number;
  confirmsSent: number;
  acknowledged: Array<{ subscriberId: number; orderId: number; status: string }>;
  cutOff: number;
  /** Confirms sent whose answer never came: the kill hit them in flight (outcome unknown to the client). */
  confirmsInFlight: number;
  refused: string[];
}

/** One subscriber changing plans in a loop until the server goes away. */
async function worker(
  c: HttpClient,
  subscriberId: number,
  actionId: string,
  stats: Stats,
  random: () => number,
  stop: { now: boolean },
): Promise<void> {
  while (!stop.now) {
    const plan = PLANS[Math.floor(random() * PLANS.length)]!;
    const extra = random() < 0.3 ? 'intl_saver' : random() < 0.3 && plan !== 'UNLIMITED' ? 'ld_300' : '';
    let html: string;
    try {
      const page = await c.getText(`/change?plan=${plan}${extra ? `&add=${extra}` : ''}`);
      if (page.status !== 200) throw new Error(`preview answered ${page.status}`);
      html = page.text;
      stats.previews++;
    } catch {
      stats.cutOff++;
      return;
    }
    const fields = confirmFormFields(html);
    if (!fields) continue; // the same configuration, or one that can't be made: pick again
    expect(fields.subscriberId).toBe(String(subscriberId));
    stats.confirmsSent++;
    try {
      const r = await callAction(c, { page: '/change', actionId, fields });
      if (r.state?.status === 'success') {
        const data = r.state.data as { orderId: number; status: string };
        stats.acknowledged.push({ subscriberId, orderId: data.orderId, status: data.status });
      } else if (r.httpStatus >= 500 || !r.state) {
        // The server died while answering.
        stats.cutOff++;
        stats.confirmsInFlight++;
        return;
      } else stats.refused.push(`${r.state.code}: ${r.state.message}`);
    } catch {
      stats.cutOff++;
      stats.confirmsInFlight++;
      return;
    }
  }
}

interface Row {
  [k: string]: unknown;
}
const rows = (d: Dump, t: string) => (d[t] ?? []).map((j) => JSON.parse(j) as Row);

describe.skipIf(!hasBuild()).each(httpDrivers)('crash safety: SIGKILL during confirms on %s', (driver) => {
  let h: ServerHarness;
  let seedDump: Dump;
  let finalDump: Dump;
  const stats: Stats = { previews: 0, confirmsSent: 0, acknowledged: [], cutOff: 0, confirmsInFlight: 0, refused: [] };
  let killsSurvived = 0;
  let subscribers: Array<{ email: string; subscriberId: number }> = [];

  beforeAll(async () => {
    h = await ServerHarness.create(driver);
    await h.start();
    await signedIn(h.url, 'ada@example.com'); // the first sign-in migrates and seeds
    seedDump = await h.direct(dumpDatabase);
    const users = rows(seedDump, 'users').filter((u) => String(u.email).endsWith('@example.net'));
    expect(users.length).toBeGreaterThanOrEqual(WORKERS);
    subscribers = users
      .sort((a, b) => Number(a.id) - Number(b.id))
      .slice(0, WORKERS)
      .map((u) => ({ email: String(u.email), subscriberId: Number(u.subscriber_id) }));
  });

  afterAll(async () => {
    console.log(
      `[crash on ${driver}] kills survived: ${killsSurvived}/${KILLS}; previews ${stats.previews}, confirms sent ${stats.confirmsSent}, ` +
        `acknowledged ${stats.acknowledged.length}, requests cut off by the kill ${stats.cutOff} (of them confirms in flight ${stats.confirmsInFlight}), refused ${stats.refused.length}`,
    );
    await h?.destroy();
  });

  it(`survives ${KILLS} kills in the middle of confirms`, async () => {
    const actionId = readActionManifest().find(
      (e) => e.file === 'app/_actions/changes.ts' && e.exportName === 'confirmChangeAction',
    )!.id;
    await h.start();
    // Sessions are JWTs signed with the harness's secret: they stay valid across restarts.
    const clients = await Promise.all(subscribers.map((s) => signedIn(h.url, s.email)));
    for (let round = 0; round < KILLS; round++) {
      const server = await h.start();
      if (round > 0) {
        // The restarted server serves and signs in on the recovered data.
        expect((await clients[0]!.getText('/dashboard')).status).toBe(200);
        await signedIn(h.url, subscribers[round % subscribers.length]!.email);
      }
      const stop = { now: false };
      const cutBefore = stats.cutOff;
      const ackBefore = stats.acknowledged.length;
      const random = rng(1000 * (round + 1));
      const running = subscribers.map((s, i) =>
        worker(clients[i]!, s.subscriberId, actionId, stats, rng(round * 100 + i + 1), stop),
      );
      // Kill once confirms are being acknowledged (however long the restarted server takes to
      // open, migrate and close periods on a loaded machine), then after a random 0.5–2.5 s more,
      // so each kill lands in the middle of the traffic rather than at a fixed time.
      const busyBy = Date.now() + 120_000;
      while (stats.acknowledged.length === ackBefore && Date.now() < busyBy)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500 + Math.floor(random() * 2000)));
      const pid = server.pid;
      await h.kill();
      stop.now = true;
      expect(() => process.kill(pid, 0), 'the server process is gone').toThrow();
      if (h.db.dataDir) {
        // The dead process's lock is still there: the next start must take it over.
        const lock = JSON.parse(fs.readFileSync(path.join(h.db.dataDir, 'switchboard.lock'), 'utf8')) as {
          pid: number;
        };
        expect(lock.pid).toBe(pid);
      }
      await Promise.all(running);
      expect(
        stats.acknowledged.length - ackBefore,
        `round ${round + 1}: confirms were being acknowledged when the server was killed`,
      ).toBeGreaterThan(0);
      expect(
        stats.cutOff - cutBefore,
        `round ${round + 1}: requests were in flight when the server was killed`,
      ).toBeGreaterThan(0);
      killsSurvived++;
    }
    // One last start on the crashed data: it opens, migrates (nothing to do), serves, signs in.
    await h.start();
    expect((await clients[0]!.getText('/dashboard')).status).toBe(200);
    await signedIn(h.url, subscribers[0]!.email);
    finalDump = await h.direct(dumpDatabase);
    expect(unexpectedErrors(h.stderr()), 'the restarted servers logged no error').toEqual([]);
    expect(stats.refused, 'no confirm refused (each subscriber has one client)').toEqual([]);
    expect(stats.confirmsInFlight, 'some kills hit confirms in flight').toBeGreaterThan(0);
  });

  it('every acknowledged confirm is there (durable), each order all-or-nothing', () => {
    expect(finalDump).toBeDefined();
    const orders = rows(finalDump, 'orders').filter((o) => o.kind === 'change');
    const byId = new Map(orders.map((o) => [Number(o.id), o]));
    for (const a of stats.acknowledged) {
      const o = byId.get(a.orderId);
      expect(o, `acknowledged order ${a.orderId} of subscriber ${a.subscriberId}`).toBeDefined();
      expect(Number(o!.subscriber_id)).toBe(a.subscriberId);
      if (a.status === 'applied') expect(o!.status).toBe('applied');
      else expect(['scheduled', 'replaced']).toContain(o!.status);
    }
    expect(orders.length).toBeGreaterThanOrEqual(stats.acknowledged.length);

    const ledger = rows(finalDump, 'ledger_lines');
    const scheduled = rows(finalDump, 'scheduled_changes');
    const audit = rows(finalDump, 'audit_events').filter(
      (e) => e.action === 'change_applied' || e.action === 'change_scheduled',
    );
    for (const o of orders) {
      const id = Number(o.id);
      const lines = ledger.filter((l) => Number(l.order_id) === id);
      const sc = scheduled.filter((s) => Number(s.order_id) === id);
      const events = audit.filter((e) => Number((e.detail as { orderId: number }).orderId) === id);
      expect(o.result, `order ${id}: its result was written with it`).not.toBeNull();
      expect(
        events.map((e) => e.action),
        `order ${id}: one audit event`,
      ).toEqual([sc.length ? 'change_scheduled' : 'change_applied']);
      if (sc.length === 0) {
        // Immediate: applied, with its proration lines adding up to its total.
        expect(o.status, `order ${id}`).toBe('applied');
        expect(
          lines.every((l) => l.kind === 'proration'),
          `order ${id}`,
        ).toBe(true);
        expect(
          lines.reduce((s, l) => s + Number(l.amount_cents), 0),
          `order ${id}: lines = total`,
        ).toBe(Number(o.total_cents));
      } else {
        // Scheduled: exactly one scheduled_changes row in the matching state, nothing booked yet.
        expect(sc, `order ${id}`).toHaveLength(1);
        const expected: Record<string, string> = {
          scheduled: 'pending',
          replaced: 'replaced',
          cancelled: 'cancelled',
          applied: 'applied',
        };
        expect(sc[0]!.status, `order ${id} is ${String(o.status)}`).toBe(expected[String(o.status)]);
        expect(key(sc[0]!.target_config as Config)).toBe(key(o.to_config as Config));
        expect(
          lines.filter((l) => l.kind === 'proration'),
          `order ${id}`,
        ).toEqual([]);
        expect(Number(o.total_cents)).toBe(0);
      }
    }
    // No orphan: every proration line belongs to an immediate order; no audit event for an order that isn't there.
    for (const l of ledger.filter((x) => x.kind === 'proration')) {
      const o = byId.get(Number(l.order_id));
      expect(o, `ledger line ${String(l.id)} has its order`).toBeDefined();
      expect(scheduled.some((s) => Number(s.order_id) === Number(o!.id))).toBe(false);
    }
    for (const e of audit)
      expect(byId.has(Number((e.detail as { orderId: number }).orderId)), `audit event ${String(e.id)}`).toBe(true);
    for (const s of scheduled) expect(byId.has(Number(s.order_id)), `scheduled change ${String(s.id)}`).toBe(true);
    const pending = scheduled.filter((s) => s.status === 'pending').map((s) => Number(s.subscription_id));
    expect(new Set(pending).size, 'at most one pending change per subscription').toBe(pending.length);
  });

  it('no lost update: configurations and versions agree with the recorded orders', () => {
    const configOf = (d: Dump, subscriptionId: number): Config => {
      const sub = rows(d, 'subscriptions').find((s) => Number(s.id) === subscriptionId)!;
      const addOns = rows(d, 'subscription_add_ons')
        .filter((a) => Number(a.subscription_id) === subscriptionId)
        .map((a) => String(a.add_on_code));
      return { planCode: String(sub.plan_code), addOns };
    };
    const orders = rows(finalDump, 'orders')
      .filter((o) => o.kind === 'change')
      .sort((a, b) => Number(a.id) - Number(b.id));
    const scheduledOrders = new Set(rows(finalDump, 'scheduled_changes').map((s) => Number(s.order_id)));
    const recurring = rows(finalDump, 'ledger_lines').filter((l) => l.kind === 'recurring');
    const seedRecurring = rows(seedDump, 'ledger_lines').filter((l) => l.kind === 'recurring');
    let checked = 0;
    for (const sub of rows(finalDump, 'subscriptions')) {
      const id = Number(sub.id);
      const mine = orders.filter((o) => Number(o.subscription_id) === id);
      let current = configOf(seedDump, id);
      for (const o of mine) {
        expect(
          key(o.from_config as Config),
          `order ${String(o.id)} starts where the previous change left subscription ${id}`,
        ).toBe(key(current));
        if (!scheduledOrders.has(Number(o.id))) current = o.to_config as Config;
      }
      expect(key(configOf(finalDump, id)), `subscription ${id}: stored configuration`).toBe(key(current));
      // The seed books every period since joining (each with its bill); the rollover books the ones after.
      const seededPeriods = new Set(
        seedRecurring.filter((l) => Number(l.subscription_id) === id).map((l) => String(l.bill_period_start)),
      );
      const rolled = new Set(
        recurring
          .filter((l) => Number(l.subscription_id) === id && !seededPeriods.has(String(l.bill_period_start)))
          .map((l) => String(l.bill_period_start)),
      ).size;
      expect(Number(sub.version), `subscription ${id}: version = 1 + orders + periods rolled over`).toBe(
        1 + mine.length + rolled,
      );
      if (mine.length) checked++;
    }
    expect(checked, 'subscriptions that changed under load').toBeGreaterThanOrEqual(WORKERS / 2);
  });
});
