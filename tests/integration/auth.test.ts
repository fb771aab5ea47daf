import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { authOptions } from '@/lib/server/auth';
import { loadActor, loadSessionActor } from '@/lib/server/actor';
import { useDbHandleForTests } from '@/lib/server/db';
import { revokeSession } from '@/lib/server/sessions';
import { ACCOUNT_LIMIT, ADDRESS_LIMIT, PAIR_LIMIT, clientAddressFrom } from '@/lib/server/throttle';
import { createTestDb, drivers, type TestDb } from './support/db';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '@/db/demo-totp';

const demoTotpCode = () =>
  new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), digits: 6, period: 30, algorithm: 'SHA1' }).generate();

type Authorize = (creds: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
type Signed = { id: string; role: string; subscriberId: number | null; sid: string; sv: number };

describe.each(drivers)('sign-in and its throttle on %s', (driver) => {
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
    (
      await t.db
        .select({ n: sql<number>`count(*)::int` })
        .from(s.auditEvents)
        .where(
          and(
            eq(s.auditEvents.action, 'sign_in'),
            eq(s.auditEvents.outcome, 'refused'),
            sql`${s.auditEvents.detail}->>'email' = ${email}`,
          ),
        )
    )[0]?.n;
  const outcomes = async (email: string) =>
    Object.fromEntries(
      (
        await t.db
          .select({ outcome: s.loginAttempts.outcome, n: sql<number>`count(*)::int` })
          .from(s.loginAttempts)
          .where(eq(s.loginAttempts.email, email))
          .groupBy(s.loginAttempts.outcome)
      ).map((r) => [r.outcome, r.n]),
    );

  it('accepts the right password and returns role, subscriber id and a new session', async () => {
    const user = (await authorize(
      { email: 'ADA@example.com ', password: 'switchboard-demo' },
      req('10.0.0.1'),
    )) as Signed & { email: string };
    expect(user).toMatchObject({ role: 'subscriber', email: 'ada@example.com', sv: 1 });
    expect(user.subscriberId).toBeGreaterThan(0);
    const row = (await t.db.select().from(s.sessions).where(eq(s.sessions.id, user.sid)))[0]!;
    expect(row.userId).toBe(Number(user.id));
    expect(row.revokedAt).toBeNull();
    // The session's absolute end is 8 hours after sign-in.
    expect(Math.round((row.expiresAt.getTime() - row.createdAt.getTime()) / 60_000)).toBe(8 * 60);
  });

  it('refuses a wrong password and an unknown account the same way, and audits both', async () => {
    expect(await authorize({ email: 'ben@example.com', password: 'wrong' }, req('10.0.0.2'))).toBeNull();
    expect(await authorize({ email: 'nobody@example.com', password: 'wrong' }, req('10.0.0.3'))).toBeNull();
    expect(await failures('ben@example.com')).toBe(1);
    expect(await failures('nobody@example.com')).toBe(1);
    expect(await outcomes('ben@example.com')).toEqual({ failed: 1 });
  });

  it('refuses malformed input without touching the database', async () => {
    const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(s.loginAttempts))[0]?.n;
    expect(await authorize({ email: 'not an email', password: 'x' }, req('10.0.0.4'))).toBeNull();
    expect(await authorize({ email: 'a@b.co', password: 'x'.repeat(5000) }, req('10.0.0.4'))).toBeNull();
    const after = (await t.db.select({ n: sql<number>`count(*)::int` }).from(s.loginAttempts))[0]?.n;
    expect(after).toBe(before);
  });

  it(`stops a guesser after ${PAIR_LIMIT} failures for one account from one address, while the owner elsewhere signs in`, async () => {
    for (let i = 0; i < PAIR_LIMIT; i++) {
      expect(await authorize({ email: 'carla@example.com', password: `wrong-${i}` }, req('10.1.0.1'))).toBeNull();
    }
    // Even the right password is not checked from there now.
    await expect(
      authorize({ email: 'carla@example.com', password: 'switchboard-demo' }, req('10.1.0.1')),
    ).rejects.toThrow('throttled');
    // The owner, from their own address, is not locked out by the stranger.
    expect(
      await authorize({ email: 'carla@example.com', password: 'switchboard-demo' }, req('10.1.9.9')),
    ).not.toBeNull();
    expect(await outcomes('carla@example.com')).toEqual({ failed: PAIR_LIMIT, throttled: 1, succeeded: 1 });
  });

  it(`40 parallel wrong passwords from one address: ${PAIR_LIMIT} are checked, the rest throttled without a check`, async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        authorize({ email: 'dev@example.com', password: `guess-${i}` }, req('10.4.0.1')),
      ),
    );
    const throttled = results.filter(
      (r) => r.status === 'rejected' && String((r.reason as Error).message) === 'throttled',
    ).length;
    const refused = results.filter((r) => r.status === 'fulfilled' && r.value === null).length;
    expect({ refused, throttled }).toEqual({ refused: PAIR_LIMIT, throttled: 40 - PAIR_LIMIT });
    expect(await outcomes('dev@example.com')).toEqual({ failed: PAIR_LIMIT, throttled: 40 - PAIR_LIMIT });
  });

  it(`40 parallel wrong passwords from 40 addresses: the per-account ceiling (${ACCOUNT_LIMIT}) holds`, async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        authorize({ email: 'eve@example.com', password: `guess-${i}` }, req(`10.5.0.${i}`)),
      ),
    );
    const locked = results.filter(
      (r) => r.status === 'rejected' && String((r.reason as Error).message) === 'account_locked',
    ).length;
    expect(locked).toBe(40 - ACCOUNT_LIMIT);
    expect(await outcomes('eve@example.com')).toEqual({ failed: ACCOUNT_LIMIT, throttled: 40 - ACCOUNT_LIMIT });
    // Now locked from anywhere, with its own message code.
    await expect(
      authorize({ email: 'eve@example.com', password: 'switchboard-demo' }, req('10.5.1.1')),
    ).rejects.toThrow('account_locked');
  });

  it(`stops one address trying many accounts after ${ADDRESS_LIMIT} failures`, async () => {
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      expect(await authorize({ email: `probe${i}@example.com`, password: 'x' }, req('10.2.0.1'))).toBeNull();
    }
    await expect(
      authorize({ email: 'gus@example.com', password: 'switchboard-demo' }, req('10.2.0.1')),
    ).rejects.toThrow('address_throttled');
    expect(await authorize({ email: 'gus@example.com', password: 'switchboard-demo' }, req('10.2.0.2'))).not.toBeNull();
  });

  it('lets the lock lapse when the window has passed (stored in the database, shared by instances)', async () => {
    await t.db
      .update(s.loginAttempts)
      .set({ at: sql`now() - interval '16 minutes'` })
      .where(eq(s.loginAttempts.email, 'carla@example.com'));
    expect(
      await authorize({ email: 'carla@example.com', password: 'switchboard-demo' }, req('10.1.0.1')),
    ).not.toBeNull();
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

describe.each(drivers)('sessions on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver, { generated: 0 });
    useDbHandleForTests(t);
  });
  afterAll(async () => {
    useDbHandleForTests(undefined);
    await t?.destroy();
  });

  let n = 0;
  const signIn = async (email: string) => {
    const u = (await authorize(
      // Staff give the demo staff's authenticator code (issue 21); a subscriber's sign-in ignores it.
      { email, password: 'switchboard-demo', code: demoTotpCode() },
      { headers: { 'x-forwarded-for': `10.9.0.${n++}` } },
    )) as Signed;
    return { uid: Number(u.id), sid: u.sid, sv: u.sv, authAt: Math.floor(Date.now() / 1000) };
  };
  const session = (sid: string) =>
    t.db
      .select()
      .from(s.sessions)
      .where(eq(s.sessions.id, sid))
      .then((r) => r[0]!);

  it('a live session gives the actor; a revoked one (sign-out) gives nobody', async () => {
    const c = await signIn('ada@example.com');
    expect((await loadSessionActor(t.db, c))?.email).toBe('ada@example.com');
    useDbHandleForTests(t);
    await revokeSession(c.sid);
    expect(await loadSessionActor(t.db, c)).toBeNull();
  });

  it('a session of another account, or an unknown session id, gives nobody', async () => {
    const ada = await signIn('ada@example.com');
    const ben = await signIn('ben@example.com');
    expect(await loadSessionActor(t.db, { ...ada, sid: ben.sid })).toBeNull();
    expect(await loadSessionActor(t.db, { ...ada, sid: 'x'.repeat(32) })).toBeNull();
  });

  it('a password change and disabling the account end every session (the database bumps the version)', async () => {
    const one = await signIn('carla@example.com');
    const two = await signIn('carla@example.com');
    expect(await loadSessionActor(t.db, one)).not.toBeNull();
    await t.db
      .update(s.users)
      .set({ passwordHash: sql`${s.users.passwordHash} || ''` })
      .where(eq(s.users.id, one.uid));
    expect(await loadSessionActor(t.db, one)).not.toBeNull(); // the same hash: not a change
    const hash = (await t.db.select({ h: s.users.passwordHash }).from(s.users).where(eq(s.users.id, one.uid)))[0]!.h;
    await t.db
      .update(s.users)
      .set({ passwordHash: `${hash}x` })
      .where(eq(s.users.id, one.uid));
    expect(await loadSessionActor(t.db, one)).toBeNull();
    expect(await loadSessionActor(t.db, two)).toBeNull();
    await t.db.update(s.users).set({ passwordHash: hash }).where(eq(s.users.id, one.uid));

    const dev = await signIn('dev@example.com');
    await t.db.update(s.users).set({ disabled: true }).where(eq(s.users.id, dev.uid));
    await t.db.update(s.users).set({ disabled: false }).where(eq(s.users.id, dev.uid));
    // Re-enabled, the old session stays ended.
    expect(await loadSessionActor(t.db, dev)).toBeNull();
  });

  it('a session past its 8 hours gives nobody; rows ended over a day ago go at the next sign-in', async () => {
    const c = await signIn('eve@example.com');
    await t.db.update(s.sessions).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(s.sessions.id, c.sid));
    expect(await loadSessionActor(t.db, c)).toBeNull();
    await t.db.update(s.sessions).set({ expiresAt: sql`now() - interval '25 hours'` }).where(eq(s.sessions.id, c.sid));
    const next = await signIn('eve@example.com');
    const rows = await t.db.select({ id: s.sessions.id }).from(s.sessions).where(eq(s.sessions.userId, c.uid));
    expect(rows.map((r) => r.id)).toEqual([next.sid]);
  });

  it("staff sessions end after 30 idle minutes, subscribers' do not; use moves last_seen_at at most once a minute", async () => {
    const agent = await signIn('agent@example.com');
    const gus = await signIn('gus@example.com');
    const before = (await session(agent.sid)).lastSeenAt;
    expect(await loadSessionActor(t.db, agent)).not.toBeNull();
    expect((await session(agent.sid)).lastSeenAt).toEqual(before); // not touched within the minute

    await t.db
      .update(s.sessions)
      .set({ lastSeenAt: sql`now() - interval '5 minutes'` })
      .where(eq(s.sessions.id, agent.sid));
    expect(await loadSessionActor(t.db, agent)).not.toBeNull();
    expect(Date.now() - (await session(agent.sid)).lastSeenAt.getTime()).toBeLessThan(60_000); // touched

    for (const c of [agent, gus])
      await t.db
        .update(s.sessions)
        .set({ lastSeenAt: sql`now() - interval '31 minutes'` })
        .where(eq(s.sessions.id, c.sid));
    expect(await loadSessionActor(t.db, agent)).toBeNull();
    expect((await session(agent.sid)).lastSeenAt.getTime()).toBeLessThan(Date.now() - 30 * 60_000); // an ended session is not revived
    expect((await loadSessionActor(t.db, gus))?.email).toBe('gus@example.com');
  });
});

describe('client address', () => {
  it('is the socket address (what instrumentation.ts leaves) unless proxies are trusted', () => {
    expect(clientAddressFrom({ 'x-forwarded-for': '9.9.9.9' }, 0)).toBe('9.9.9.9');
    expect(clientAddressFrom(new Headers({ 'x-forwarded-for': '9.9.9.9' }), 0)).toBe('9.9.9.9');
    expect(clientAddressFrom({}, 0)).toBe('unknown');
    // One trusted proxy: the chain ends with the proxy's socket address; the entry before it is what the proxy saw.
    expect(clientAddressFrom({ 'x-forwarded-for': '6.6.6.6, 1.2.3.4, 10.0.0.5' }, 1)).toBe('1.2.3.4');
    expect(clientAddressFrom({ 'x-forwarded-for': '6.6.6.6, 1.2.3.4, 10.0.0.4, 10.0.0.5' }, 2)).toBe('1.2.3.4');
    expect(clientAddressFrom({ 'x-forwarded-for': '10.0.0.5' }, 3)).toBe('10.0.0.5');
  });
});
