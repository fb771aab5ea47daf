/**
 * Real databases for integration tests: PGlite in a temporary folder always, and a
 * throwaway PostgreSQL database too when TEST_DATABASE_URL is set (.ci/run sets it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { hash } from '@node-rs/argon2';
import { openDatabase, type DbHandle } from '@/db/client';
import { seedDatabase, DEMO_PASSWORD } from '@/db/seed';
import type { Day } from '@/lib/domain/types';

export type Driver = 'pglite' | 'pg';

export const drivers: Driver[] = process.env.TEST_DATABASE_URL ? ['pglite', 'pg'] : ['pglite'];

let passwordHash: Promise<string> | undefined;
export function demoHash(): Promise<string> {
  passwordHash ??= hash(DEMO_PASSWORD);
  return passwordHash;
}

export interface TestDb extends DbHandle {
  url?: string;
  dataDir?: string;
  destroy(): Promise<void>;
}

/**
 * A throwaway PostgreSQL database on the TEST_DATABASE_URL server: its URL, and a drop that
 * first waits (up to 2 s) for closed pools' backends to go, so the forced drop kills no live
 * connection.
 */
export async function createThrowawayPostgres(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('TEST_DATABASE_URL is not set');
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      for (let i = 0; i < 40; i++) {
        const r = await c2.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if ((r.rows[0] as { n: number }).n === 0) break;
        await new Promise((done) => setTimeout(done, 50));
      }
      await c2.query(`drop database if exists ${name} with (force)`);
      await c2.end();
    },
  };
}

/** A fresh, migrated database (seeded for `today` unless seed is false). */
export async function createTestDb(driver: Driver, opts: { today?: Day; seed?: boolean; generated?: number; poolMax?: number } = {}): Promise<TestDb> {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  let url: string | undefined;
  let dataDir: string | undefined;
  if (driver === 'pg') {
    const pgDb = await createThrowawayPostgres('sb_it');
    url = pgDb.url;
    handle = await openDatabase({ databaseUrl: url, poolMax: opts.poolMax ?? 10 });
    cleanup = pgDb.drop;
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-it-'));
    handle = await openDatabase({ dataDir, command: 'vitest' });
    cleanup = async () => fs.rmSync(dataDir!, { recursive: true, force: true });
  }
  await handle.migrate();
  if (opts.seed !== false) {
    await seedDatabase(handle.db, { today: opts.today ?? '2026-11-16', generated: opts.generated ?? 20, passwordHash: await demoHash() });
  }
  return {
    ...handle,
    url,
    dataDir,
    destroy: async () => {
      await handle.close().catch(() => {});
      await cleanup();
    },
  };
}
