/**
 * npm run bench — how fast the portal is, as ratios against the framework's own floor.
 *
 * 1. Builds the portal if there is no production build (or reuses it; --rebuild forces one).
 * 2. Offer computation, in process (pure domain).
 * 3. For each driver — PGlite (a fresh temporary data folder), then PostgreSQL (a throwaway
 *    database on postgres://postgres@127.0.0.1:5432, dropped at the end; skipped when
 *    unreachable) — the database is created, migrated and seeded, then:
 *    - `next start` with SWITCHBOARD_LOG_QUERIES=1: sign in, count the queries one request
 *      of the dashboard, plans and preview sends (round trips);
 *    - `next start` again without the log: autocannon on loopback against the floor, the
 *      dashboard (rotating sessions), plans, preview and agent search; on PostgreSQL the
 *      confirm of plan changes through its server action; server RSS after the load;
 *    - on PGlite: JavaScript per page (dashboard vs floor) and Lighthouse on the dashboard.
 * 4. On PostgreSQL, bills issued per second by the rollover for 10,000 subscriptions
 *    (bench/bills.ts, in its own process; --only-bills runs just that, --bills-subscriptions=N,
 *    --bills-workers=W).
 * 4b. On PostgreSQL, usage records ingested per second (bench/usage.ts: the import's COPY path and
 *    the TMF635 usageBatch endpoint; --only-usage runs just that, --usage-rows=N).
 * 4c. On PostgreSQL, two app instances behind a round-robin proxy (bench/instances.ts: sessions,
 *    server actions and jobs correct across both; dashboard throughput of two vs one;
 *    --only-instances runs just that, --instances-duration=S, --instances-connections=N).
 * 5. bench/results/latest.json and latest.md; the table is printed.
 *
 * --scale=N (issue 23, PostgreSQL only): instead of the above, the pages on the small database and
 * on N more generated subscribers in the same run, then search, offer analytics and the daily
 * rollover at that size (bench/lib/scale-pass.ts; --scale-months, --scale-bill-months,
 * --scale-url, --scale-generated=<the generator's JSON for that database>, --keep-scale).
 *
 * Benchmarks print figures; tests never assert on time. Options: --rebuild, --duration=S,
 * --warmup=S, --rounds=N, --connections=N, --skip-postgres, --skip-lighthouse, --lighthouse-runs=N. BENCH_PG_URL overrides
 * the PostgreSQL server (a database on it is created and dropped).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../db/seed';
import { createThrowawayPostgres, type ThrowawayDatabase } from '../db/throwaway';
import {
  PG_ADMIN_URL,
  prepareDatabase,
  previewPath,
  type BenchSubscriber,
  type DbTarget,
  type PreparedData,
} from './lib/data';
import {
  confirmLoad,
  getPage,
  loadInTurns,
  pageJavaScript,
  signIn,
  signInAll,
  type LoadOptions,
  type LoadResult,
  type LoadScenario,
} from './lib/http';
import { chromiumPath, runLighthouse, type LighthouseResult } from './lib/lighthouse';
import { benchOffers } from './lib/offers';
import {
  billsMarkdown,
  usageMarkdown,
  instancesMarkdown,
  type InstancesBenchResult,
  type UsageBenchResult,
  evaluateTargets,
  markdown,
  withFloorRatios,
  type BenchResults,
  type BillsBenchResult,
  type DriverResult,
  type RoundTrips,
  type Scenario,
} from './lib/report';
import { runScale } from './lib/scale-pass';
import { serverCpuMs, serverMemory, startServer, waitForQuiet, type Server } from './lib/server';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  const v = a ? Number(a.split('=')[1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number`);
  return v;
};

const LOAD: LoadOptions = {
  connections: option('connections', 10),
  durationS: option('duration', 12),
  warmupS: option('warmup', 3),
  rounds: Math.max(1, Math.round(option('rounds', 4))),
};
const SESSIONS = 24;
const LIGHTHOUSE_RUNS = Math.max(1, Math.round(option('lighthouse-runs', 5)));
const CONFIRM_CLIENTS = 20;

const AGENT_QUERIES = ['Nguyen', 'olivia', '0142', 'SB-100150', 'tanaka', '555-010-0123', 'Kim', 'smith.1'];

const cleanups: (() => Promise<void>)[] = [];
const log = (msg: string) => console.log(`[bench] ${msg}`);

// ---------------------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------------------

function newestSource(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(tsx?|css)$/.test(e.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return newest;
}

function ensureBuild(): BenchResults['build'] {
  const buildIdFile = path.join(process.cwd(), '.next', 'BUILD_ID');
  const reuse = fs.existsSync(buildIdFile) && !flag('rebuild');
  if (!reuse) {
    log('building the portal (`next build`)…');
    const r = spawnSync(process.execPath, [path.join('node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (r.status !== 0) throw new Error('`next build` failed');
  }
  const id = fs.readFileSync(buildIdFile, 'utf8').trim();
  const builtAt = fs.statSync(buildIdFile).mtimeMs;
  const stale = ['app', 'lib', 'db'].some((d) => newestSource(path.join(process.cwd(), d)) > builtAt);
  if (reuse)
    log(
      `reusing the production build ${id} (${new Date(builtAt).toISOString()})${stale ? ' — WARNING: sources changed since; run with --rebuild to measure them' : ''}`,
    );
  const routes = JSON.parse(
    fs.readFileSync(path.join(process.cwd(), '.next', 'app-path-routes-manifest.json'), 'utf8'),
  ) as Record<string, string>;
  if (!Object.values(routes).includes('/floor'))
    throw new Error('The build has no /floor page (it predates the benchmark): run `npm run bench -- --rebuild`.');
  return { id, reused: reuse, stale };
}

// ---------------------------------------------------------------------------------------
// One driver
// ---------------------------------------------------------------------------------------

async function countRoundTrips(server: Server, subs: BenchSubscriber[], cookies: string[]): Promise<RoundTrips> {
  const statements: Record<string, string[]> = {};
  const count = async (label: string, pathname: string, cookie: string) => {
    await waitForQuiet(server, 300);
    const before = server.queries.length;
    await getPage(server.base, pathname, cookie);
    await waitForQuiet(server, 300);
    statements[label] = server.queries.slice(before);
    return statements[label].length;
  };
  // The first request of the process also reads the catalog (cached a minute per process).
  const coldFirstRequest = await count('cold first request (dashboard)', '/dashboard', cookies[0]!);
  await getPage(server.base, '/plans', cookies[0]!);
  await getPage(server.base, previewPath(subs[0]!), cookies[0]!);
  const dashboardFirstView = await count('dashboard, first view of the day', '/dashboard', cookies[1]!);
  const dashboard = await count('dashboard', '/dashboard', cookies[1]!);
  const plans = await count('plans', '/plans', cookies[2]!);
  const preview = await count('preview', previewPath(subs[2]!), cookies[2]!);
  return { dashboard, dashboardFirstView, plans, preview, coldFirstRequest, statements };
}

async function runDriver(
  driver: 'pglite' | 'postgres',
  db: DbTarget,
  extras: { javascriptAndLighthouse: boolean; confirm: boolean },
  out: Partial<BenchResults>,
): Promise<DriverResult> {
  const label = driver === 'pglite' ? 'PGlite' : 'PostgreSQL';
  log(`${label}: creating, migrating and seeding the database…`);
  const data: PreparedData = await prepareDatabase(db);
  const subs = data.subscribers.slice(0, SESSIONS);
  if (subs.length < SESSIONS) throw new Error(`Only ${subs.length} generated subscribers to sign in as`);
  const secret = randomBytes(24).toString('hex');
  const result: DriverResult = { driver, label, seedMs: Math.round(data.seedMs) };

  // Pass 1: round trips, with the query log on.
  let server = await startServer({ db, secret, logQueries: true });
  cleanups.push(() => server.stop());
  log(`${label}: signing in ${subs.length} subscribers and an agent…`);
  const cookies = await signInAll(
    server.base,
    subs.map((s) => s.email),
    DEMO_PASSWORD,
  );
  const agentCookie = await signIn(server.base, 'agent@example.com', DEMO_PASSWORD, DEMO_TOTP_SECRET);
  result.roundTrips = await countRoundTrips(server, subs, cookies);
  log(
    `${label}: round trips per request: dashboard ${result.roundTrips.dashboard} (first view of the day ${result.roundTrips.dashboardFirstView}), plans ${result.roundTrips.plans}, preview ${result.roundTrips.preview}; cold first request ${result.roundTrips.coldFirstRequest}`,
  );
  await server.stop();

  // Pass 2: load, without the log (the sessions stay valid: same secret).
  server = await startServer({ db, secret, logQueries: false });
  cleanups.push(() => server.stop());
  const rotate = (pathFor: (s: BenchSubscriber) => string) =>
    subs.map((s, i) => ({ path: pathFor(s), cookie: cookies[i]! }));
  const scenarios: LoadScenario[] = [
    { name: 'floor', targets: rotate(() => '/floor') },
    { name: 'dashboard', targets: rotate(() => '/dashboard') },
    { name: 'plans', targets: rotate(() => '/plans') },
    { name: 'preview', targets: rotate((s) => previewPath(s)) },
    {
      name: 'agentSearch',
      targets: AGENT_QUERIES.map((q) => ({
        path: `/agent?${new URLSearchParams({ q }).toString()}`,
        cookie: agentCookie,
      })),
    },
  ];
  // Each target answers 200 before it is loaded (a redirect to /login would be an error).
  for (const sc of scenarios) for (const t of sc.targets) await getPage(server.base, t.path, t.cookie);
  log(
    `${label}: ${scenarios.map((x) => x.name).join(', ')}: ${LOAD.warmupS} s warm-up each, then ${LOAD.durationS} s each in ${LOAD.rounds} turns, ${LOAD.connections} connections…`,
  );
  const loads: Partial<Record<Scenario, LoadResult>> = await loadInTurns(server.base, scenarios, LOAD, {
    onResult: (l) =>
      log(
        `${label}: ${l.name}: ${l.rps} req/s, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, errors ${l.errors}, server CPU ${l.serverCpuMsPerRequest} ms/request`,
      ),
    serverCpuMs: () => serverCpuMs(server),
  });

  if (extras.confirm) {
    const candidates = data.subscribers.filter((s) => s.swapTarget && !subs.includes(s)).slice(0, CONFIRM_CLIENTS);
    if (candidates.length < CONFIRM_CLIENTS) {
      log(
        `${label}: confirm: only ${candidates.length} subscribers have a same-price configuration to swap to; measuring with those`,
      );
    }
    log(
      `${label}: confirm: signing in ${candidates.length} subscribers; ${LOAD.warmupS} s warm-up + ${LOAD.durationS} s…`,
    );
    const confirmCookies = await signInAll(
      server.base,
      candidates.map((s) => s.email),
      DEMO_PASSWORD,
    );
    const confirm = await confirmLoad(
      server.base,
      candidates.map((s, i) => ({ subscriberId: s.id, cookie: confirmCookies[i]!, a: s.config, b: s.swapTarget! })),
      LOAD,
      () => serverCpuMs(server),
    );
    result.confirm = confirm;
    loads.confirm = confirm;
    log(
      `${label}: confirm: ${confirm.rps} confirms/s, p50 ${confirm.p50Ms} ms, p99 ${confirm.p99Ms} ms, errors ${confirm.errors}`,
    );
  }
  const mem = serverMemory(server);
  result.memory = { afterLoad: mem.server, processes: mem.processes };
  result.load = withFloorRatios(loads);
  log(`${label}: server RSS after the load: ${mem.server?.rssMB ?? '?'} MB`);

  if (extras.javascriptAndLighthouse) {
    const [dashboard, floor] = [
      await pageJavaScript(server.base, '/dashboard', cookies[0]!),
      await pageJavaScript(server.base, '/floor', cookies[0]!),
    ];
    out.javascript = { dashboard, floor, ratio: Math.round((dashboard.gzipBytes / floor.gzipBytes) * 100) / 100 };
    log(
      `JavaScript (gzip): dashboard ${(dashboard.gzipBytes / 1024).toFixed(1)} KiB in ${dashboard.chunks} chunks, floor ${(floor.gzipBytes / 1024).toFixed(1)} KiB in ${floor.chunks}`,
    );
    const chromium = chromiumPath();
    if (flag('skip-lighthouse')) out.lighthouse = { skipped: '--skip-lighthouse' };
    else if (!chromium)
      out.lighthouse = {
        skipped: `no Chromium at ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'} (set CHROMIUM_PATH)`,
      };
    else {
      // The floor page is measured the same way, as the control: what the framework alone scores on this host.
      const lighthouse = { dashboard: null as LighthouseResult | null, floor: null as LighthouseResult | null };
      for (const page of ['dashboard', 'floor'] as const) {
        log(`Lighthouse on the signed-in ${page} (median of ${LIGHTHOUSE_RUNS} runs)…`);
        const r = await runLighthouse(`${server.base}/${page}`, cookies[3]!, chromium, LIGHTHOUSE_RUNS);
        lighthouse[page] = r;
        log(
          `Lighthouse ${page}: performance ${r.performance} (runs ${r.runs.map((x) => x.performance).join(', ')}), accessibility ${r.accessibility}, host benchmarkIndex ${r.runs.map((x) => x.benchmarkIndex).join(', ')}`,
        );
      }
      out.lighthouse = { dashboard: lighthouse.dashboard!, floor: lighthouse.floor! };
    }
  }
  await server.stop();
  return result;
}

// ---------------------------------------------------------------------------------------
// PostgreSQL: a throwaway database
// ---------------------------------------------------------------------------------------

async function createPgDatabase(): Promise<ThrowawayDatabase | { skipped: string }> {
  try {
    return await createThrowawayPostgres(PG_ADMIN_URL, 'switchboard_bench');
  } catch (e) {
    return {
      skipped: `no throwaway database on PostgreSQL at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//…@')}: ${(e as Error).message}`,
    };
  }
}

// ---------------------------------------------------------------------------------------

/**
 * bench/NAME.ts in its own process (it runs lib/server, which needs the react-server condition),
 * passed the --NAME- flags; its last stdout line is its JSON result, the lines before it are
 * printed. A process that exits non-zero after printing its JSON (a failed correctness check)
 * still reports what it measured.
 */
