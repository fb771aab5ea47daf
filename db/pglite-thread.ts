/**
 * PGlite on its own thread. PGlite runs PostgreSQL (compiled to WebAssembly) on whatever
 * thread opens it; in the server that is the thread that also renders pages, so every query
 * stalls rendering. Here a worker thread owns the database and the main thread sends it
 * queries, with the client interface drizzle's PGlite driver uses (`query`, `transaction`).
 *
 * PGlite is one session: a transaction must have it to itself. A mutex on this side gives a
 * transaction exclusive use from BEGIN to COMMIT/ROLLBACK; queries outside wait their turn.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Runs in the worker (an eval'd script: no bundler involved). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { PGlite, types } = await import(workerData.pgliteUrl);
  const id = (v) => v;
  // The same parsers drizzle's PGlite driver passes: dates and times stay strings.
  const parsers = { [types.TIMESTAMP]: id, [types.TIMESTAMPTZ]: id, [types.INTERVAL]: id, [types.DATE]: id, 1231: id, 1115: id, 1185: id, 1187: id, 1182: id };
  let db;
  try {
    db = await PGlite.create(workerData.folder);
  } catch (e) {
    parentPort.postMessage({ id: 0, ok: false, error: { message: String(e && e.message || e) } });
    return;
  }
  parentPort.postMessage({ id: 0, ok: true });
  parentPort.on('message', async (m) => {
    try {
      if (m.op === 'close') {
        await db.close();
        parentPort.postMessage({ id: m.id, ok: true });
        return;
      }
      const r = await db.query(m.sql, m.params, { rowMode: m.rowMode, parsers });
      parentPort.postMessage({ id: m.id, ok: true, result: { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows } });
    } catch (e) {
      const error = { message: String(e && e.message || e) };
      for (const k of ['code', 'detail', 'hint', 'severity', 'constraint', 'table', 'column', 'schema', 'where', 'position']) {
        if (e && e[k] !== undefined) error[k] = e[k];
      }
      parentPort.postMessage({ id: m.id, ok: false, error });
    }
  });
})();
`;

type Result = { rows: unknown[]; fields: { name: string; dataTypeID: number }[]; affectedRows?: number };
type QueryOptions = { rowMode?: 'array' | 'object' };

export class DatabaseError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
  constructor(fields: { message: string } & Record<string, unknown>) {
    super(fields.message);
    this.name = 'DatabaseError';
    Object.assign(this, fields);
  }
}

/** A FIFO mutex. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

export interface ThreadedClient {
  query(sql: string, params?: unknown[], opts?: QueryOptions): Promise<Result>;
  transaction<T>(fn: (tx: { query: ThreadedClient['query'] }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openPgliteThread(folder: string): Promise<ThreadedClient> {
  const req = createRequire(path.join(process.cwd(), 'package.json'));
  const pgliteUrl = pathToFileURL(req.resolve('@electric-sql/pglite')).href.replace(/index\.cjs$/, 'index.js');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { folder, pgliteUrl } });
  const pending = new Map<number, { resolve: (v: Result) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | null = null;
  const opened = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (m: { id: number; ok: boolean; result?: Result; error?: { message: string } }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result as Result);
    else p.reject(new DatabaseError(m.error ?? { message: 'database error' }));
  });
  const fail = (e: Error) => {
    dead = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`The database thread stopped (exit code ${code}).`)));
  await opened;

  const send = (msg: Record<string, unknown>): Promise<Result> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<Result>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id });
    });
  };
  const raw = (sql: string, params: unknown[] = [], opts: QueryOptions = {}) => send({ op: 'query', sql, params, rowMode: opts.rowMode ?? 'object' });
  const session = new Mutex();

  return {
    async query(sql, params, opts) {
      const release = await session.lock();
      try {
        return await raw(sql, params, opts);
      } finally {
        release();
      }
    },
    async transaction(fn) {
      const release = await session.lock();
      try {
        await raw('BEGIN');
        try {
          const result = await fn({ query: raw });
          await raw('COMMIT');
          return result;
        } catch (e) {
          await raw('ROLLBACK').catch(() => {});
          throw e;
        }
      } finally {
        release();
      }
    },
    async close() {
      const release = await session.lock();
      try {
        if (!dead) await send({ op: 'close' });
      } finally {
        release();
        worker.removeAllListeners('exit');
        await worker.terminate();
      }
    },
  };
}
