import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '@node-rs/argon2';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { openDatabase, type DbHandle } from '@/db/client';
import { catalogData } from '@/db/catalog-data';
import { writeClockOffset } from '@/lib/server/clock';
import { createThrowawayPostgres, drivers } from './support/db';

/** The npm scripts as an operator runs them, on a PGlite folder of their own. */
describe('npm scripts on the embedded database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-scripts-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, DATABASE_URL: '', NODE_ENV: 'test' };
  const run = (script: string) =>
    spawnSync('npm', ['run', '--silent', script], { env, encoding: 'utf8', timeout: 120_000 });
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
    const plans = await h.db
      .select({ plan: s.subscriptions.planCode, n: sql<number>`count(*)::int` })
      .from(s.subscriptions)
      .groupBy(s.subscriptions.planCode);
    await h.close();
    expect(plans.find((p) => p.plan === 'UNLIMITED')?.n ?? 0).toBeLessThan(249);
    expect(plans.reduce((a, p) => a + p.n, 0)).toBe(249);
    // Two npm scripts in their own processes, each migrating and seeding (about 12 s each on a
    // quiet machine): the default 60 s is too short beside the rest of the suite on 2 cores.
  }, 240_000);

  it('billing:rollover closes every ended period once, by the test clock', async () => {
    let h = await openDatabase({ dataDir: dir });
    await writeClockOffset(h.db, 40 * 86_400_000);
    const before = (
      await h.db
        .select({ n: sql<number>`count(*)::int` })
        .from(s.ledgerLines)
        .where(eq(s.ledgerLines.kind, 'recurring'))
    )[0]!.n;
    await h.close();
    const first = run('billing:rollover');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/[1-9]\d* period\(s\) closed on 249 subscription\(s\)/);
    const again = run('billing:rollover');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 period(s) closed on 0 subscription(s)');
    h = await openDatabase({ dataDir: dir });
    const after = (
      await h.db
        .select({ n: sql<number>`count(*)::int` })
        .from(s.ledgerLines)
        .where(eq(s.ledgerLines.kind, 'recurring'))
    )[0]!.n;
    const dup = await h.db.execute(
      sql`select subscription_id, bill_period_start, item_code, count(*) from ledger_lines where kind = 'recurring' group by 1, 2, 3 having count(*) > 1`,
    );
    await h.close();
    expect(after).toBeGreaterThan(before);
    expect((dup as unknown as { rows: unknown[] }).rows).toHaveLength(0);
  });
});

/**
 * A deployment's database, as an operator prepares it: the catalog and no accounts, then the
 * first admin from admin:create (on PGlite here; on PostgreSQL too when TEST_DATABASE_URL is set).
 */
