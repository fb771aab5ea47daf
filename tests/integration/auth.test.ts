import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { authOptions } from '@/lib/server/auth';
import { loadActor } from '@/lib/server/actor';
import { useDbHandleForTests } from '@/lib/server/db';
import { MAX_FAILURES, clientAddressFrom } from '@/lib/server/throttle';
import { createTestDb, drivers, type TestDb } from './support/db';

type Authorize = (creds: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

describe.each(drivers)('sign-in on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
    useDbHandleForTests(t);
  });
  afterAll(async () => {
    useDbHandleForTests(undefined);
    await t?.destroy();
  });

  const req = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
  const failures = async (email: string) =>
    (await t.db.select({ n: sql<number>`count(*)::int` }).from(s.auditEvents).where(and(eq(s.auditEvents.action, 'sign_in'), eq(s.auditEvents.outcome, 'refused'), sql`${s.auditEvents.detail}->>'email' = ${email}`)))[0]?.n;

  it('accepts the right password and returns role and subscriber id', async () => {
    const user = (await authorize({ email: 'ADA@example.com ', password: 'switchboard-demo' }, req('10.0.0.1'))) as { role: string; subscriberId: number };
    expect(user).toMatchObject({ role: 'subscriber', email: 'ada@example.com' });
    expect(user.subscriberId).toBeGreaterThan(0);
  });

  it('refuses a wrong password and an unknown account the same way, and audits both', async () => {
    expect(await authorize({ email: 'ben@example.com', password: 'wrong' }, req('10.0.0.2'))).toBeNull();
    expect(await authorize({ email: 'nobody@example.com', password: 'wrong' }, req('10.0.0.3'))).toBeNull();
    expect(await failures('ben@example.com')).toBe(1);
    expect(await failures('nobody@example.com')).toBe(1);
  });

  it('refuses malformed input without touching the database', async () => {
    const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(s.loginAttempts))[0]?.n;
    expect(await authorize({ email: 'not an email', password: 'x' }, req('10.0.0.4'))).toBeNull();
    expect(await authorize({ email: 'a@b.co', password: 'x'.repeat(5000) }, req('10.0.0.4'))).toBeNull();
    const after = (await t.db.select({ n: sql<number>`count(*)::int` }).from(s.loginAttempts))[0]?.n;
    expect(after).toBe(before);
  });

  it(`locks an account after ${MAX_FAILURES} failures in the window, even with the right password, from any address`, async () => {
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(await authorize({ email: 'carla@example.com', password: `wrong-${i}` }, req(`10.1.0.${i}`))).toBeNull();
    }
    await expect(authorize({ email: 'carla@example.com', password: 'switchboard-demo' }, req('10.1.1.1'))).rejects.toThrow('throttled');
    // Other accounts are unaffected.
    expect(await authorize({ email: 'dev@example.com', password: 'switchboard-demo' }, req('10.1.1.1'))).not.toBeNull();
  });

  it(`locks a client address after ${MAX_FAILURES} failures across accounts`, async () => {
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(await authorize({ email: `probe${i}@example.com`, password: 'x' }, req('10.2.0.1'))).toBeNull();
    }
    await expect(authorize({ email: 'eve@example.com', password: 'switchboard-demo' }, req('10.2.0.1'))).rejects.toThrow('throttled');
    expect(await authorize({ email: 'eve@example.com', password: 'switchboard-demo' }, req('10.2.0.2'))).not.toBeNull();
  });

  it('lets the lock lapse when the window has passed (stored in the database, shared by instances)', async () => {
    await t.db.update(s.loginAttempts).set({ at: sql`now() - interval '16 minutes'` }).where(eq(s.loginAttempts.email, 'carla@example.com'));
    expect(await authorize({ email: 'carla@example.com', password: 'switchboard-demo' }, req('10.1.1.1'))).not.toBeNull();
  });

  it('a disabled account or a changed role takes effect on the next request', async () => {
    const finn = (await t.db.select().from(s.users).where(eq(s.users.email, 'finn@example.com')))[0]!;
    expect((await loadActor(t.db, finn.id))?.role).toBe('subscriber');
    await t.db.update(s.users).set({ disabled: true }).where(eq(s.users.id, finn.id));
    expect(await loadActor(t.db, finn.id)).toBeNull();
    expect(await authorize({ email: 'finn@example.com', password: 'switchboard-demo' }, req('10.3.0.1'))).toBeNull();
    await t.db.update(s.users).set({ disabled: false }).where(eq(s.users.id, finn.id));
    const agent = (await t.db.select().from(s.users).where(eq(s.users.email, 'agent@example.com')))[0]!;
    await t.db.update(s.users).set({ role: 'admin' }).where(eq(s.users.id, agent.id));
    expect((await loadActor(t.db, agent.id))?.role).toBe('admin');
    await t.db.update(s.users).set({ role: 'agent' }).where(eq(s.users.id, agent.id));
    expect((await loadActor(t.db, agent.id))?.role).toBe('agent');
  });
});

describe('client address', () => {
  it('takes the address the nearest trusted hop saw, not one a client put first', () => {
    expect(clientAddressFrom({ 'x-forwarded-for': '6.6.6.6, 9.9.9.9' })).toBe('9.9.9.9');
    expect(clientAddressFrom(new Headers({ 'x-forwarded-for': '9.9.9.9' }))).toBe('9.9.9.9');
    expect(clientAddressFrom({})).toBe('unknown');
    process.env.TRUST_PROXY = '2';
    try {
      expect(clientAddressFrom({ 'x-forwarded-for': '6.6.6.6, 1.2.3.4, 10.0.0.5' })).toBe('1.2.3.4');
    } finally {
      delete process.env.TRUST_PROXY;
    }
  });
});
