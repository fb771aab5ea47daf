/** Targets of issue 8, evaluated from the measurements, and the markdown table. */
import type { LighthouseResult } from './lighthouse';
import type { ConfirmResultStats, LoadResult, PageJs } from './http';
import type { OffersBench } from './offers';
import type { ProcessMemory } from './server';

export type Scenario = 'floor' | 'dashboard' | 'plans' | 'preview' | 'bills' | 'agentSearch' | 'confirm';

export interface ScenarioResult extends LoadResult {
  /** requests/s ÷ the floor's. */
  rpsVsFloor: number | null;
  /** p99 ÷ the floor's p99. */
  p99VsFloor: number | null;
}

export interface RoundTrips {
  /** Queries sent through the driver while serving one request (catalog cached: it is read once a minute per process). */
  dashboard: number;
  /** The dashboard's first view of the day for a subscriber (it records the offers' impressions). */
  dashboardFirstView: number;
  plans: number;
  preview: number;
  /** The very first page of a fresh process, which also reads the catalog. */
  coldFirstRequest: number;
  statements: Record<string, string[]>;
}

export interface DriverResult {
  driver: 'pglite' | 'postgres';
  label: string;
  skipped?: string;
  seedMs?: number;
  roundTrips?: RoundTrips;
  load?: Partial<Record<Scenario, ScenarioResult>>;
  confirm?: ConfirmResultStats;
  memory?: { afterLoad: ProcessMemory | null; processes: ProcessMemory[] };
}

export interface BenchResults {
  generatedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGB: number;
    node: string;
    platform: string /** Other work on the machine skews absolute figures (ratios less so). */;
    loadAverage1m: { before: number; after: number };
  };
  build: { id: string; reused: boolean; stale: boolean };
  settings: {
    connections: number;
    durationS: number;
    warmupS: number;
    rounds: number;
    sessions: number;
    confirmClients: number;
  };
  drivers: DriverResult[];
  offers: OffersBench;
  /** Bills issued per second on PostgreSQL (bench/bills.ts). */
  bills?: BillsBenchResult | { skipped: string };
  /** Usage records ingested per second on PostgreSQL (bench/usage.ts, issue 19). */
  usage?: UsageBenchResult | { skipped: string };
  instances?: InstancesBenchResult | { skipped: string };
  javascript?: { dashboard: PageJs; floor: PageJs; ratio: number } | { skipped: string };
  /** The dashboard and, as the control, the floor page: same host, same settings. */
  lighthouse?: { dashboard: LighthouseResult; floor: LighthouseResult } | { skipped: string };
  targets: Target[];
  totalSeconds: number;
}

/** What bench/bills.ts prints (its last line). */
export interface BillsBenchResult {
  subscriptions: number;
  job: { bills: number; seconds: number; billsPerSecond: number };
  workers: { workers: number; bills: number; seconds: number; billsPerSecond: number };
  check: { bills: number; gapless: boolean; linesMatchTotals: boolean; usageLines: number };
  setupSeconds: number;
}

/** What bench/usage.ts prints (its last line). */
export interface UsageBenchResult {
  loadAverage1m: { before: number; after: number };
  import: {
    rows: number;
    accepted: number;
    refused: number;
    seconds: number;
    rowsPerSecond: number;
    peakRssMB: number;
    readSeconds: number;
    mergeSeconds: number;
    nodeCpuSeconds: number;
  };
  reimport: { rows: number; duplicate: number; seconds: number; rowsPerSecond: number };
  api: { records: number; batches: number; seconds: number; recordsPerSecond: number } | { skipped: string };
}

/** The usage-ingestion lines of the report (also printed alone by --only-usage). */
export function usageMarkdown(u: UsageBenchResult | { skipped: string } | undefined): string[] {
  if (!u) return [];
  if ('skipped' in u) return [`Usage ingestion on PostgreSQL: skipped (${u.skipped}).`];
  const api =
    'skipped' in u.api
      ? `API batch skipped (${u.api.skipped})`
      : `API (POST usageBatch, ${u.api.batches} × ${Math.round(u.api.records / u.api.batches)} records, one call at a time) ${fmt(u.api.recordsPerSecond)} records/s`;
  return [
    `Usage ingestion on PostgreSQL (load average ${fmt(u.loadAverage1m.before, 1)} → ${fmt(u.loadAverage1m.after, 1)}): import (csv-parse → COPY → one merge) ${fmt(u.import.rowsPerSecond)} rows/s (${u.import.rows.toLocaleString('en')} rows in ${fmt(u.import.seconds)} s: reading and COPY ${fmt(u.import.readSeconds)} s, merge ${fmt(u.import.mergeSeconds)} s; ${fmt(u.import.nodeCpuSeconds)} CPU-s in Node; peak RSS ${fmt(u.import.peakRssMB, 0)} MB); re-import (all duplicates) ${fmt(u.reimport.rowsPerSecond)} rows/s; ${api}.`,
  ];
}

