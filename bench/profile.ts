/**
 * npm run bench:profile -- [--page=dashboard|plans|preview|floor] [--seconds=10] [--postgres]
 *
 * --postgres: a throwaway database on BENCH_PG_URL's server (as `npm run bench`), dropped after.
 *
 * A CPU profile of the production server under the benchmark's load on one page: the server
 * is started with the inspector on loopback, the load runs (10 connections, 24 rotated
 * sessions), and the V8 sampling profiler of the server's main thread is read over the
 * inspector protocol (`--cpu-prof` writes nothing when next-server is stopped by a signal).
 * Prints self time by function and by package; writes bench/results/<page>.cpuprofile
 * (open it in Chrome DevTools → Performance, or speedscope).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { DEMO_PASSWORD } from '../db/seed';
import { createThrowawayPostgres, type ThrowawayDatabase } from '../db/throwaway';
import { PG_ADMIN_URL, prepareDatabase, previewPath, type DbTarget } from './lib/data';
import { loadInTurns, signInAll } from './lib/http';
import { freePort, startServer, type Server } from './lib/server';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const page = opt('page', 'dashboard');
const seconds = Number(opt('seconds', '10'));
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds must be a positive number');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

class Inspector {
  private nextId = 1;
  private pending = new Map<number, (v: unknown) => void>();
  private constructor(private ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown };
      if (msg.id && this.pending.has(msg.id)) {
        this.pending.get(msg.id)!(msg.error ? Promise.reject(new Error(JSON.stringify(msg.error))) : msg.result);
        this.pending.delete(msg.id);
      }
    });
  }
  static async connect(port: number): Promise<Inspector> {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const ws = new WebSocket(list[0]!.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new Inspector(ws);
  }
  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve) => this.pending.set(id, resolve as (v: unknown) => void));
  }
  close() {
    this.ws.close();
  }
}

function bucket(url: string): string {
  if (!url) return '(native/V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) {
    if (m[1] === 'next') {
      const sub = /next\/dist\/(compiled\/[^/]+|server\/[^/]+|[^/]+)/.exec(url);
      return `next/${sub?.[1] ?? '?'}`;
    }
    return m[1]!;
  }
  if (url.includes('.next/server')) return 'app (.next/server)';
  if (url.startsWith('node:')) return url;
  return url.split('/').slice(-2).join('/');
}

function summarize(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) =>
    ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id)!.callFrame.functionName),
  );
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  for (const [id, t] of self) {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${bucket(f.url)}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + t);
    const b = f.functionName.startsWith('(') ? f.functionName : bucket(f.url);
    pkgs.set(b, (pkgs.get(b) ?? 0) + t);
  }
  const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(
    `\nsampled ${(total / 1e6).toFixed(2)} s; ${idle.map(([id, t]) => `${byId.get(id)!.callFrame.functionName} ${pct(t)}`).join(', ')}`,
  );
  console.log('\nself time by package:');
  for (const [k, t] of [...pkgs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(t)}  ${k}`);
  console.log('\nself time by function:');
  for (const [k, t] of [...fns.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${pct(t)}  ${k}`);
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-profile-'));
  const pgDb: ThrowawayDatabase | null = args.includes('--postgres')
    ? await createThrowawayPostgres(PG_ADMIN_URL, 'switchboard_profile')
    : null;
  const target: DbTarget = pgDb ? { databaseUrl: pgDb.url } : { dataDir: path.join(tmp, 'data') };
  let server: Server | null = null;
  try {
    const data = await prepareDatabase(target);
    const inspectPort = await freePort();
    server = await startServer({
      db: target,
      secret: randomBytes(32).toString('hex'),
      logQueries: false,
      nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`],
    });
    const subs = data.subscribers.slice(0, 24);
    const cookies = await signInAll(
      server.base,
      subs.map((s) => s.email),
      DEMO_PASSWORD,
    );
    const paths: Record<string, (i: number) => string> = {
      dashboard: () => '/dashboard',
      floor: () => '/floor',
      plans: () => '/plans',
      preview: (i) => previewPath(subs[i]!),
    };
    if (!paths[page]) throw new Error(`--page must be one of ${Object.keys(paths).join(', ')}`);
    const scenario = { name: page, targets: cookies.map((cookie, i) => ({ path: paths[page]!(i), cookie })) };
    await loadInTurns(server.base, [scenario], { connections: 10, durationS: 3, warmupS: 0, rounds: 1 });
    const inspector = await Inspector.connect(inspectPort);
    await inspector.send('Profiler.enable');
    await inspector.send('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.send('Profiler.start');
    const r = await loadInTurns(server.base, [scenario], {
      connections: 10,
      durationS: seconds,
      warmupS: 0,
      rounds: 1,
    });
    const { profile } = await inspector.send<{ profile: Profile }>('Profiler.stop');
    inspector.close();
    console.log(
      `${page}: ${r[page]!.rps} req/s under the profiler (slower than the benchmark), p99 ${r[page]!.p99Ms} ms, errors ${r[page]!.errors}`,
    );
    const out = path.join('bench', 'results', `${page}.cpuprofile`);
    fs.writeFileSync(out, JSON.stringify(profile));
    console.log(`profile written to ${out}`);
    summarize(profile);
  } finally {
    await server?.stop();
    await pgDb?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