function runBenchProcess<T>(name: string): T | { skipped: string } {
  const r = spawnSync(
    process.execPath,
    [
      path.join('node_modules', 'tsx', 'dist', 'cli.mjs'),
      '--conditions=react-server',
      `bench/${name}.ts`,
      ...args.filter((a) => a.startsWith(`--${name}-`)),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: process.env, maxBuffer: 64 * 1024 * 1024 },
  );
  const out = (r.stdout ?? '').trim().split('\n');
  for (const line of out.slice(0, -1)) console.log(line);
  const last = out.at(-1) ?? '';
  if (!last.startsWith('{')) return { skipped: `bench/${name}.ts failed (exit ${r.status ?? r.signal})` };
  return JSON.parse(last) as T;
}

const flagsOf = (name: string) => args.filter((a) => a.startsWith(`--${name}-`)).join(' ');

function benchBills(): BillsBenchResult | { skipped: string } {
  log(`bills: the rollover issuing bills on PostgreSQL (${flagsOf('bills') || '10,000 subscriptions, 8 workers'})…`);
  return runBenchProcess<BillsBenchResult>('bills');
}

/** Issue 19: usage records ingested per second on PostgreSQL. */
function benchUsage(): UsageBenchResult | { skipped: string } {
  log(
    `usage: ingestion on PostgreSQL (${flagsOf('usage') || '200,000 imported rows, 50,000 records through the API'})…`,
  );
  return runBenchProcess<UsageBenchResult>('usage');
}

