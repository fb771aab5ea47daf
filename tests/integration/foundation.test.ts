import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as s from '@/db/schema';
import { openDatabase } from '@/db/client';
import { acquireLock, DataFolderLockedError } from '@/db/lock';
import { isSeeded, seedDatabase } from '@/db/seed';
import { readCatalog } from '@/lib/server/catalog';
import { catalogData } from '@/db/catalog-data';
import { createTestDb, demoHash, drivers, type TestDb } from './support/db';

describe.each(drivers)('foundation on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver, { today: '2026-11-16' });
  });
  afterAll(async () => t?.destroy());

  it('stores the catalog of the spec and reads it back identically', async () => {
    const catalog = await readCatalog(t.db);
    const sort = <T extends { code: string }>(xs: T[]) => [...xs].sort((a, b) => a.code.localeCompare(b.code));
    const norm = (c: typeof catalog) => ({
      rates: c.rates,
      plans: sort(c.plans).map((p) => ({ ...p, includes: [...p.includes].sort() })),
      addOns: sort(c.addOns).map((a) => ({
        ...a,
        availableOn: [...a.availableOn].sort(),
        requires: [...a.requires].sort(),
        excludes: [...a.excludes].sort(),
      })),
    });
    expect(norm(catalog)).toEqual(norm(catalogData));
  });

  it('seeds the demo accounts with their plans, add-ons and three complete periods of usage', async () => {
    const rows = await t.db
      .select({
        email: s.users.email,
        role: s.users.role,
        plan: s.subscriptions.planCode,
        billingDay: s.subscribers.billingDay,
        periodStart: s.subscriptions.periodStart,
      })
      .from(s.users)
      .leftJoin(s.subscriptions, eq(s.subscriptions.subscriberId, s.users.subscriberId))
      .leftJoin(s.subscribers, eq(s.subscribers.id, s.users.subscriberId))
      .where(sql`${s.users.email} like '%@example.com'`);
    const byEmail = Object.fromEntries(rows.map((r) => [r.email, r]));
    expect(byEmail['ada@example.com']).toMatchObject({
      role: 'subscriber',
      plan: 'BASIC',
      billingDay: 1,
      periodStart: '2026-11-01',
    });
    expect(byEmail['ben@example.com']?.plan).toBe('PLUS');
    expect(byEmail['finn@example.com']?.plan).toBe('LEGACY');
    expect(byEmail['agent@example.com']?.role).toBe('agent');
    expect(byEmail['admin@example.com']?.role).toBe('admin');
    const ben = (await t.db.select().from(s.subscribers).where(eq(s.subscribers.email, 'ben@example.com')))[0]!;
    const benAddOns = await t.db
      .select({ code: s.subscriptionAddOns.addOnCode })
      .from(s.subscriptionAddOns)
      .innerJoin(s.subscriptions, eq(s.subscriptions.id, s.subscriptionAddOns.subscriptionId))
      .where(eq(s.subscriptions.subscriberId, ben.id));
    expect(benAddOns.map((a) => a.code).sort()).toEqual(['ld_300', 'voicemail']);
    const usage = await t.db.select().from(s.usagePeriods).where(eq(s.usagePeriods.subscriberId, ben.id));
    const complete = usage.filter((u) => u.periodStart < '2026-11-05');
    expect(complete).toHaveLength(3);
    expect(complete.every((u) => u.ldMinutes === 650)).toBe(true);
    const hana = (await t.db.select().from(s.subscribers).where(eq(s.subscribers.email, 'hana@example.com')))[0]!;
    const hanaUsage = await t.db.select().from(s.usagePeriods).where(eq(s.usagePeriods.subscriberId, hana.id));
    expect(hanaUsage).toHaveLength(1); // the current period only: no complete period yet
  });

  it('is deterministic: the same day seeds the same rows', async () => {
    const other = await createTestDb(driver, { today: '2026-11-16' });
    try {
      const q = (db: TestDb['db']) =>
        db
          .select({ email: s.subscribers.email, phone: s.subscribers.phone, day: s.subscribers.billingDay })
          .from(s.subscribers)
          .orderBy(s.subscribers.accountNumber);
      expect(await q(other.db)).toEqual(await q(t.db));
    } finally {
      await other.destroy();
    }
  });

  it('refuses to update or delete audit events (append-only, enforced by the database)', async () => {
    await t.db.insert(s.auditEvents).values({ action: 'test', outcome: 'ok' });
    await expect(t.db.update(s.auditEvents).set({ outcome: 'changed' })).rejects.toThrow();
    await expect(t.db.delete(s.auditEvents)).rejects.toThrow();
    const n = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(s.auditEvents)
      .where(eq(s.auditEvents.action, 'test'));
    expect(n[0]?.n).toBe(1);
  });

  it('migrations are idempotent', async () => {
    await t.migrate();
    expect(await isSeeded(t.db)).toBe(true);
  });
});

describe('PGlite data folder lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-lock-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second process with a message naming the holder, and the folder opens afterwards', async () => {
    const handle = await openDatabase({ dataDir: dir, command: 'integration test server' });
    await handle.migrate();
    await seedDatabase(handle.db, { today: '2026-11-16', generated: 0, passwordHash: await demoHash() });
    // A real second process: the db:migrate script on the same folder.
    const r = spawnSync('node_modules/.bin/tsx', ['scripts/db.ts', 'migrate'], {
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`pid ${process.pid}`);
    expect(r.stderr).toContain('integration test server');
    // In-process too.
    expect(() => acquireLock(dir + '-other', 'x').release()).not.toThrow();
    await handle.close();
    // Released: the script now runs, and the data is intact.
    const r2 = spawnSync('node_modules/.bin/tsx', ['scripts/db.ts', 'seed'], {
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' },
      encoding: 'utf8',
    });
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.stdout).toContain('already has accounts');
    const again = await openDatabase({ dataDir: dir, command: 'reopen' });
    const n = await again.db.select({ n: sql<number>`count(*)::int` }).from(s.subscribers);
    expect(n[0]?.n).toBe(9); // the nine named demo subscribers (Ivy, without online access, since issue 21)
    await again.close();
  });

  it('takes over a lock left by a dead process', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-stale-'));
    fs.writeFileSync(
      path.join(d, 'switchboard.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, command: 'gone', since: 'then', host: os.hostname() }),
    );
    const lock = acquireLock(d, 'new');
    lock.release();
    fs.rmSync(d, { recursive: true, force: true });
  });

  it('DataFolderLockedError names pid and command', () => {
    const e = new DataFolderLockedError('/x', { pid: 42, command: 'next start', since: 'now', host: 'h' });
    expect(e.message).toMatch(/pid 42, "next start"/);
  });
});
