/**
 * Real databases for integration tests: PGlite in a temporary folder always, and a
 * throwaway PostgreSQL database too when TEST_DATABASE_URL is set (.ci/run sets it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { openDatabase, type DbHandle } from '@/db/client';
import { seedDatabase, DEMO_PASSWORD } from '@/db/seed';
import { createThrowawayPostgres as createThrowawayDatabase, type ThrowawayDatabase } from '@/db/throwaway';
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

/** A throwaway PostgreSQL database on the TEST_DATABASE_URL server (db/throwaway.ts). */
export async function createThrowawayPostgres(prefix: string): Promise<ThrowawayDatabase> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('TEST_DATABASE_URL is not set');
  return createThrowawayDatabase(admin, prefix);
}

/** A fresh, migrated database (seeded for `today` unless seed is false). */
export async function createTestDb(
  driver: Driver,
  opts: { today?: Day; seed?: boolean; generated?: number; poolMax?: number } = {},
): Promise<TestDb> {
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
    await seedDatabase(handle.db, {
      today: opts.today ?? '2026-11-16',
      generated: opts.generated ?? 20,
      passwordHash: await demoHash(),
    });
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
