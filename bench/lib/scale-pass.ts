/**
 * npm run bench -- --scale=N (issue 23): the pages on the small database and on N more
 * subscribers, in the same run, as ratios to the floor; then, on the big database, agent
 * search alone with its plans, offer analytics over the year's events and the daily rollover
 * (bench/scale-db.ts, in its own process). Results in bench/results/scale-<N>.json and .md.
 *
 * Options: --scale-months=M (history, default 12), --scale-bill-months=B (bills at the last B
 * boundaries, default M), --scale-url=postgres://… (measure a database generated earlier
 * instead of generating one; it is not dropped), --keep-scale (keep the generated database).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seed';
import { createThrowawayPostgres } from '../../db/throwaway';
import { normalize } from '../../lib/domain/catalog';
import { dayOf } from '../../lib/domain/periods';
import { PG_ADMIN_URL, prepareDatabase, previewPath, previewTargetFor, type BenchSubscriber } from './data';
import { loadInTurns, signIn, signInAll, getPage, type LoadOptions, type LoadResult, type LoadScenario } from './http';
import { withFloorRatios, type Scenario, type ScenarioResult } from './report';
import { generateScale, type ScaleResult } from './scale';
import { serverCpuMs, startServer } from './server';

const SESSIONS = 24;
const SMALL_SEARCHES = ['Nguyen', 'olivia', '0142', 'SB-100150', 'tanaka', '555-010-0123', 'Kim', 'smith.1'];

export interface PagesResult {
  label: string;
  subscribers: number;
  load: Partial<Record<Scenario, ScenarioResult>>;
}

type Log = (m: string) => void;

async function loadPages(
  label: string,
  url: string,
  subs: BenchSubscriber[],
  searches: string[],
  load: LoadOptions,
  log: Log,
): Promise<Partial<Record<Scenario, ScenarioResult>>> {
  const server = await startServer({
    db: { databaseUrl: url },
    secret: randomBytes(24).toString('hex'),
    logQueries: false,
  });
  try {
    log(`${label}: signing in ${subs.length} subscribers and an agent…`);
    const cookies = await signInAll(
      server.base,
      subs.map((s) => s.email),
      DEMO_PASSWORD,
    );
    const agent = await signIn(server.base, 'agent@example.com', DEMO_PASSWORD, DEMO_TOTP_SECRET);
    const rotate = (pathFor: (s: BenchSubscriber) => string) =>
      subs.map((s, i) => ({ path: pathFor(s), cookie: cookies[i]! }));
    const scenarios: LoadScenario[] = [
      { name: 'floor', targets: rotate(() => '/floor') },
      { name: 'dashboard', targets: rotate(() => '/dashboard') },
      { name: 'plans', targets: rotate(() => '/plans') },
      { name: 'preview', targets: rotate((s) => previewPath(s)) },
      { name: 'bills', targets: rotate(() => '/bills') },
      {
        name: 'agentSearch',
        targets: searches.map((q) => ({ path: `/agent?${new URLSearchParams({ q }).toString()}`, cookie: agent })),
      },
    ];
    for (const sc of scenarios) for (const t of sc.targets) await getPage(server.base, t.path, t.cookie);
    const loads = await loadInTurns(server.base, scenarios, load, {
      onResult: (l: LoadResult) =>
        log(`${label}: ${l.name}: ${l.rps} req/s, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, errors ${l.errors}`),
      serverCpuMs: () => serverCpuMs(server),
    });
    return withFloorRatios(loads as Partial<Record<Scenario, LoadResult>>);
  } finally {
    await server.stop();
  }
}

/** Subscribers spread over the generated ones, with a change to preview each. */
async function scaleSubscribers(url: string, n: number, count: number): Promise<BenchSubscriber[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const accounts = Array.from({ length: count }, (_, i) => `SC-${1000000 + 1 + Math.floor(((i + 0.5) * n) / count)}`);
    const r = await c.query(
      `select b.id, b.email, b.billing_day, x.plan_code,
         coalesce((select array_agg(a.add_on_code order by a.add_on_code) from subscription_add_ons a where a.subscription_id = x.id), '{}') as add_ons
       from subscribers b join subscriptions x on x.subscriber_id = b.id where b.account_number = any($1) order by b.id`,
      [accounts],
    );
    const today = dayOf(new Date());
    return (r.rows as { id: number; email: string; billing_day: number; plan_code: string; add_ons: string[] }[]).map(
      (row) => {
        const config = normalize({ planCode: row.plan_code, addOns: row.add_ons });
        return {
          id: row.id,
          email: row.email,
          billingDay: row.billing_day,
          config,
          previewTarget: previewTargetFor(config, row.billing_day, today),
          swapTarget: null,
        };
      },
    );
  } finally {
    await c.end();
  }
}

