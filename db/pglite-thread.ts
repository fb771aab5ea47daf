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

/**
 * Runs in the worker (an eval'd script: no bundler involved).
 *
 * Statements are prepared once and reused (as postgres.js and most drivers do): the first
 * time a SELECT/INSERT/UPDATE/DELETE/WITH text is seen it is parsed under a name, later runs
 * only bind and execute it, so PostgreSQL plans it once (generic plan after five custom ones,
 * its plan_cache_mode=auto rule) instead of on every request. In WebAssembly, planning the
 * account query costs more than running it (≈1.9 ms unprepared vs ≈0.55 ms prepared).
 * Uses PGlite internals (_runExclusiveQuery, the protocol serializer), hence the exact version
 * pin in package.json; tests/integration/pglite-thread.test.ts checks the behaviour.
 * Other statements (BEGIN, DDL, SET…) take PGlite's unnamed path; DDL forgets the prepared
 * set (DEALLOCATE ALL), and a statement whose result type changed under it is prepared again.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { PGlite, types, parse, protocol } = await import(workerData.pgliteUrl);
  const { pg_trgm } = await import(workerData.pgTrgmUrl);
  const { serialize } = protocol;
  const id = (v) => v;
  // The same parsers drizzle's PGlite driver passes with every query, set once here: passed
  // per query, PGlite copies its whole parser table each time.
  const parsers = { [types.TIMESTAMP]: id, [types.TIMESTAMPTZ]: id, [types.INTERVAL]: id, [types.DATE]: id, 1231: id, 1115: id, 1185: id, 1187: id, 1182: id };
  let db;
  try {
    db = await PGlite.create(workerData.folder, { parsers, extensions: { pg_trgm } });
  } catch (e) {
    parentPort.postMessage({ id: 0, ok: false, error: { message: String(e && e.message || e) } });
    return;
  }
  const CACHEABLE = new RegExp(workerData.dataStatement, 'i');
  const DDL = /^\\s*(create|alter|drop|truncate|comment|do|grant|revoke|reindex|cluster|vacuum)\\b/i;
  const MAX_STATEMENTS = workerData.maxStatements;
  const statements = new Map(); // SQL text → { name, paramTypes }
  let named = 0;
  const send = (message) => db.execProtocolStream(message, { syncToFs: false });

  async function runPrepared(sql, params, rowMode) {
    return db._runExclusiveQuery(async () => {
      const messages = [];
      let failed;
      try {
        let st = statements.get(sql);
        if (!st) {
          const name = 'sb_' + ++named;
          messages.push(...(await send(serialize.parse({ name, text: sql }))));
          st = { name, paramTypes: parse.parseDescribeStatementResults(await send(serialize.describe({ type: 'S', name }))) };
          statements.set(sql, st);
        }
        const values = params.map((p, i) => {
          if (p === null || p === undefined) return null;
          const serializer = db.serializers[st.paramTypes[i]];
          return serializer ? serializer(p) : p.toString();
        });
        messages.push(...(await send(serialize.bind({ statement: st.name, values }))));
        messages.push(...(await send(serialize.describe({ type: 'P' }))));
        messages.push(...(await send(serialize.execute({}))));
      } catch (e) {
        failed = e;
      }
      const sync = await send(serialize.sync());
      if (failed) {
        failed.idle = sync.some((m) => m.name === 'readyForQuery' && m.status === 'I');
        throw failed;
      }
      await db.syncToFs();
      return parse.parseResults([...messages, ...sync], db.parsers, { rowMode })[0];
    });
  }

  async function run(sql, params, rowMode) {
    if (!CACHEABLE.test(sql) || (statements.size >= MAX_STATEMENTS && !statements.has(sql))) {
      const r = await db.query(sql, params, { rowMode });
      if (DDL.test(sql) && statements.size > 0) {
        statements.clear();
        await db.query('deallocate all');
      }
      return r;
    }
    try {
      return await runPrepared(sql, params, rowMode);
    } catch (e) {
      // "cached plan must not change result type": a table changed shape under the statement.
      // Outside a transaction nothing is lost: prepare it again and run it once more.
      if (e && e.code === '0A000' && e.idle && statements.has(sql)) {
        statements.delete(sql);
        return runPrepared(sql, params, rowMode);
      }
      throw e;
    }
  }

  parentPort.postMessage({ id: 0, ok: true });
  parentPort.on('message', async (m) => {
    try {
      if (m.op === 'close') {
        await db.close();
        parentPort.postMessage({ id: m.id, ok: true });
        return;
      }
      if (m.op === 'stats') {
        parentPort.postMessage({ id: m.id, ok: true, result: { rows: [{ prepared: statements.size }], fields: [] } });
        return;
      }
      const r = await run(m.sql, m.params, m.rowMode);
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
  /** How many statements the database thread holds prepared. */
  preparedStatements(): Promise<number>;
  close(): Promise<void>;
}

/** The statements worth preparing once and reusing: data statements, not BEGIN, SET or DDL. */
export const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;

/** Statements kept prepared at most; past that, new texts take the unprepared path. */
export const MAX_PREPARED_STATEMENTS = 1000;

export async function openPgliteThread(
  folder: string,
  maxStatements = MAX_PREPARED_STATEMENTS,
): Promise<ThreadedClient> {
  const req = createRequire(path.join(process.cwd(), 'package.json'));
  const pgliteUrl = pathToFileURL(req.resolve('@electric-sql/pglite')).href.replace(/index\.cjs$/, 'index.js');
  // The trigram extension (agent search by name substring, migration 0016), as on PostgreSQL.
  const pgTrgmUrl = pathToFileURL(req.resolve('@electric-sql/pglite/contrib/pg_trgm')).href.replace(/\.cjs$/, '.js');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { folder, pgliteUrl, pgTrgmUrl, maxStatements, dataStatement: DATA_STATEMENT.source },
  });
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
  const raw = (sql: string, params: unknown[] = [], opts: QueryOptions = {}) =>
    send({ op: 'query', sql, params, rowMode: opts.rowMode ?? 'object' });
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
    async preparedStatements() {
      const r = await send({ op: 'stats' });
      return (r.rows[0] as { prepared: number }).prepared;
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