describe.each(drivers)('a deployment database: db:migrate, admin:create on %s', (driver) => {
  let target: { env: Record<string, string>; open: () => Promise<DbHandle>; destroy: () => Promise<void> };
  beforeAll(async () => {
    if (driver === 'pg') {
      const pg = await createThrowawayPostgres('sb_scripts');
      target = {
        env: { DATABASE_URL: pg.url },
        open: () => openDatabase({ databaseUrl: pg.url, poolMax: 2 }),
        destroy: pg.drop,
      };
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-deploy-'));
      target = {
        env: { DATA_DIR: dir, DATABASE_URL: '' },
        open: () => openDatabase({ dataDir: dir }),
        destroy: async () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    }
  });
  afterAll(async () => target?.destroy());

  // A deployment's environment (no NEXTAUTH_SECRET needed: these scripts sign nothing).
  const run = (script: string, args: string[] = [], input?: string) =>
    spawnSync('npm', ['run', '--silent', script, '--', ...args], {
      env: { ...process.env, SWITCHBOARD_ENV: 'production', NEXTAUTH_SECRET: '', ...target.env },
      encoding: 'utf8',
      input: input ?? '',
      timeout: 120_000,
    });
  const count = async (h: DbHandle, table: typeof s.users | typeof s.plans | typeof s.addOns) =>
    (await h.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

  it('db:migrate gives the catalog and no accounts; again, it changes nothing', async () => {
    for (let i = 0; i < 2; i++) {
      const r = run('db:migrate');
      expect(r.status, r.stderr).toBe(0);
    }
    const h = await target.open();
    try {
      expect(await count(h, s.plans)).toBe(catalogData.plans.length);
      expect(await count(h, s.addOns)).toBe(catalogData.addOns.length);
      expect(await count(h, s.users)).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('db:seed and db:reset are refused in a deployment, and add nothing', async () => {
    for (const script of ['db:seed', 'db:reset']) {
      const r = run(script);
      expect(r.status, script).toBe(2);
      expect(r.stderr, script).toContain('refused in a deployment');
    }
    const h = await target.open();
    expect(await count(h, s.users)).toBe(0);
    await h.close();
  });

  it('admin:create refuses bad input (nothing created): no password, a short or common one, a bad email', async () => {
    const cases: Array<[string[], string, RegExp]> = [
      [['--email', 'root@operator.example', '--name', 'Root'], '', /No password/],
      [['--email', 'root@operator.example', '--name', 'Root'], '\n', /No password/],
      [['--email', 'root@operator.example', '--name', 'Root'], 'short-pass\n', /at least 12 characters/],
      [['--email', 'root@operator.example', '--name', 'Root'], 'qwerty123456\n', /commonly used passwords/],
      [['--email', 'root@operator.example', '--name', 'Root'], 'QWERTY123456', /commonly used passwords/],
      [['--email', 'root@operator.example', '--name', 'Root'], 'switchboard-demo\n', /commonly used passwords/],
      [['--email', 'root@operator.example', '--name', 'Root'], `${'x'.repeat(129)}`, /at most 128/],
      [['--email', 'not-an-email', '--name', 'Root'], 'a long enough passphrase', /--email must be an email address/],
      [['--name', 'Root'], 'a long enough passphrase', /--email is required/],
      [
        ['--email', 'root@operator.example', '--name', 'Root', '--role', 'subscriber'],
        'a long enough passphrase',
        /--role must be admin or agent/,
      ],
    ];
    for (const [args, input, message] of cases) {
      const r = run('admin:create', args, input);
      expect(r.status, `${args.join(' ')} ${JSON.stringify(input)}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const h = await target.open();
    expect(await count(h, s.users)).toBe(0);
    await h.close();
  });

  it('admin:create makes a staff account with an argon2id hash (OWASP parameters), audited; a second one with the same email is refused', async () => {
    const password = 'correct horse battery staple \u00e9';
    const r = run('admin:create', ['--email', 'Root@Operator.example', '--name', 'Rosa Root'], `${password}\n`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Created admin root@operator.example');
    const agent = run(
      'admin:create',
      ['--email', 'desk@operator.example', '--name', 'Dee Desk', '--role', 'agent'],
      'another long passphrase',
    );
    expect(agent.status, agent.stderr).toBe(0);
    const dup = run('admin:create', ['--email', 'root@operator.example', '--name', 'Again'], 'yet another passphrase');
    expect(dup.status).toBe(2);
    expect(dup.stderr).toContain('already exists');
    const h = await target.open();
    try {
      const rows = await h.db.select().from(s.users).orderBy(s.users.id);
      expect(rows.map((u) => [u.email, u.role, u.name, u.subscriberId])).toEqual([
        ['root@operator.example', 'admin', 'Rosa Root', null],
        ['desk@operator.example', 'agent', 'Dee Desk', null],
      ]);
      expect(rows[0]!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(await verify(rows[0]!.passwordHash, password)).toBe(true);
      const audit = await h.db.select().from(s.auditEvents).where(eq(s.auditEvents.action, 'create_staff_account'));
      expect(audit).toHaveLength(2);
    } finally {
      await h.close();
    }
  });
});