/** The bills lines of the report (also printed alone by --only-bills). */
export function billsMarkdown(b: BillsBenchResult | { skipped: string } | undefined): string[] {
  if (!b) return [];
  if ('skipped' in b) return [`Bills on PostgreSQL: skipped (${b.skipped}).`];
  return [
    `Bills on PostgreSQL (${b.subscriptions.toLocaleString('en')} subscriptions closing a period, each issued its bill by the real rollover): the job (set-based, a batch of subscriptions a transaction) ${fmt(b.job.billsPerSecond)} bills/s (${b.job.bills.toLocaleString('en')} in ${fmt(b.job.seconds)} s); ${b.workers.workers} workers at once, one subscription a transaction, ${fmt(b.workers.billsPerSecond)} bills/s (${b.workers.bills.toLocaleString('en')} in ${fmt(b.workers.seconds)} s). Checked: ${b.check.bills.toLocaleString('en')} bills, numbers ${b.check.gapless ? 'without a gap' : 'WITH GAPS'}, ${b.check.linesMatchTotals ? 'each total equal to its lines' : 'TOTALS DISAGREE WITH LINES'}.`,
  ];
}

/** bench/instances.ts: two app instances on one PostgreSQL behind a round-robin proxy (issue 23). */
export interface InstancesBenchResult {
  generatedAt: string;
  machine: { cpus: number; loadAverage1mBefore: number; loadAverage1mAfter: number };
  proxy: string;
  correctness: {
    sessionsOpenOnBoth: string;
    confirmsApplied: number;
    confirmsStale: number;
    periodsDue: number;
    periodsClosed: number;
    emailDeliveries: number;
    mailsAtRelay: number;
    duplicateMails: number;
    failures: string[];
  };
  dashboard: {
    connections: number;
    oneInstance: { rps: number; p50Ms: number; p99Ms: number; errors: number; serverCpuMsPerRequest: number };
    twoInstances: { rps: number; p50Ms: number; p99Ms: number; errors: number; serverCpuMsPerRequest: number };
    ratio: number;
  };
}

/** The two-instance lines of the report (also printed alone by --only-instances). */
export function instancesMarkdown(r: InstancesBenchResult | { skipped: string } | undefined): string[] {
  if (!r) return [];
  if ('skipped' in r) return [`Two instances on PostgreSQL: skipped (${r.skipped}).`];
  const c = r.correctness;
  const d = r.dashboard;
  return [
    `Two instances on one PostgreSQL behind a round-robin proxy (${r.proxy}; load average ${fmt(r.machine.loadAverage1mBefore, 1)} → ${fmt(r.machine.loadAverage1mAfter, 1)}): ${c.failures.length === 0 ? 'correct' : `**${c.failures.length} check(s) failed: ${c.failures.join('; ')}**`} — sessions open on both instances ${c.sessionsOpenOnBoth}; ${c.confirmsApplied} confirms through the proxy applied (${c.confirmsStale} stale); the daily run after the clock moved closed ${c.periodsClosed} of ${c.periodsDue} due periods once each; ${c.mailsAtRelay} mails at the relay for ${c.emailDeliveries} email deliveries, ${c.duplicateMails} duplicates.`,
    `Dashboard through the proxy, ${d.connections} connections: one instance ${fmt(d.oneInstance.rps)} req/s (p99 ${fmt(d.oneInstance.p99Ms, 0)} ms), two instances ${fmt(d.twoInstances.rps)} req/s (p99 ${fmt(d.twoInstances.p99Ms, 0)} ms): ×${fmt(d.ratio, 2)}. On ${r.machine.cpus} cores shared by both instances, PostgreSQL and the load generator no gain is expected; the second instance pays off on its own cores.`,
  ];
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  pass: boolean | null;
}

/** Server CPU per request relative to the floor's: steadier than throughput when the host's speed drifts. */
const cpuRatio = (v: { serverCpuMsPerRequest?: number }, floor: { serverCpuMsPerRequest?: number } | undefined) =>
  v.serverCpuMsPerRequest && floor?.serverCpuMsPerRequest
    ? (v.serverCpuMsPerRequest / floor.serverCpuMsPerRequest).toFixed(2)
    : '–';

