/**
 * What every start of the portal does: open, migrate, apply the reference data (the catalog,
 * in every environment), and, in demo and test runs only, seed the demo accounts into a
 * database that has no accounts yet. A deployment never gets demo data: its first account is
 * made with `npm run admin:create`.
 */
import { openDatabase, type DbHandle, type OpenOptions } from './client';
import { applyReferenceData } from './reference-data';
import { isSeeded, seedDatabase } from './seed';
import type { Day } from '../lib/domain/types';

export interface ReadyOptions extends OpenOptions {
  today: Day;
  /** Seed the demo data when the database has no accounts (demo and test runs; never a deployment). */
  seedDemo: boolean;
  log?: (msg: string) => void;
}

export async function openReady(opts: ReadyOptions): Promise<DbHandle> {
  const handle = await openDatabase(opts);
  try {
    await handle.migrate();
    await applyReferenceData(handle.db, undefined, opts.today);
    if (opts.seedDemo && !(await isSeeded(handle.db))) {
      const t0 = Date.now();
      // On PostgreSQL several instances may start together: the first to take the lock seeds.
      const seeded = await seedOnce(handle, opts.today);
      if (seeded) opts.log?.(`[db] seeded demo data (${seeded} subscribers) in ${Date.now() - t0} ms`);
    }
    return handle;
  } catch (e) {
    await handle.close().catch(() => {});
    throw e;
  }
}

async function seedOnce(handle: DbHandle, today: Day): Promise<number> {
  if (handle.driver === 'pglite') return (await seedDatabase(handle.db, { today })).subscribers;
  const { sql } = await import('drizzle-orm');
  return handle.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(72202)`);
    if (await isSeeded(tx as never)) return 0;
    // seedDatabase opens its own nested transaction (a savepoint) on tx.
    return (await seedDatabase(tx as never, { today })).subscribers;
  });
}
