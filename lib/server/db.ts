import 'server-only';
import { openReady } from '@/db/bootstrap';
import type { Db, DbHandle, Tx } from '@/db/client';
import { config } from '@/lib/config';
import { dayOf } from '@/lib/domain/periods';
import { log } from './log';

/**
 * One database handle per process, kept on globalThis so that dev reloads reuse the pool
 * (and the PGlite lock) instead of opening another.
 */
const g = globalThis as unknown as { __switchboardDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  if (config().building) {
    throw new Error('The database is not opened during `next build`.');
  }
  if (!g.__switchboardDb) {
    const c = config();
    g.__switchboardDb = openReady({
      databaseUrl: c.databaseUrl,
      dataDir: c.dataDir,
      poolMax: c.pgPoolMax,
      logQueries: c.logQueries,
      command: 'switchboard server',
      today: dayOf(new Date()),
      // Demo accounts in demo and test runs only; a deployment gets the catalog alone.
      seedDemo: !c.deployment,
      log: (m) => log.info(m),
    }).catch((e: unknown) => {
      g.__switchboardDb = undefined;
      log.error('[db] could not open the database', e);
      throw e;
    });
  }
  return g.__switchboardDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/**
 * Runs `work` in one transaction on the process's database: committed when it returns,
 * rolled back when it throws. The use cases that write own their transaction through this
 * (the `tx` never leaves them); code that needs to run in the same transaction takes the `tx`.
 */
export async function withTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return (await getDb()).transaction(work);
}

/** Tests point the data layer at their own database. */
export function useDbHandleForTests(handle: DbHandle | undefined): void {
  g.__switchboardDb = handle ? Promise.resolve(handle) : undefined;
}