const fmt = (x: number | null | undefined, d = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d);

export function withFloorRatios(
  load: Partial<Record<Scenario, LoadResult>>,
): Partial<Record<Scenario, ScenarioResult>> {
  const floor = load.floor;
  const out: Partial<Record<Scenario, ScenarioResult>> = {};
  for (const [k, v] of Object.entries(load) as [Scenario, LoadResult][]) {
    out[k] = {
      ...v,
      rpsVsFloor: floor && floor.rps > 0 ? Math.round((v.rps / floor.rps) * 100) / 100 : null,
      p99VsFloor: floor && floor.p99Ms > 0 ? Math.round((v.p99Ms / floor.p99Ms) * 100) / 100 : null,
    };
  }
  return out;
}

export function evaluateTargets(r: Omit<BenchResults, 'targets' | 'totalSeconds'>): Target[] {
  const t: Target[] = [];
  for (const d of r.drivers) {
    if (d.skipped) continue;
    const dash = d.load?.dashboard;
    if (dash) {
      t.push({
        name: `Dashboard throughput vs floor (${d.label})`,
        target: '≥ 0.5×',
        measured: `${fmt(dash.rpsVsFloor, 2)}× (${fmt(dash.rps)} vs ${fmt(d.load?.floor?.rps)} req/s; server CPU per request ${cpuRatio(dash, d.load?.floor)}× the floor's)`,
        pass: dash.rpsVsFloor !== null && dash.rpsVsFloor >= 0.5,
      });
      t.push({
        name: `Dashboard p99 vs floor p99 (${d.label})`,
        target: '≤ 3×',
        measured: `${fmt(dash.p99VsFloor, 2)}× (${fmt(dash.p99Ms)} vs ${fmt(d.load?.floor?.p99Ms)} ms)`,
        pass: dash.p99VsFloor !== null && dash.p99VsFloor <= 3,
      });
    }
    const errors = Object.values(d.load ?? {}).reduce((n, s) => n + s.errors, 0);
    t.push({ name: `Errors under load (${d.label})`, target: '0', measured: String(errors), pass: errors === 0 });
    if (d.roundTrips) {
      t.push({
        name: `Dashboard round trips (${d.label})`,
        target: '≤ 3',
        measured: `${d.roundTrips.dashboard} (first view of the day ${d.roundTrips.dashboardFirstView})`,
        pass: Math.max(d.roundTrips.dashboard, d.roundTrips.dashboardFirstView) <= 3,
      });
      t.push({
        name: `Plans round trips (${d.label})`,
        target: '≤ 2',
        measured: String(d.roundTrips.plans),
        pass: d.roundTrips.plans <= 2,
      });
      t.push({
        name: `Preview round trips (${d.label})`,
        target: '≤ 3',
        measured: String(d.roundTrips.preview),
        pass: d.roundTrips.preview <= 3,
      });
    }
  }
  t.push({
    name: 'Offers for one subscriber',
    target: '< 1 ms',
    measured: `p99 ${fmt(r.offers.perSubscriber.p99Ms, 3)} ms (mean ${fmt(r.offers.perSubscriber.meanMs, 3)})`,
    pass: r.offers.perSubscriber.p99Ms < 1,
  });
  t.push({
    name: 'Offers for 10,000 subscribers',
    target: '< 5 s',
    measured: `${fmt(r.offers.batch.totalMs / 1000, 2)} s`,
    pass: r.offers.batch.totalMs < 5000,
  });
  if (r.javascript && 'ratio' in r.javascript) {
    t.push({
      name: 'Dashboard JavaScript vs floor (gzip)',
      target: '≤ 1.2×',
      measured: `${fmt(r.javascript.ratio, 2)}× (${fmt(r.javascript.dashboard.gzipBytes / 1024)} vs ${fmt(r.javascript.floor.gzipBytes / 1024)} KiB)`,
      pass: r.javascript.ratio <= 1.2,
    });
  } else {
    t.push({
      name: 'Dashboard JavaScript vs floor (gzip)',
      target: '≤ 1.2×',
      measured: `not measured: ${r.javascript?.skipped ?? '?'}`,
      pass: null,
    });
  }
  if (r.lighthouse && 'dashboard' in r.lighthouse) {
    const { dashboard: d, floor: f } = r.lighthouse;
    const runs = (x: LighthouseResult) => x.runs.map((run) => run.performance ?? '–').join(', ');
    const bi = [...d.runs, ...f.runs].map((run) => run.benchmarkIndex).filter((x): x is number => x !== null);
    const context = `median of ${d.runs.length} (runs ${runs(d)}); floor page ${f.performance ?? '–'} (runs ${runs(f)}) on the same host, benchmarkIndex ${bi.length ? `${Math.min(...bi)}–${Math.max(...bi)}` : '–'}`;
    t.push({
      name: 'Lighthouse performance (dashboard)',
      target: '≥ 95',
      measured: `${d.performance ?? '–'}: ${context}`,
      pass: (d.performance ?? 0) >= 95,
    });
    t.push({
      name: 'Lighthouse accessibility (dashboard)',
      target: '100',
      measured: `${d.accessibility ?? '–'} (runs ${d.runs.map((run) => run.accessibility ?? '–').join(', ')})`,
      pass: d.accessibility === 100,
    });
  } else {
    t.push({
      name: 'Lighthouse (dashboard)',
      target: 'performance ≥ 95, accessibility 100',
      measured: `not measured: ${r.lighthouse && 'skipped' in r.lighthouse ? r.lighthouse.skipped : '?'}`,
      pass: null,
    });
  }
  return t;
}

