/**
 * A throwaway PostgreSQL database on a server the caller can administer (the tests'
 * TEST_DATABASE_URL, the benchmark's BENCH_PG_URL): created under a unique name, dropped at the
 * end. The drop first waits (up to 2 s) for closed pools' backends to go, so the forced drop
 * kills no live connection. Tooling for tests and the benchmark, not used by the app.
 */
import pg from 'pg';

export interface ThrowawayDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createThrowawayPostgres(adminUrl: string, prefix: string): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
      await c.connect();
      try {
        for (let i = 0; i < 40; i++) {
          const r = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if ((r.rows[0] as { n: number }).n === 0) break;
          await new Promise((done) => setTimeout(done, 50));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
