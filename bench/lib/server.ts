/**
 * The production server under test: `next start` on loopback, as the Playwright harness
 * starts it (SWITCHBOARD_ENV=test, NEXTAUTH_URL, NEXTAUTH_SECRET, DATA_DIR or DATABASE_URL).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { QUERY_LOG_MARKER } from '../../db/client';
import type { DbTarget } from './data';

export interface Server {
  base: string;
  port: number;
  pid: number;
  /** Lines printed by the opt-in query log (SWITCHBOARD_LOG_QUERIES=1), in order. */
  queries: string[];
  /** Time of the last query line (performance.now()). */
  lastQueryAt: number;
  /** Last lines of output, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startServer(opts: {
  db: DbTarget;
  secret: string;
  logQueries: boolean /** e.g. --cpu-prof, for profiling */;
  nodeArgs?: string[];
  /** The URL the portal is reached at (NEXTAUTH_URL), when it is not this server's own: a proxy in front. */
  publicUrl?: string;
  /** Run the background jobs (default off: their queries would count as round trips). */
  jobs?: boolean;
  /** More environment (e.g. SMTP_URL). */
  env?: Record<string, string>;
}): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'DATABASE_URL',
    'DATA_DIR',
    'SWITCHBOARD_LOG_QUERIES',
    'PORT',
    'NODE_ENV',
    'NEXTAUTH_URL',
    'NEXTAUTH_SECRET',
    'TRUST_PROXY',
  ])
    delete env[k];
  Object.assign(env, {
    NEXT_TELEMETRY_DISABLED: '1',
    SWITCHBOARD_ENV: 'test',
    // Pages are measured without the background jobs (their queries would count as round trips).
    JOBS: opts.jobs ? 'on' : 'off',
    NEXTAUTH_URL: opts.publicUrl ?? base,
    NEXTAUTH_SECRET: opts.secret,
    ...(opts.db.databaseUrl ? { DATABASE_URL: opts.db.databaseUrl } : { DATA_DIR: opts.db.dataDir }),
    ...(opts.logQueries ? { SWITCHBOARD_LOG_QUERIES: '1' } : {}),
    ...(opts.env ?? {}),
  });
  const nextBin = path.join(process.cwd(), 'node_modules', 'next', 'dist', 'bin', 'next');
  const child: ChildProcess = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const server: Server = {
    base,
    port,
    pid: child.pid ?? 0,
    queries: [],
    lastQueryAt: 0,
    tail: () => lines.slice(-40).join('\n'),
    stop: () => stopProcessTree(child),
  };
  const onData = (buf: Buffer) => {
    for (const line of buf.toString().split('\n')) {
      if (!line) continue;
      if (line.startsWith(QUERY_LOG_MARKER)) {
        server.queries.push(line.slice(QUERY_LOG_MARKER.length + 1));
        server.lastQueryAt = performance.now();
      } else {
        lines.push(line);
        if (lines.length > 400) lines.splice(0, 200);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited = false;
  child.once('exit', () => (exited = true));

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`The server exited during start-up:\n${server.tail()}`);
    try {
      const r = await fetch(`${base}/login`, { redirect: 'manual' });
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`The server did not answer on ${base}/login within 90 s:\n${server.tail()}`);
    }
    await sleep(200);
  }
  return server;
}

/** Waits until no query line has arrived for `quietMs`. */
export async function waitForQuiet(server: Server, quietMs = 250): Promise<void> {
  const start = performance.now();
  for (;;) {
    const now = performance.now();
    if (now - start >= quietMs && now - server.lastQueryAt >= quietMs) return;
    await sleep(25);
  }
}

/** The processes started by the child (next start may fork workers). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may contain spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

let clockTicks: number | undefined;
/** CPU time (user + system, ms) the server and its children have used so far. */
export function serverCpuMs(server: Server): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  let ticks = 0;
  for (const pid of [server.pid, ...descendants(server.pid)]) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / clockTicks;
}

export interface ProcessMemory {
  pid: number;
  name: string;
  rssMB: number;
}

/** VmRSS of the server process and anything it started; `server` is the next-server one. */
export function serverMemory(server: Server): { server: ProcessMemory | null; processes: ProcessMemory[] } {
  const processes: ProcessMemory[] = [];
  for (const pid of [server.pid, ...descendants(server.pid)]) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = /VmRSS:\s+(\d+)\s+kB/.exec(status);
      const name = /Name:\s+(.*)/.exec(status)?.[1] ?? '';
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      processes.push({
        pid,
        name: cmd.startsWith('next-server') ? cmd : name,
        rssMB: rss ? Math.round(Number(rss[1]) / 102.4) / 10 : 0,
      });
    } catch {
      // gone
    }
  }
  const named = processes.find((p) => p.name.startsWith('next-server'));
  return { server: named ?? processes[0] ?? null, processes };
}

async function stopProcessTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const pids = [child.pid, ...descendants(child.pid)];
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  for (const pid of pids.reverse()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const timedOut = await Promise.race([done.then(() => false), sleep(8000).then(() => true)]);
  if (timedOut) {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await done;
  }
  // PGlite's folder lock is released when the process ends; give stragglers a moment.
  for (let i = 0; i < 40 && pids.some(alive); i++) await sleep(50);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
