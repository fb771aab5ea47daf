/**
 * Part of npm run bench (issue 23; --only-instances runs just this): two app instances on one
 * PostgreSQL behind a round-robin proxy (http-proxy-3), both running the background jobs.
 *
 * Correctness:
 *   1. sessions: subscribers sign in through the proxy; each session cookie opens the dashboard
 *      on instance A and on instance B directly (one NEXTAUTH_SECRET, stateless JWT sessions);
 *   2. server actions: plan-change confirms through the proxy land on both instances in turn
 *      (one build, one action id), each applied once;
 *   3. each job once: the global test clock is moved 3 days through the proxy; the daily job it
 *      queues closes every period due exactly once (one new bill per due subscription, none for
 *      the others), and every delivery of the outbox (change confirmations, bills) reaches the
 *      mail relay (a real SMTP server here) exactly once, whichever instance sent it.
 * Throughput: the dashboard (rotating sessions) through the same proxy to one instance, then to
 * two, in alternating turns. On this machine's 2 cores no gain is expected: both instances and
 * the load generator share the cores.
 * The last line printed is the JSON result.
 */
import http from 'node:http';
import os from 'node:os';
import pg from 'pg';
import { createProxyServer } from 'http-proxy-3';
import { DEMO_PASSWORD } from '../db/seed';
import { createThrowawayPostgres } from '../db/throwaway';
import { startSmtpCatcher } from '../tests/support/smtp';
import { PG_ADMIN_URL, prepareDatabase } from './lib/data';
import { confirmLoad, getPage, loadInTurns, signInAll, type LoadResult } from './lib/http';
import { freePort, serverCpuMs, startServer, type Server } from './lib/server';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const v = args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return v === undefined ? fallback : Number(v);
};
const DURATION_S = option('instances-duration', 16);
const CONNECTIONS = option('instances-connections', 10);
const log = (m: string) => console.error(`[bench:instances] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proxy {
  base: string;
  /** Requests sent to each target since the last reset. */
  counts: number[];
  use(n: 1 | 2): void;
  close(): Promise<void>;
}

/** A round-robin reverse proxy over the instances: `use(1)` sends everything to the first. */
async function startProxy(targets: Server[], port: number): Promise<Proxy> {
  const proxy = createProxyServer({ xfwd: true, proxyTimeout: 30_000 });
  let active: 1 | 2 = 2;
  let next = 0;
  const counts = targets.map(() => 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const i = active === 1 ? 0 : next++ % targets.length;
    counts[i]!++;
    proxy.web(req, res, { target: targets[i]!.base, agent }, (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${err.message}`);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${port}`,
    counts,
    use: (n) => {
      active = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function check(ok: boolean, what: string, failures: string[]): void {
  log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(250);
  }
}

async function main() {
  const loadBefore = os.loadavg()[0]!;
  const db = await createThrowawayPostgres(PG_ADMIN_URL, 'switchboard_instances');
  const smtp = await startSmtpCatcher();
  const servers: Server[] = [];
  let proxy: Proxy | undefined;
  const client = new pg.Client({ connectionString: db.url });
  try {
    const data = await prepareDatabase({ databaseUrl: db.url });
    await client.connect();
    const q = async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[];
    const secret = `bench-instances-${Math.random().toString(36).slice(2)}-secret`;
    const token = `bench-instances-clock-token-${Math.random().toString(36).slice(2)}`;
    // The proxy's port is the portal's public URL (NEXTAUTH_URL) for both instances.
    const proxyPort = await freePort();
    const publicUrl = `http://127.0.0.1:${proxyPort}`;
    const env = { SMTP_URL: smtp.url, SWITCHBOARD_TEST_CLOCK_TOKEN: token, JOBS_TICK_MS: '500' };
    log('starting instance A and instance B (jobs on, one PostgreSQL)…');
    for (let i = 0; i < 2; i++)
      servers.push(
        await startServer({ db: { databaseUrl: db.url }, secret, logQueries: false, publicUrl, jobs: true, env }),
      );
    proxy = await startProxy(servers, proxyPort);
    const base = proxy.base;
    const failures: string[] = [];

    // 1. Sessions valid on both instances.
    const subs = data.subscribers.slice(0, 24);
    proxy.counts.fill(0);
    const cookies = await signInAll(
      base,
      subs.map((s) => s.email),
      DEMO_PASSWORD,
    );
    check(
      proxy.counts.every((n) => n > 0),
      `sign-ins went through both instances (requests per instance ${proxy.counts.join(' / ')})`,
      failures,
    );
    let bothOpen = 0;
    for (const cookie of cookies) {
      const opened = await Promise.all(
        servers.map((srv) =>
          getPage(srv.base, '/dashboard', cookie).then(
            (html) => html.includes('data-testid="plan-name"'),
            () => false,
          ),
        ),
      );
      if (opened.every(Boolean)) bothOpen++;
    }
    check(
      bothOpen === cookies.length,
      `${bothOpen} of ${cookies.length} sessions open the dashboard on A and on B`,
      failures,
    );

    // 2. Confirms through the proxy, on both instances in turn.
    const swappers = data.subscribers.filter((s) => s.swapTarget && !subs.includes(s)).slice(0, 4);
    const swapCookies = await signInAll(
      base,
      swappers.map((s) => s.email),
      DEMO_PASSWORD,
    );
    proxy.counts.fill(0);
    const confirm = await confirmLoad(
      base,
      swappers.map((s, i) => ({ subscriberId: s.id, cookie: swapCookies[i]!, a: s.config, b: s.swapTarget! })),
      { connections: swappers.length, durationS: 4, warmupS: 0, rounds: 1 },
    );
    const changeEvents = Number(
      (
        await q<{ n: string }>(
          `select count(*) as n from outbox_events where type in ('change_applied', 'change_scheduled')`,
        )
      )[0]!.n,
    );
    check(
      confirm.applied > 0 && proxy.counts.every((n) => n > 0),
      `${confirm.applied} confirms applied through the proxy (${confirm.stale} stale refusals), requests per instance ${proxy.counts.join(' / ')}`,
      failures,
    );

    // 3. Each job once: move the clock 3 days; one daily run closes each due period once.
    // (First the start-up catch-up of both instances: nothing due today is left open.)
    await waitFor(
      'the start-up catch-up',
      async () =>
        Number(
          (await q<{ n: string }>('select count(*) as n from subscriptions where period_end <= current_date'))[0]!.n,
        ),
      (n) => n === 0,
    );
    const before = await q<{ today: string; due: string; bills: string }>(
      `select current_date::text as today,
         (select count(*) from subscriptions where period_end <= current_date + 3) as due,
         (select count(*) from bills) as bills`,
    );
    const { due, bills: billsBefore } = before[0]!;
    const moved = await fetch(`${base}/api/v1/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-clock-token': token },
      body: JSON.stringify({ advanceDays: 3 }),
    });
    check(moved.status === 200, `the clock moved 3 days through the proxy (HTTP ${moved.status})`, failures);
    await waitFor(
      'every due period closed',
      async () =>
        (
          await q<{ n: string; subs: string }>(
            `select count(*) as n, count(distinct subscription_id) as subs from bills b
             where b.created_at > now() - interval '10 minutes' and b.bill_date > $1::date`,
            [before[0]!.today],
          )
        )[0]!,
      (v) => Number(v.n) >= Number(due),
    );
    await sleep(2_000); // a second run, were there one, would have written by now
    const after = (
      await q<{ n: string; subs: string }>(
        `select count(*) as n, count(distinct subscription_id) as subs from bills where bill_date > $1::date`,
        [before[0]!.today],
      )
    )[0]!;
    check(
      Number(after.n) === Number(due) && Number(after.subs) === Number(due),
      `the daily run closed ${after.n} periods on ${after.subs} subscriptions; ${due} were due (bills before: ${billsBefore})`,
      failures,
    );
    const deliveries = await waitFor(
      'the outbox to drain',
      async () =>
        (
          await q<{ email: string; open: string; retried: string }>(
            `select count(*) filter (where channel = 'email' and status = 'delivered') as email,
               count(*) filter (where status in ('pending', 'sending')) as open,
               count(*) filter (where attempts > 1) as retried from deliveries`,
          )
        )[0]!,
      (v) => Number(v.open) === 0 && smtp.messages.length >= Number(v.email),
      120_000,
    );
    await sleep(1_000);
    const ids = smtp.messages.map((m) => m.eventId ?? '');
    const distinct = new Set(ids).size;
    check(
      smtp.messages.length === Number(deliveries.email) && distinct === ids.length,
      `${smtp.messages.length} mails at the relay for ${deliveries.email} email deliveries (${changeEvents} change events, ${after.n} bills), ${ids.length - distinct} duplicates, ${deliveries.retried} retried`,
      failures,
    );
    const sentBy = servers.map((srv) =>
      srv
        .tail()
        .split('\n')
        .map((l) => /outbox: (\d+) delivered/.exec(l)?.[1])
        .reduce((n, x) => n + Number(x ?? 0), 0),
    );
    log(`deliveries logged by instance A / B (last lines kept): ${sentBy.join(' / ')}`);

    // Throughput: one instance vs two, behind the same proxy, in alternating turns.
    const targets = cookies.map((cookie) => ({ path: '/dashboard', cookie }));
    const turns: Record<'one' | 'two', LoadResult[]> = { one: [], two: [] };
    const cpu = () => servers.reduce((n, srv) => n + serverCpuMs(srv), 0);
    log(`dashboard through the proxy: 3 s warm-up, then ${DURATION_S} s per setting in 4 turns…`);
    proxy.use(2);
    await loadInTurns(base, [{ name: 'warm', targets }], {
      connections: CONNECTIONS,
      durationS: 3,
      warmupS: 0,
      rounds: 1,
    });
    for (let turn = 0; turn < 4; turn++) {
      for (const n of turn % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) {
        proxy.use(n);
        const r = await loadInTurns(
          base,
          [{ name: 'dashboard', targets }],
          { connections: CONNECTIONS, durationS: DURATION_S / 4, warmupS: 0, rounds: 1 },
          { serverCpuMs: cpu },
        );
        turns[n === 1 ? 'one' : 'two'].push(r.dashboard!);
      }
    }
    const sum = (xs: LoadResult[]) => {
      const requests = xs.reduce((n, x) => n + x.requests, 0);
      const seconds = xs.reduce((n, x) => n + x.durationS, 0);
      return {
        requests,
        rps: Math.round((requests / seconds) * 10) / 10,
        p99Ms: Math.max(...xs.map((x) => x.p99Ms)),
        p50Ms: Math.round((xs.reduce((n, x) => n + x.p50Ms * x.requests, 0) / Math.max(1, requests)) * 10) / 10,
        errors: xs.reduce((n, x) => n + x.errors, 0),
        serverCpuMsPerRequest:
          Math.round(
            (xs.reduce((n, x) => n + (x.serverCpuMsPerRequest ?? 0) * x.requests, 0) / Math.max(1, requests)) * 100,
          ) / 100,
      };
    };
    const one = sum(turns.one);
    const two = sum(turns.two);
    log(`one instance: ${one.rps} req/s, p99 ${one.p99Ms} ms; two: ${two.rps} req/s, p99 ${two.p99Ms} ms`);
    check(one.errors === 0 && two.errors === 0, `no errors under load (${one.errors} / ${two.errors})`, failures);

    const result = {
      generatedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, loadAverage1mBefore: loadBefore, loadAverage1mAfter: os.loadavg()[0] },
      proxy: 'http-proxy-3, round robin, keep-alive to the instances',
      correctness: {
        sessionsOpenOnBoth: `${bothOpen}/${cookies.length}`,
        confirmsApplied: confirm.applied,
        confirmsStale: confirm.stale,
        periodsDue: Number(due),
        periodsClosed: Number(after.n),
        emailDeliveries: Number(deliveries.email),
        mailsAtRelay: smtp.messages.length,
        duplicateMails: ids.length - distinct,
        failures,
      },
      dashboard: {
        connections: CONNECTIONS,
        oneInstance: one,
        twoInstances: two,
        ratio: Math.round((two.rps / one.rps) * 100) / 100,
      },
    };
    console.log(JSON.stringify(result));
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    await proxy?.close().catch(() => undefined);
    for (const srv of servers) await srv.stop().catch(() => undefined);
    await client.end().catch(() => undefined);
    await smtp.close().catch(() => undefined);
    await db.drop().catch(() => undefined);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
