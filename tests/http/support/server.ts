/**
 * The production server for HTTP tests: `next start` (the build in .next) on a free port
 * against a fresh database of its own, the way playwright.config.ts starts it. PGlite in a
 * temporary folder always; a throwaway PostgreSQL database too when TEST_DATABASE_URL is set.
 * The first request that needs the database migrates and seeds it (the demo data plus 240
 * generated subscribers).
 *
 * `next start` serves from the process it is started in (no worker process), so the pid
 * here is the server itself: SIGKILL on it is a crash of the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '@/db/client';
import { createThrowawayPostgres } from '../../integration/support/db';

export type Driver = 'pglite' | 'pg';

export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

export const httpDrivers: Driver[] = process.env.TEST_DATABASE_URL ? ['pglite', 'pg'] : ['pglite'];

/** The production build exists (the http project needs it: `npx next build`). */
export function hasBuild(): boolean {
  return fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'));
}

if (!hasBuild()) {
  console.warn(
    '[http tests] SKIPPED: no production build (.next/BUILD_ID is missing). Run `npx next build` first; `npm test` does.',
  );
}
if (!process.env.TEST_DATABASE_URL) {
  console.warn('[http tests] PostgreSQL runs SKIPPED: TEST_DATABASE_URL is not set; running on PGlite only.');
}

/** A database for one server: a PGlite folder or a PostgreSQL database, created empty. */
export interface ServerDatabase {
  driver: Driver;
  dataDir?: string;
  databaseUrl?: string;
  destroy(): Promise<void>;
}

export async function createServerDatabase(driver: Driver): Promise<ServerDatabase> {
  if (driver === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-http-'));
    return { driver, dataDir, destroy: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const pgDb = await createThrowawayPostgres('sb_http');
  return { driver, databaseUrl: pgDb.url, destroy: pgDb.drop };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  /** Same secret across restarts keeps session cookies valid. */
  secret: string;
  port?: number;
  env?: Record<string, string>;
  /** How long to wait for /login to answer. */
  startTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  pid: number;
  secret: string;
  /** Everything the server printed on stderr / stdout so far. */
  stderr(): string;
  stdout(): string;
  /** Graceful stop (SIGTERM), SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** A crash: SIGKILL, then wait for the process to be gone. */
  kill(): Promise<void>;
  exited(): boolean;
}

export const TEST_CLOCK_TOKEN = `http-test-clock-token-${randomBytes(8).toString('hex')}`;

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `next start` on the database and waits until /login answers 200. */
export async function startServer(db: ServerDatabase, opts: ServerOptions): Promise<RunningServer> {
  if (!hasBuild()) throw new Error('No production build: run `npx next build` first.');
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    SWITCHBOARD_ENV: 'test',
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: opts.secret,
    SWITCHBOARD_TEST_CLOCK_TOKEN: TEST_CLOCK_TOKEN,
    // Background jobs off unless a test turns them on (JOBS=on): the authorization matrix
    // compares database dumps, which a delivery or rollover running meanwhile would change.
    JOBS: 'off',
    ...(db.dataDir ? { DATA_DIR: db.dataDir } : {}),
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    ...(opts.env ?? {}),
  };
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(d));
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = waitExit(child);
    child.kill(signal);
    if (signal !== 'SIGKILL') {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    } else await done;
  };
  const server: RunningServer = {
    url,
    port,
    pid: child.pid!,
    secret: opts.secret,
    stderr: () => err.join(''),
    stdout: () => out.join(''),
    stop: () => stop('SIGTERM'),
    kill: () => stop('SIGKILL'),
    exited: () => child.exitCode !== null || child.signalCode !== null,
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  for (;;) {
    if (server.exited())
      throw new Error(
        `next start exited (code ${child.exitCode}, signal ${child.signalCode}):\n${server.stdout()}\n${server.stderr()}`,
      );
    try {
      const res = await fetch(`${url}/login`, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(`next start did not answer /login within the timeout:\n${server.stdout()}\n${server.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return server;
}

/**
 * Lines of the server's stderr that look like an unhandled error: a stack trace, an error the
 * app logged as a failure, or Next.js reporting a crash. Warnings that are expected (none today)
 * would be listed here with a reason.
 */
export function unexpectedErrors(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) =>
      /^\s+at .+\(.+:\d+:\d+\)|^\s+at .+:\d+:\d+$|Error:|\[action .+\] failed|\[route .+\] failed|⨯|Unhandled|uncaught/i.test(
        l,
      ),
    );
}

/**
 * A direct connection to the server's database. PostgreSQL: any time. PGlite: only while no
 * server runs on the folder (it is single-process; the folder lock says so).
 */
export async function withDirectDb<T>(db: ServerDatabase, fn: (q: Db) => Promise<T>): Promise<T> {
  const handle = await openDatabase(
    db.databaseUrl
      ? { databaseUrl: db.databaseUrl, poolMax: 2 }
      : { dataDir: db.dataDir!, command: 'vitest http (direct read)' },
  );
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

/** A new random NEXTAUTH_SECRET for one test file's servers. */
export function newSecret(): string {
  return `http-test-secret-${randomBytes(18).toString('hex')}`;
}

/**
 * One database and the server on it, restartable on the same port (so clients keep their base
 * URL and cookies). `dump()` reads the database directly: on PostgreSQL while the server runs,
 * on PGlite after stopping it (single-process), so call `start()` again afterwards.
 */
export class ServerHarness {
  server?: RunningServer;
  port?: number;
  readonly secret = newSecret();
  /** stderr of every server run so far (a run's text is added when it stops). */
  private pastStderr: string[] = [];
  private constructor(
    readonly db: ServerDatabase,
    private readonly env: Record<string, string> = {},
  ) {}

  static async create(driver: Driver, env: Record<string, string> = {}): Promise<ServerHarness> {
    return new ServerHarness(await createServerDatabase(driver), env);
  }

  get driver(): Driver {
    return this.db.driver;
  }

  get url(): string {
    if (!this.port) throw new Error('server not started');
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<RunningServer> {
    if (this.server && !this.server.exited()) return this.server;
    this.server = await startServer(this.db, { secret: this.secret, port: this.port, env: this.env });
    this.port = this.server.port;
    return this.server;
  }

  private retire(): void {
    if (this.server) this.pastStderr.push(this.server.stderr());
    this.server = undefined;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.retire();
  }

  async kill(): Promise<void> {
    await this.server?.kill();
    this.retire();
  }

  /** All stderr so far, across restarts. */
  stderr(): string {
    return [...this.pastStderr, this.server?.stderr() ?? ''].join('');
  }

  /** Runs fn on a direct connection (stopping the server first on PGlite). */
  async direct<T>(fn: (q: Db) => Promise<T>): Promise<T> {
    if (this.driver === 'pglite') await this.stop();
    return withDirectDb(this.db, fn);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => {});
    await this.db.destroy();
  }
}