/** Queries of each kind that match something at scale: names (substrings), phones, emails, account numbers. */
async function scaleSearches(url: string, n: number): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const mid = (
      await c.query(`select name, email, phone, account_number from subscribers where account_number = $1`, [
        `SC-${1000000 + Math.floor(n / 2)}`,
      ])
    ).rows[0] as { name: string; email: string; phone: string; account_number: string };
    const surname = mid.name.split(' ')[1]!;
    return {
      'name: a surname substring': surname.slice(1, 6).toLowerCase(),
      'name: a common first name': 'olivia',
      'name: a demo surname': 'Nguyen',
      'name: whole name': mid.name,
      'phone: last 4 digits': mid.phone.slice(-4),
      'phone: whole number, other formatting': mid.phone.replace(/[-\s]/g, '').replace('+1', '(') + ')',
      'email: whole address': mid.email,
      'email: prefix': mid.email.split('.')[0]! + '.' + mid.email.split('.')[1]!.slice(0, 3),
      'account number': mid.account_number,
      'account number, demo': 'SB-100150',
    };
  } finally {
    await c.end();
  }
}

function runScaleDb(url: string, searches: string[], log: Log): Record<string, unknown> {
  const r = spawnSync(
    process.execPath,
    [
      path.join('node_modules', 'tsx', 'dist', 'cli.mjs'),
      '--conditions=react-server',
      'bench/scale-db.ts',
      `--url=${url}`,
      `--searches=${searches.join('|')}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: process.env, maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = (r.stdout ?? '').trim().split('\n');
  for (const line of lines.slice(0, -1)) log(line);
  if (r.status !== 0) throw new Error(`bench/scale-db.ts failed (exit ${r.status ?? r.signal})`);
  return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
}

export async function runScale(opts: {
  n: number;
  months: number;
  billMonths: number;
  url?: string;
  /** With url: the generator's result when it made that database (its JSON), for the report. */
  generatedJson?: string;
  keep: boolean;
  load: LoadOptions;
  build: unknown;
  log: Log;
  cleanups: (() => Promise<void>)[];
}): Promise<void> {
  const { log, load } = opts;
  const t0 = performance.now();
  const uptimeBefore = os.loadavg();

  // The small database: the demo data.
  const small = await createThrowawayPostgres(PG_ADMIN_URL, 'switchboard_bench_small');
  opts.cleanups.push(small.drop);
  log('small database: creating, migrating and seeding…');
  const smallData = await prepareDatabase({ databaseUrl: small.url });
  const smallPages = await loadPages(
    'PostgreSQL, demo data',
    small.url,
    smallData.subscribers.slice(0, SESSIONS),
    SMALL_SEARCHES,
    load,
    log,
  );
  await small.drop();

  // The big one: generated, or given.
  let url = opts.url;
  let generated: ScaleResult | null = opts.generatedJson
    ? (JSON.parse(fs.readFileSync(opts.generatedJson, 'utf8')) as ScaleResult)
    : null;
  if (!url) {
    const big = await createThrowawayPostgres(PG_ADMIN_URL, 'switchboard_bench_scale');
    if (!opts.keep) opts.cleanups.push(big.drop);
    url = big.url;
    log(`scale database: the demo data, then ${opts.n} generated subscribers…`);
    const d = await prepareDatabase({ databaseUrl: url });
    generated = await generateScale({
      url,
      subscribers: opts.n,
      today: d.today,
      months: opts.months,
      billMonths: opts.billMonths,
      log,
    });
    log(`scale database: generated in ${generated.totalSeconds} s${opts.keep ? ` (kept: ${url})` : ''}`);
  }
  const subs = await scaleSubscribers(url, opts.n, SESSIONS);
  const searches = await scaleSearches(url, opts.n);
  const bigPages = await loadPages(
    `PostgreSQL, ${opts.n.toLocaleString('en')} more subscribers`,
    url,
    subs,
    Object.values(searches),
    load,
    log,
  );
  log('scale database: search alone, offer analytics, rollover…');
  const db = runScaleDb(url, Object.values(searches), log);

  const results = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? '?',
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: { before: uptimeBefore, after: os.loadavg() },
    },
    build: opts.build,
    settings: { ...load, sessions: SESSIONS },
    scale: { n: opts.n, months: opts.months, billMonths: opts.billMonths, generated },
    pages: [
      { label: 'Small (demo data)', subscribers: smallData.subscribers.length, load: smallPages },
      { label: `${opts.n.toLocaleString('en')} more`, subscribers: opts.n, load: bigPages },
    ] satisfies PagesResult[],
    searches,
    db,
    totalSeconds: Math.round((performance.now() - t0) / 1000),
  };
  const dir = path.join(process.cwd(), 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const name = `scale-${opts.n >= 1_000_000 && opts.n % 1_000_000 === 0 ? `${opts.n / 1_000_000}m` : opts.n}`;
  fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const md = scaleMarkdown(results);
  fs.writeFileSync(path.join(dir, `${name}.md`), md);
  console.log(`\n${md}`);
  log(`done in ${results.totalSeconds} s; results in bench/results/${name}.json and .md`);
}

const f = (x: number | null | undefined, d = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d);

// biome-ignore lint/suspicious/noExplicitAny: the results object is written and read here only
export function scaleMarkdown(r: any): string {
  const out: string[] = [];
  const [smallP, bigP] = r.pages as PagesResult[];
  out.push(`# Scale: ${r.scale.n.toLocaleString('en')} subscribers on PostgreSQL`);
  out.push('');
  out.push(
    `Measured ${String(r.generatedAt).slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGB} GB, Node ${r.machine.node}; server, PostgreSQL and load generator on one machine shared with other work: load average (1/5/15 min) ${r.machine.loadAverage.before.map((x: number) => x.toFixed(1)).join(' / ')} before, ${r.machine.loadAverage.after.map((x: number) => x.toFixed(1)).join(' / ')} after. Loopback, ${r.settings.connections} connections, ${r.settings.durationS} s per page in ${r.settings.rounds} turns after ${r.settings.warmupS} s warm-up, ${r.settings.sessions} signed-in subscribers rotated. Both databases measured in this one run, one after the other; compare the ratios to the floor, not the raw figures.`,
  );
  out.push('');
  out.push('## Pages: the small database and the big one');
  out.push('');
  out.push(
    `| Page | small req/s | p99 ms | × floor req/s | × floor p99 | ${bigP!.label} req/s | p99 ms | × floor req/s | × floor p99 | ratio big ÷ small (req/s) | target ≥ 0.9 |`,
  );
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const s of ['floor', 'dashboard', 'plans', 'preview', 'bills', 'agentSearch'] as Scenario[]) {
    const a = smallP!.load[s];
    const b = bigP!.load[s];
    if (!a || !b) continue;
    const rel = a.rpsVsFloor && b.rpsVsFloor ? b.rpsVsFloor / a.rpsVsFloor : null;
    out.push(
      `| ${s} | ${f(a.rps)} | ${f(a.p99Ms)} | ${f(a.rpsVsFloor, 2)} | ${f(a.p99VsFloor, 2)} | ${f(b.rps)} | ${f(b.p99Ms)} | ${f(b.rpsVsFloor, 2)} | ${f(b.p99VsFloor, 2)} | ${s === 'floor' ? `${f(b.rps / a.rps, 2)} (floor)` : f(rel, 2)} | ${s === 'floor' ? '' : rel === null ? '–' : rel >= 0.9 ? 'pass' : '**miss**'} |`,
    );
  }
  out.push('');
  if (r.scale.generated) {
    const g = r.scale.generated as ScaleResult;
    out.push('## The generated data');
    out.push('');
    out.push(
      `${g.subscribers.toLocaleString('en')} subscribers, ${g.months} closed periods of usage each plus the current one, bills at the last ${g.billMonths} boundaries${g.billMonths === g.months ? ' (every one since joining, with the opening bill)' : ''}; generated in ${g.totalSeconds} s; database ${(g.databaseBytes / 2 ** 30).toFixed(1)} GiB.`,
    );
    out.push('');
    out.push('| Table | rows |');
    out.push('|---|---:|');
    for (const [k, v] of Object.entries(g.rows)) out.push(`| ${k} | ${v.toLocaleString('en')} |`);
    out.push('');
    out.push(
      `Seconds per step: ${Object.entries(g.seconds)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    );
    out.push('');
  }
  const db = r.db as {
    search?: Record<
      string,
      { matches: number; p50Ms: number; p99Ms: number; runs: number; executionMs?: number; plan: string }
    >;
    analytics?: {
      events: number;
      days: number;
      rows: number;
      rollupP50Ms: number;
      rollupMaxMs: number;
      rawEventsMs: number;
    };
    rollover?: Record<string, unknown> & {
      perSubscription: { subscriptions: number; seconds: number; perSecond: number };
      check: { newBillsNotAddingUp: number; gapless: boolean };
    };
  };
  if (db.search) {
    out.push('## Agent search: the query alone');
    out.push('');
    out.push(
      'Each query as the search sends it (lib/server/agents searchQuery), run alone on one connection, timed round trip included; EXPLAIN ANALYZE gives the server-side execution time of one run.',
      '',
    );
    out.push('| Query | typed | matches | p50 ms | p99 ms | EXPLAIN ANALYZE execution ms | target p99 ≤ 10 ms |');
    out.push('|---|---|---:|---:|---:|---:|---|');
    const labelOf = Object.fromEntries(Object.entries(r.searches as Record<string, string>).map(([k, v]) => [v, k]));
    for (const [q, v] of Object.entries(db.search))
      out.push(
        `| ${labelOf[q] ?? ''} | \`${q}\` | ${v.matches} | ${v.p50Ms} | ${v.p99Ms} | ${v.executionMs ?? '–'} | ${v.p99Ms <= 10 ? 'pass' : '**miss**'} |`,
      );
    out.push('');
    for (const [q, v] of Object.entries(db.search)) {
      out.push(
        `<details><summary>EXPLAIN (ANALYZE, BUFFERS): <code>${q}</code></summary>`,
        '',
        '```',
        v.plan,
        '```',
        '',
        '</details>',
        '',
      );
    }
  }
  if (db.analytics) {
    const a = db.analytics;
    out.push('## Offer analytics');
    out.push('');
    out.push(
      `Over ${a.events.toLocaleString('en')} offer events, a ${a.days}-day range (${a.rows} offer rows): ${a.rollupP50Ms} ms median of 20 calls of offerAnalytics (slowest ${a.rollupMaxMs} ms), reading the daily rollup; the same aggregate over the raw events took ${a.rawEventsMs} ms. Target ≤ 200 ms: ${a.rollupMaxMs <= 200 ? 'pass' : '**miss**'}.`,
    );
    out.push('');
  }
  if (db.rollover) {
    const o = db.rollover;
    out.push('## Daily rollover and billing');
    out.push('');
    out.push(
      `${Number(o.subscriptions).toLocaleString('en')} subscriptions due on ${o.day} (of ${Number(o.subscriptionsInDatabase).toLocaleString('en')}) closed and billed by rolloverDue as the daily job runs it (set-based batches, ${o.concurrency} at once): ${o.seconds} s = **${o.subscriptionsPerSecond} subscriptions/s** (${o.bills} bills, ${o.failed} failed). Target ≤ 60 s: ${Number(o.seconds) <= 60 ? 'pass' : '**miss**'}. The per-subscription rollover (one transaction each, ${o.concurrency} at once) on ${o.perSubscription.subscriptions} subscriptions of the next day, same run: ${o.perSubscription.seconds} s = ${o.perSubscription.perSecond} subscriptions/s. Check: ${o.check.newBillsNotAddingUp} new bills whose lines do not add up to their total; bill numbers ${o.check.gapless ? 'gapless' : '**with gaps**'}.`,
    );
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