/** Issue 23: two app instances behind a round-robin proxy. */
function benchInstances(): InstancesBenchResult | { skipped: string } {
  log('instances: two app instances on one PostgreSQL behind a round-robin proxy…');
  return runBenchProcess<InstancesBenchResult>('instances');
}

async function main() {
  const t0 = performance.now();
  if (flag('only-instances')) {
    ensureBuild();
    const instances = benchInstances();
    const dir = path.join(process.cwd(), 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'instances.json'), JSON.stringify(instances, null, 2) + '\n');
    console.log(`\n${instancesMarkdown(instances).join('\n')}`);
    log('results in bench/results/instances.json');
    if ('skipped' in instances || instances.correctness.failures.length > 0) process.exitCode = 1;
    return;
  }
  if (flag('only-usage')) {
    const usage = benchUsage();
    const dir = path.join(process.cwd(), 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'usage.json'),
      JSON.stringify({ generatedAt: new Date().toISOString(), loadAverage1m: os.loadavg()[0], usage }, null, 2) + '\n',
    );
    console.log(`\n${usageMarkdown(usage).join('\n')}`);
    log('results in bench/results/usage.json');
    return;
  }
  if (flag('only-bills')) {
    const bills = benchBills();
    const dir = path.join(process.cwd(), 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'bills.json'),
      JSON.stringify({ generatedAt: new Date().toISOString(), loadAverage1m: os.loadavg()[0], bills }, null, 2) + '\n',
    );
    console.log(`\n${billsMarkdown(bills).join('\n')}`);
    log('results in bench/results/bills.json');
    return;
  }
  const loadBefore = os.loadavg()[0]!;
  const build = ensureBuild();
  const scaleN = Math.round(option('scale', 0));
  if (scaleN > 0) {
    // Issue 23: the small database and N more subscribers, PostgreSQL only (bench/lib/scale-pass.ts).
    const months = Math.max(1, Math.round(option('scale-months', 12)));
    await runScale({
      n: scaleN,
      months,
      billMonths: Math.max(1, Math.min(months, Math.round(option('scale-bill-months', months)))),
      url: args.find((a) => a.startsWith('--scale-url='))?.slice('--scale-url='.length),
      generatedJson: args.find((a) => a.startsWith('--scale-generated='))?.slice('--scale-generated='.length),
      keep: flag('keep-scale'),
      load: LOAD,
      build,
      log,
      cleanups,
    });
    return;
  }

  log('offers: 10,000 generated subscribers in one batch, then one at a time…');
  const offers = benchOffers();
  log(
    `offers: ${offers.perSubscriber.meanMs} ms per subscriber (p99 ${offers.perSubscriber.p99Ms}), 10,000 in ${offers.batch.totalMs} ms`,
  );

  const partial: Partial<BenchResults> = {};
  const drivers: DriverResult[] = [];

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  drivers.push(await runDriver('pglite', { dataDir }, { javascriptAndLighthouse: true, confirm: false }, partial));

  if (flag('skip-postgres')) drivers.push({ driver: 'postgres', label: 'PostgreSQL', skipped: '--skip-postgres' });
  else {
    const pgdb = await createPgDatabase();
    if ('skipped' in pgdb) {
      log(`PostgreSQL pass skipped: ${pgdb.skipped}`);
      drivers.push({ driver: 'postgres', label: 'PostgreSQL', skipped: pgdb.skipped });
    } else {
      cleanups.push(pgdb.drop);
      drivers.push(
        await runDriver(
          'postgres',
          { databaseUrl: pgdb.url },
          { javascriptAndLighthouse: false, confirm: true },
          partial,
        ),
      );
      partial.bills = benchBills();
      partial.usage = benchUsage();
      partial.instances = benchInstances();
    }
  }

  const cpus = os.cpus();
  const loadAfter = os.loadavg()[0]!;
  const base: Omit<BenchResults, 'targets' | 'totalSeconds'> = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? '?',
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverage1m: { before: loadBefore, after: loadAfter },
    },
    build,
    settings: {
      connections: LOAD.connections,
      durationS: LOAD.durationS,
      warmupS: LOAD.warmupS,
      rounds: LOAD.rounds,
      sessions: SESSIONS,
      confirmClients: CONFIRM_CLIENTS,
    },
    drivers,
    offers,
    bills: partial.bills ?? { skipped: flag('skip-postgres') ? '--skip-postgres' : 'no PostgreSQL' },
    usage: partial.usage ?? { skipped: flag('skip-postgres') ? '--skip-postgres' : 'no PostgreSQL' },
    instances: partial.instances ?? { skipped: flag('skip-postgres') ? '--skip-postgres' : 'no PostgreSQL' },
    javascript: partial.javascript ?? { skipped: 'not measured' },
    lighthouse: partial.lighthouse ?? { skipped: 'not measured' },
  };
  const results: BenchResults = {
    ...base,
    targets: evaluateTargets(base),
    totalSeconds: Math.round((performance.now() - t0) / 1000),
  };
  const dir = path.join(process.cwd(), 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  const md = markdown(results);
  fs.writeFileSync(path.join(dir, 'latest.md'), md);
  console.log(`\n${md}`);
  log(`done in ${results.totalSeconds} s; results in bench/results/latest.json and latest.md`);
}

async function cleanup() {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch (e) {
      console.error(`[bench] cleanup: ${(e as Error).message}`);
    }
  }
  cleanups.length = 0;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping the servers and dropping the benchmark database…`);
    void cleanup().then(() => process.exit(130));
  });
}

main()
  .then(cleanup)
  .catch(async (e: unknown) => {
    console.error(`[bench] failed: ${e instanceof Error ? e.message : String(e)}`);
    await cleanup();
    process.exit(1);
  });