const SCENARIO_LABEL: Record<Scenario, string> = {
  floor: 'Floor (session only, no database)',
  dashboard: 'Dashboard (offers included)',
  plans: 'Plans',
  preview: 'Change preview',
  bills: 'Bills',
  agentSearch: 'Agent search',
  confirm: 'Confirm a plan change',
};

export function markdown(r: BenchResults): string {
  const drivers = r.drivers.filter((d) => !d.skipped);
  const out: string[] = [];
  out.push(
    `Measured ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpus} cores (${r.machine.cpuModel}), Node ${r.machine.node}; server and load generator on the same machine, loopback, ${r.settings.connections} connections, ${r.settings.durationS} s per page (in ${r.settings.rounds} turns) after a ${r.settings.warmupS} s warm-up, ${r.settings.sessions} signed-in subscribers rotated; load average ${r.machine.loadAverage1m.before.toFixed(1)} before, ${r.machine.loadAverage1m.after.toFixed(1)} after.`,
  );
  out.push('');
  const head = [
    'Page',
    ...drivers.flatMap((d) => [
      `${d.label} req/s`,
      'p50 ms',
      'p99 ms',
      'errors',
      '× floor (req/s, p99)',
      'server CPU ms/req',
    ]),
  ];
  out.push(`| ${head.join(' | ')} |`);
  out.push(`|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  const scenarios: Scenario[] = ['floor', 'dashboard', 'plans', 'preview', 'bills', 'agentSearch', 'confirm'];
  for (const s of scenarios) {
    if (!drivers.some((d) => d.load?.[s])) continue;
    const cells = drivers.flatMap((d) => {
      const v = d.load?.[s];
      if (!v) return ['–', '–', '–', '–', '–', '–'];
      return [
        fmt(v.rps),
        fmt(v.p50Ms),
        fmt(v.p99Ms),
        String(v.errors),
        s === 'floor' ? '1 / 1' : `${fmt(v.rpsVsFloor, 2)} / ${fmt(v.p99VsFloor, 2)}`,
        fmt(v.serverCpuMsPerRequest, 2),
      ];
    });
    const label = s === 'confirm' ? `${SCENARIO_LABEL[s]} (${r.settings.confirmClients} clients)` : SCENARIO_LABEL[s];
    out.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  for (const d of r.drivers.filter((x) => x.skipped)) out.push('', `${d.label}: skipped (${d.skipped}).`);
  out.push('');
  const mem = drivers.map((d) => `${d.label} ${fmt(d.memory?.afterLoad?.rssMB, 0)} MB`).join(', ');
  out.push(`Server memory (RSS of next-server after the load): ${mem}.`);
  out.push('');
  const billsLines = billsMarkdown(r.bills);
  if (billsLines.length) out.push(...billsLines, '');
  const usageLines = usageMarkdown(r.usage);
  if (usageLines.length) out.push(...usageLines, '');
  const instancesLines = instancesMarkdown(r.instances);
  if (instancesLines.length) out.push(...instancesLines, '');
  out.push('| Target | Goal | Measured | Result |');
  out.push('|---|---|---|---|');
  for (const t of r.targets)
    out.push(
      `| ${t.name} | ${t.target} | ${t.measured} | ${t.pass === null ? 'not measured' : t.pass ? 'pass' : '**miss**'} |`,
    );
  return out.join('\n') + '\n';
}
