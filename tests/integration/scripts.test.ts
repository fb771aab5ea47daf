import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { openDatabase } from '@/db/client';
import { writeClockOffset } from '@/lib/server/clock';

/** The npm scripts as an operator runs them, on a PGlite folder of their own. */
describe('npm scripts on the embedded database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-scripts-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, DATABASE_URL: '', NODE_ENV: 'test' };
  const run = (script: string) => spawnSync('npm', ['run', '--silent', script], { env, encoding: 'utf8', timeout: 120_000 });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('db:seed creates and seeds; db:reset puts the demo data back', async () => {
    const seed = run('db:seed');
    expect(seed.status, seed.stderr).toBe(0);
    expect(seed.stdout).toContain('Seeded');
    let h = await openDatabase({ dataDir: dir });
    await h.db.update(s.subscriptions).set({ planCode: 'UNLIMITED' });
    await h.close();
    const reset = run('db:reset');
    expect(reset.status, reset.stderr).toBe(0);
    h = await openDatabase({ dataDir: dir });
    const plans = await h.db.select({ plan: s.subscriptions.planCode, n: sql<number>`count(*)::int` }).from(s.subscriptions).groupBy(s.subscriptions.planCode);
    await h.close();
    expect(plans.find((p) => p.plan === 'UNLIMITED')?.n ?? 0).toBeLessThan(248);
    expect(plans.reduce((a, p) => a + p.n, 0)).toBe(248);
  });

  it('billing:rollover closes every ended period once, by the test clock', async () => {
    let h = await openDatabase({ dataDir: dir });
    await writeClockOffset(h.db, 40 * 86_400_000);
    const before = (await h.db.select({ n: sql<number>`count(*)::int` }).from(s.ledgerLines).where(eq(s.ledgerLines.kind, 'recurring')))[0]!.n;
    await h.close();
    const first = run('billing:rollover');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/[1-9]\d* period\(s\) closed on 248 subscription\(s\)/);
    const again = run('billing:rollover');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 period(s) closed on 0 subscription(s)');
    h = await openDatabase({ dataDir: dir });
    const after = (await h.db.select({ n: sql<number>`count(*)::int` }).from(s.ledgerLines).where(eq(s.ledgerLines.kind, 'recurring')))[0]!.n;
    const dup = await h.db.execute(sql`select subscription_id, bill_period_start, item_code, count(*) from ledger_lines where kind = 'recurring' group by 1, 2, 3 having count(*) > 1`);
    await h.close();
    expect(after).toBeGreaterThan(before);
    expect((dup as unknown as { rows: unknown[] }).rows).toHaveLength(0);
  });
});
