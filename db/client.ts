/**
 * The database client factory: PGlite in a data folder by default, PostgreSQL through `pg`
 * when a URL is given. One schema, one set of migrations, one client per process.
 */
import path from 'node:path';
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { acquireLock, type HeldLock } from './lock';
import { DATA_STATEMENT } from './pglite-thread';
import { createHash } from 'node:crypto';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or a transaction on it. */
export type Queryable = Db | Tx;

export interface DbHandle {
  db: Db;
  driver: 'pglite' | 'pg';
  /** Queries sent through the driver since start (for benchmarks: round trips). */
  queryCount(): number;
  /** Apply the committed SQL migrations (idempotent; serialised across instances on PostgreSQL). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Who opens it, for the lock's message. */
  command?: string;
  poolMax?: number;
  /** Print one marker line per query to stdout (QUERY_LOG_MARKER + the statement's start), for benchmarks. */
  logQueries?: boolean;
  /** Run PGlite on the calling thread instead of its own worker thread. */
  pgliteInline?: boolean;
}

/** Starts every line printed by the opt-in query log. */
export const QUERY_LOG_MARKER = '[switchboard:query]';

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');

/** Past these, a statement is not named (bulk inserts with thousands of values, say). */
const NAMED_MAX_PARAMS = 100;
const NAMED_MAX_TEXT = 20_000;

/** The name a data statement is prepared under on each connection: the same text, the same name. */
export function statementName(text: string): string {
  return `sb_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

/**
 * A pg client that names data statements, so each connection parses and plans them once and
 * then only binds and executes (node-postgres prepares a named statement on first use per
 * connection). The account query costs ≈0.86 ms unnamed and ≈0.26 ms named on this machine's
 * PostgreSQL; the PGlite thread does the same (pglite-thread.ts). Behind PgBouncer in
 * transaction mode this needs its max_prepared_statements (PgBouncer ≥ 1.21).
 */
function namingClient(Base: typeof import('pg').Client): typeof import('pg').Client {
  return class NamingClient extends Base {
    override query(...args: any[]): any {
      const [config, values] = args as [unknown, unknown];
      // Plain query configs only: a Submittable (a cursor, a stream) is passed through untouched.
      if (
        config &&
        typeof config === 'object' &&
        typeof (config as { submit?: unknown }).submit !== 'function' &&
        !(config as { name?: unknown }).name
      ) {
        const c = config as { text?: unknown; values?: unknown[] };
        const params = Array.isArray(values) ? values : (c.values ?? []);
        if (
          typeof c.text === 'string' &&
          c.text.length <= NAMED_MAX_TEXT &&
          params.length <= NAMED_MAX_PARAMS &&
          DATA_STATEMENT.test(c.text)
        ) {
          args[0] = { ...c, name: statementName(c.text) };
        }
      }
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
  } as typeof import('pg').Client;
}

export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  let queries = 0;
  const logger = opts.logQueries
    ? {
        logQuery: (query: string) => {
          queries++;
          process.stdout.write(`${QUERY_LOG_MARKER} ${query.replace(/\s+/g, ' ').slice(0, 120)}\n`);
        },
      }
    : { logQuery: () => void queries++ };
  if (opts.databaseUrl) {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    // Dates as "YYYY-MM-DD" strings, not JS Dates shifted by the local time zone.
    pg.types.setTypeParser(1082, (v: string) => v);
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolMax ?? 10,
      Client: namingClient(pg.Client),
    });
    pool.on('error', (err) => console.error(`[db] idle PostgreSQL client error: ${err.message}`));
    const db = drizzle({ client: pool, schema, logger }) as unknown as Db;
    const migrateNow = async () => {
      const { migrate } = await import('drizzle-orm/node-postgres/migrator');
      // Several instances may start at once: one migrates, the others wait (session advisory
      // lock, so lock, migrate and unlock share one connection).
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock(72201)');
        try {
          await migrate(drizzle({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query('select pg_advisory_unlock(72201)');
        }
      } finally {
        client.release();
      }
    };
    return { db, driver: 'pg', queryCount: () => queries, migrate: migrateNow, close: () => pool.end() };
  }
  const dataDir = opts.dataDir ?? path.join(process.cwd(), 'data');
  const folder = path.join(dataDir, 'pglite');
  fs.mkdirSync(dataDir, { recursive: true });
  const lock: HeldLock = acquireLock(dataDir, opts.command ?? process.argv.slice(1).join(' '));
  try {
    const { drizzle } = await import('drizzle-orm/pglite');
    // Off the main thread by default (see pglite-thread.ts).
    const client = opts.pgliteInline
      ? await (await import('@electric-sql/pglite')).PGlite.create(folder, {
          // The trigram extension (agent search by name substring, migration 0016), as on PostgreSQL.
          extensions: { pg_trgm: (await import('@electric-sql/pglite/contrib/pg_trgm')).pg_trgm },
        })
      : await (await import('./pglite-thread')).openPgliteThread(folder);
    const asDriver = client as unknown as import('@electric-sql/pglite').PGlite;
    const db = drizzle({ client: asDriver, schema, logger }) as unknown as Db;
    return {
      db,
      driver: 'pglite',
      queryCount: () => queries,
      migrate: async () => {
        const { migrate } = await import('drizzle-orm/pglite/migrator');
        await migrate(drizzle({ client: asDriver, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      },
      close: async () => {
        await client.close();
        lock.release();
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Drop everything (used by db:reset and tests), then the caller migrates and seeds again. */
export async function dropEverything(handle: DbHandle): Promise<void> {
  await handle.db.execute(sql.raw('drop schema if exists drizzle cascade'));
  await handle.db.execute(sql.raw('drop schema public cascade'));
  await handle.db.execute(sql.raw('create schema public'));
}
