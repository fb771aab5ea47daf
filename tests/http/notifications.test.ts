/**
 * Jobs and the outbox against the production server (SPEC §9), with a real SMTP server in the
 * test (smtp-server on a loopback port):
 * - SIGKILL: 200 emails pending, the server is killed while it is sending them, then started
 *   again: every one is delivered, none lost, and a message that came twice carries the same
 *   event id both times (PGlite; PostgreSQL too when TEST_DATABASE_URL is set).
 * - Two app instances on one PostgreSQL, both running the jobs: three test-clock moves past
 *   the period end in a row; each period is closed once and each event's email arrives
 *   exactly once.
 * Figures are printed (no assertion on time).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { and, asc, eq, lte, ne, sql } from 'drizzle-orm';
import { dayOf } from '@/lib/domain/periods';
import * as s from '@/db/schema';
import { openDatabase, type Db } from '@/db/client';
import { loadActor } from '@/lib/server/actor';
import { forgetCatalog } from '@/lib/server/catalog';
import { confirmChange, previewChange } from '@/lib/server/changes';
import { useDbHandleForTests } from '@/lib/server/db';
import { recordEvent } from '@/lib/server/outbox';
import { startSmtpCatcher, type CaughtMail, type SmtpCatcher } from '../support/smtp';
import {
  createServerDatabase,
  hasBuild,
  httpDrivers,
  newSecret,
  ServerHarness,
  startServer,
  TEST_CLOCK_TOKEN,
  type RunningServer,
  type ServerDatabase,
} from './support/server';

const PENDING = 200;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A request that needs the database: the server has migrated and seeded it. */
async function openedDatabase(url: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/test/clock`, { headers: { 'x-test-clock-token': TEST_CLOCK_TOKEN } });
  expect(res.status).toBe(200);
}

function byEvent(messages: CaughtMail[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const msg of messages) m.set(msg.eventId ?? '(none)', (m.get(msg.eventId ?? '(none)') ?? 0) + 1);
  return m;
}

const jobsEnv = (smtp: SmtpCatcher): Record<string, string> => ({
  JOBS: 'on',
  JOBS_TICK_MS: '250',
  SMTP_URL: smtp.url,
  OUTBOX_BACKOFF_BASE_MS: '250',
  OUTBOX_BACKOFF_MAX_MS: '2000',
});

describe.skipIf(!hasBuild()).each(httpDrivers)('SIGKILL with %s emails pending', (driver) => {
  let harness: ServerHarness | undefined;
  let smtp: SmtpCatcher | undefined;
  afterAll(async () => {
    await harness?.destroy();
    await smtp?.close();
  });

  it(`after a SIGKILL in the middle of sending ${PENDING} emails, a restart delivers every one; a repeat carries the same event id`, async () => {
    let killAt: (() => void) | undefined;
    // A slow relay (40 ms a message), so the kill lands with messages in flight.
    smtp = await startSmtpCatcher({ delayMs: 40, onMessage: () => killAt?.() });
    harness = await ServerHarness.create(driver, jobsEnv(smtp));
    await harness.start();
    await openedDatabase(harness.url); // migrated and seeded
    // 200 events for 200 subscribers, written as the app writes them (in a transaction each).
    const keys = await harness.direct(async (db) => {
      const subs = await db
        .select({ id: s.subscribers.id })
        .from(s.subscribers)
        .orderBy(asc(s.subscribers.id))
        .limit(PENDING);
      expect(subs).toHaveLength(PENDING);
      const out: string[] = [];
      for (const [i, sub] of subs.entries()) {
        const key = `crash-${driver}-${i}`;
        out.push(key);
        await db.transaction((tx) =>
          recordEvent(tx, {
            type: 'scheduled_change_cancelled',
            subscriberId: sub.id,
            eventKey: key,
            payload: { effectiveDate: '2026-12-01' },
          }),
        );
      }
      return out;
    });
    const killed = new Promise<void>((resolve) => {
      killAt = () => {
        if (smtp!.messages.length >= 60 && killAt) {
          killAt = undefined;
          resolve();
        }
      };
    });
    const t0 = Date.now();
    await harness.start();
    await killed;
    await harness.kill();
    const atKill = smtp.messages.length;
    await harness.start();
    await until('every email', async () => byEvent(smtp!.messages).size >= PENDING);
    // Let anything still in flight land before counting.
    await new Promise((r) => setTimeout(r, 1_000));
    const counts = byEvent(smtp.messages);
    const repeats = [...counts.values()].filter((n) => n > 1).length;
    console.log(
      `[notifications] ${driver}: ${PENDING} pending, SIGKILL after ${atKill} accepted by the relay; after restart ${counts.size} distinct event ids delivered in ${smtp.messages.length} messages (${repeats} event(s) sent twice, both times with the same event id); ${((Date.now() - t0) / 1000).toFixed(1)} s in all`,
    );
    expect([...counts.keys()].sort()).toEqual([...keys].sort());
    expect(counts.has('(none)')).toBe(false);
    for (const m of smtp.messages) expect(m.messageId).toBe(`<${m.eventId}@switchboard.events>`);
    const open = await harness.direct((db) =>
      db
        .select({ id: s.deliveries.id, status: s.deliveries.status })
        .from(s.deliveries)
        .where(ne(s.deliveries.status, 'delivered')),
    );
    expect(open).toEqual([]);
  });
});

describe.skipIf(!hasBuild() || !process.env.TEST_DATABASE_URL)('two app instances on one PostgreSQL', () => {
  let db: ServerDatabase | undefined;
  const servers: RunningServer[] = [];
  let smtp: SmtpCatcher | undefined;
  let direct: Awaited<ReturnType<typeof openDatabase>> | undefined;
  afterAll(async () => {
    useDbHandleForTests(undefined);
    await direct?.close();
    for (const srv of servers) await srv.stop();
    await db?.destroy();
    await smtp?.close();
  });

  /** Subscriptions each instance's daily runs closed periods on, read from what it logged. */
  function periodsClosed(srv: RunningServer): number {
    let n = 0;
    for (const m of srv.stdout().matchAll(/\[jobs\] daily run for \S+: \d+ period\(s\) closed on (\d+) subscription/g))
      n += Number(m[1]);
    return n;
  }

  it('each rollover and each email happens exactly once, three runs in a row', async () => {
    smtp = await startSmtpCatcher();
    db = await createServerDatabase('pg');
    const secret = newSecret();
    const env = jobsEnv(smtp);
    servers.push(await startServer(db, { secret, env }));
    await openedDatabase(servers[0]!.url);
    direct = await openDatabase({ databaseUrl: db.databaseUrl!, poolMax: 4 });
    const q: Db = direct.db;
    // The first instance migrates, seeds and installs the queue's schema; then the second starts.
    await until(
      'the queue schema',
      async () =>
        (
          (await q.execute(sql`select to_regclass('graphile_worker._private_jobs') as t`)) as unknown as {
            rows: { t: string | null }[];
          }
        ).rows[0]?.t != null,
    );
    servers.push(await startServer(db, { secret, env }));
    useDbHandleForTests(direct);
    forgetCatalog();

    const subs = await q
      .select({ id: s.subscribers.id, userId: s.users.id })
      .from(s.subscribers)
      .innerJoin(s.users, eq(s.users.subscriberId, s.subscribers.id))
      .orderBy(asc(s.subscribers.id));
    const figures: string[] = [];
    for (let run = 1; run <= 3; run++) {
      // A few changes through the data layer, as subscribers: now (upgrades) or at the period end.
      let changes = 0;
      for (const sub of subs.slice((run - 1) * 15, run * 15)) {
        const actor = (await loadActor(q, sub.userId))!;
        const current = (
          await q
            .select({ plan: s.subscriptions.planCode })
            .from(s.subscriptions)
            .where(eq(s.subscriptions.subscriberId, sub.id))
        )[0]!;
        try {
          const p = await previewChange(actor, {
            subscriberId: sub.id,
            target: { planCode: current.plan === 'BASIC' ? 'PLUS' : 'BASIC', addOns: [] },
          });
          await confirmChange(actor, {
            subscriberId: sub.id,
            target: p.plan.target,
            version: p.version,
            idempotencyKey: p.idempotencyKey,
          });
          changes++;
        } catch {
          // a change this subscriber can't make (e.g. one already pending): another is tried next run
        }
      }
      const offset =
        (
          (await q.select({ v: s.appSettings.value }).from(s.appSettings).where(eq(s.appSettings.key, 'clock')))[0]
            ?.v as { offsetMs?: number } | undefined
        )?.offsetMs ?? 0;
      const newToday = dayOf(new Date(Date.now() + offset + 32 * 86_400_000));
      const dueCount = async () =>
        (
          await q
            .select({ n: sql<number>`count(*)::int` })
            .from(s.subscriptions)
            .where(lte(s.subscriptions.periodEnd, newToday))
        )[0]!.n;
      const due = await dueCount();
      const closedBefore = servers.map(periodsClosed);
      // Past every period end: the clock move queues the daily job once for whichever instance.
      const res = await fetch(`${servers[run % 2]!.url}/api/v1/test/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-clock-token': TEST_CLOCK_TOKEN },
        body: JSON.stringify({ advanceDays: 32 }),
      });
      expect(res.status).toBe(200);
      await until(`run ${run}: every period closed`, async () => (await dueCount()) === 0);
      await until(
        `run ${run}: the outbox empty`,
        async () =>
          (
            await q
              .select({ n: sql<number>`count(*)::int` })
              .from(s.deliveries)
              .where(ne(s.deliveries.status, 'delivered'))
          )[0]!.n === 0,
      );
      await until(`run ${run}: every email at the relay`, async () => {
        const events = (
          await q.select({ n: sql<number>`count(*)::int` }).from(s.deliveries).where(eq(s.deliveries.channel, 'email'))
        )[0]!.n;
        return smtp!.messages.length >= events;
      });
      await new Promise((r) => setTimeout(r, 1_500));
      const closed = servers.map((srv, i) => periodsClosed(srv) - closedBefore[i]!);
      const emailEvents = await q
        .select({ key: s.outboxEvents.eventKey })
        .from(s.outboxEvents)
        .innerJoin(s.deliveries, and(eq(s.deliveries.eventId, s.outboxEvents.id), eq(s.deliveries.channel, 'email')));
      const counts = byEvent(smtp.messages);
      const applied = (
        await q
          .select({ id: s.auditEvents.id, d: s.auditEvents.detail })
          .from(s.auditEvents)
          .where(eq(s.auditEvents.action, 'scheduled_change_applied'))
      ).map((r) => (r.d as { scheduledChangeId: number }).scheduledChangeId);
      figures.push(
        `run ${run}: ${changes} changes, ${due} subscriptions due; subscriptions rolled over by instance A ${closed[0]}, by B ${closed[1]}; ${emailEvents.length} email events so far, ${smtp.messages.length} messages at the relay, ${[...counts.values()].filter((n) => n > 1).length} duplicates`,
      );
      // Each rollover once: the two instances together rolled over exactly the subscriptions that were due.
      expect(closed[0]! + closed[1]!).toBe(due);
      expect(new Set(applied).size, 'each scheduled change applied once').toBe(applied.length);
      expect(smtp.messages.length).toBe(emailEvents.length);
      expect([...counts.keys()].sort()).toEqual(emailEvents.map((e) => e.key).sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    }
    console.log(`[notifications] two instances on PostgreSQL:\n  ${figures.join('\n  ')}`);
    for (const srv of servers)
      expect(srv.stderr()).not.toMatch(/\[jobs\] a background run failed|could not start the background jobs/);
  });
});
