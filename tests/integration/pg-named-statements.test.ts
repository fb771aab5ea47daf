/**
 * PostgreSQL through `pg` (db/client.ts): data statements are named, so each connection
 * prepares them once; other statements and bulk ones are not. Runs when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, statementName, type DbHandle } from '@/db/client';
import { catalogData } from '@/db/catalog-data';
import * as s from '@/db/schema';
import { seedDatabase } from '@/db/seed';
import { createThrowawayPostgres, demoHash } from './support/db';

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL named statements', () => {
  let pgdb: Awaited<ReturnType<typeof createThrowawayPostgres>>;
  let h: DbHandle;
  beforeAll(async () => {
    pgdb = await createThrowawayPostgres('sb_named');
    // one connection: the prepared statements listed are that connection's
    h = await openDatabase({ databaseUrl: pgdb.url, poolMax: 1 });
    await h.migrate();
    await seedDatabase(h.db, { today: '2026-11-16', generated: 20, passwordHash: await demoHash() });
  });
  afterAll(async () => {
    await h?.close();
    await pgdb?.drop();
  });

  const prepared = async () =>
    (
      (await h.db.execute(sql`select name, statement from pg_prepared_statements`)) as unknown as {
        rows: { name: string; statement: string }[];
      }
    ).rows;

  it('prepares a data statement once per connection and reuses it, with the same answers', async () => {
    const q = () =>
      h.db.select({ code: s.plans.code, cents: s.plans.monthlyCents }).from(s.plans).where(eq(s.plans.code, 'BASIC'));
    const first = await q();
    const text = q().toSQL().sql;
    for (let i = 0; i < 7; i++) expect(await q()).toEqual(first);
    expect(first).toEqual([{ code: 'BASIC', cents: catalogData.plans.find((p) => p.code === 'BASIC')!.monthlyCents }]);
    const mine = (await prepared()).filter((p) => p.name === statementName(text));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.statement).toBe(text);
  });

  it('names neither transaction control nor DDL nor bulk statements', async () => {
    await h.db.transaction(async (tx) => {
      await tx.execute(sql`create temporary table t_named (a int) on commit drop`);
      const values = Array.from({ length: 150 }, (_, i) => sql`(${i})`);
      await tx.execute(sql`insert into t_named (a) values ${sql.join(values, sql`, `)}`);
      const n = (await tx.execute(sql`select count(*)::int as n from t_named`)) as unknown as { rows: { n: number }[] };
      expect(n.rows[0]!.n).toBe(150);
    });
    const statements = (await prepared()).map((p) => p.statement.toLowerCase());
    expect(statements.some((t) => /^\s*(begin|commit|create)/.test(t))).toBe(false);
    expect(statements.some((t) => t.includes('insert into t_named'))).toBe(false); // 150 parameters: not named
    expect(statements.some((t) => t.includes('select count(*)::int as n from t_named'))).toBe(true);
  });
});
