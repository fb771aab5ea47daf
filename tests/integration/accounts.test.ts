import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import * as s from '@/db/schema';
import { DEMO_TOTP_SECRET } from '@/db/demo-totp';
import {
  LINK_INVALID_MESSAGE,
  LINK_SENT_MESSAGE,
  linkPurpose,
  redeemLink,
  requestActivation,
  requestPasswordReset,
} from '@/lib/server/account-links';
import { unsealLinkToken } from '@/lib/server/account-links-seal';
import { loadSessionActor } from '@/lib/server/actor';
import { authOptions, startEnrollment } from '@/lib/server/auth';
import { AppError } from '@/lib/server/errors';
import { requireRecentSecondFactor, resetSecondFactor, stepUp } from '@/lib/server/second-factor';
import { actorFor, useTestDb } from './support/actors';
import { createTestDb, drivers, type TestDb } from './support/db';

type Authorize = (creds: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

const codeOf = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();

/** What an error thrown by a call says (AppError code, or next-auth's error string). */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'allowed';
  } catch (e) {
    if (e instanceof AppError) return `${e.code}: ${e.message}`;
    return (e as Error).message;
  }
}

describe.each(drivers)('activation, password reset and the staff second factor on %s', (driver) => {
  let t: TestDb;
  let n = 0;
  const address = () => `10.21.0.${++n}`;
  beforeAll(async () => {
    t = await createTestDb(driver, { generated: 0 });
    useTestDb(t);
  });
  afterAll(async () => {
    useTestDb(undefined as unknown as TestDb);
    await t?.destroy();
  });

  const counts = async () => {
    const [r] = await t.db
      .select({
        tokens: sql<number>`(select count(*)::int from account_tokens)`,
        events: sql<number>`(select count(*)::int from outbox_events where type = 'account_link')`,
        deliveries: sql<number>`(select count(*)::int from deliveries d join outbox_events e on e.id = d.event_id where e.type = 'account_link')`,
      })
      .from(sql`(select 1) as one`);
    return r!;
  };
  /** The token of the newest link mailed to `to`, as the email would carry it. */
  const lastLinkTo = async (to: string) => {
    const [row] = await t.db
      .select({ payload: s.outboxEvents.payload })
      .from(s.deliveries)
      .innerJoin(s.outboxEvents, eq(s.outboxEvents.id, s.deliveries.eventId))
      .where(and(eq(s.outboxEvents.type, 'account_link'), eq(s.deliveries.recipient, to)))
      .orderBy(desc(s.deliveries.id))
      .limit(1);
    if (!row) throw new Error(`no link mailed to ${to}`);
    return unsealLinkToken(String(row.payload.sealedToken));
  };

  it('activation for a known and an unknown email follows the same path: same answer, same rows, only the email differs', async () => {
    const before = await counts();
    const known = await requestActivation({ accountNumber: 'SB-100009', email: 'ivy@example.com' }, address());
    const afterKnown = await counts();
    const unknownEmail = await requestActivation(
      { accountNumber: 'SB-100009', email: 'nobody@example.com' },
      address(),
    );
    const afterUnknown = await counts();
    const unknownAccount = await requestActivation({ accountNumber: 'SB-999999', email: 'ivy@example.com' }, address());
    const afterUnknownAccount = await counts();

    expect(known).toEqual({ message: LINK_SENT_MESSAGE });
    expect(unknownEmail).toEqual(known);
    expect(unknownAccount).toEqual(known);
    // Each request wrote one token row and one outbox event; only the match has a delivery (the email).
    expect(afterKnown).toEqual({
      tokens: before.tokens + 1,
      events: before.events + 1,
      deliveries: before.deliveries + 1,
    });
    expect(afterUnknown).toEqual({
      tokens: afterKnown.tokens + 1,
      events: afterKnown.events + 1,
      deliveries: afterKnown.deliveries,
    });
    expect(afterUnknownAccount).toEqual({
      tokens: afterUnknown.tokens + 1,
      events: afterUnknown.events + 1,
      deliveries: afterUnknown.deliveries,
    });
    // The token is never stored in the clear: the row has its sha256, the event a sealed copy.
    const token = await lastLinkTo('ivy@example.com');
    const raw =
      JSON.stringify(await t.db.select().from(s.outboxEvents)) +
      JSON.stringify(await t.db.select().from(s.accountTokens));
    expect(raw).not.toContain(token);
    // No webhook listener ever gets a sign-in link.
    const hooks = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(s.deliveries)
      .innerJoin(s.outboxEvents, eq(s.outboxEvents.id, s.deliveries.eventId))
      .where(and(eq(s.outboxEvents.type, 'account_link'), eq(s.deliveries.channel, 'webhook')));
    expect(hooks[0]?.n).toBe(0);
  });

  it('the link sets a password once: a common password is refused first, then the account is created and signed in; a reused link is refused', async () => {
    await requestActivation({ accountNumber: 'sb-100009', email: 'IVY@example.com' }, address());
    const token = await lastLinkTo('ivy@example.com');
    expect(await linkPurpose(token)).toBe('activate');
    expect(await refusal(redeemLink(token, 'password1234'))).toMatch(
      /^invalid: That password is on a list of commonly used passwords/,
    );
    expect(await refusal(redeemLink(token, 'short'))).toMatch(/^invalid: Use at least 12 characters/);
    // Still usable after a refused password.
    const done = await redeemLink(token, 'correct horse battery staple');
    expect(done.purpose).toBe('activate');
    expect(done.session?.role).toBe('subscriber');
    const ivy = (await t.db.select().from(s.users).where(eq(s.users.email, 'ivy@example.com')))[0]!;
    expect(ivy.subscriberId).toBe(done.session!.subscriberId);
    const actor = await loadSessionActor(t.db, {
      uid: ivy.id,
      sid: done.session!.sid,
      sv: done.session!.sv,
      authAt: Math.floor(Date.now() / 1000),
    });
    expect(actor?.email).toBe('ivy@example.com');
    expect(await refusal(redeemLink(token, 'another good passphrase'))).toBe(`invalid: ${LINK_INVALID_MESSAGE}`);
    expect(await linkPurpose(token)).toBeNull();
    // Signs in with the new password.
    const signed = (await authorize(
      { email: 'ivy@example.com', password: 'correct horse battery staple' },
      { headers: { 'x-forwarded-for': address() } },
    )) as { role: string } | null;
    expect(signed?.role).toBe('subscriber');
  });

  it('an expired link is refused (expiry moved into the past in the database)', async () => {
    await requestPasswordReset({ email: 'carla@example.com' }, address());
    const token = await lastLinkTo('carla@example.com');
    await t.db
      .update(s.accountTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(
        eq(
          s.accountTokens.userId,
          (await t.db.select().from(s.users).where(eq(s.users.email, 'carla@example.com')))[0]!.id,
        ),
      );
    expect(await linkPurpose(token)).toBeNull();
    expect(await refusal(redeemLink(token, 'a brand new passphrase'))).toBe(`invalid: ${LINK_INVALID_MESSAGE}`);
    const carla = (await t.db.select().from(s.users).where(eq(s.users.email, 'carla@example.com')))[0]!;
    expect(
      await authorize(
        { email: 'carla@example.com', password: 'switchboard-demo' },
        { headers: { 'x-forwarded-for': address() } },
      ),
    ).not.toBeNull();
    expect(carla.sessionVersion).toBe(1);
  });

  it('a reset ends the other sessions; a second link of the same account dies with the first one used', async () => {
    const old = (await authorize(
      { email: 'ben@example.com', password: 'switchboard-demo' },
      { headers: { 'x-forwarded-for': address() } },
    )) as { id: string; sid: string; sv: number };
    await requestPasswordReset({ email: 'ben@example.com' }, address());
    const first = await lastLinkTo('ben@example.com');
    await requestPasswordReset({ email: 'ben@example.com' }, address());
    const second = await lastLinkTo('ben@example.com');
    expect(second).not.toBe(first);
    await redeemLink(second, 'ben has a long new passphrase');
    expect(
      await loadSessionActor(t.db, {
        uid: Number(old.id),
        sid: old.sid,
        sv: old.sv,
        authAt: Math.floor(Date.now() / 1000),
      }),
    ).toBeNull();
    expect(await refusal(redeemLink(first, 'yet another passphrase'))).toBe(`invalid: ${LINK_INVALID_MESSAGE}`);
  });

  it('requests are throttled per account and address, whether or not the account exists', async () => {
    for (const email of ['dev@example.com', 'ghost-21@example.com']) {
      const ip = address();
      for (let i = 0; i < 5; i++)
        expect(await requestPasswordReset({ email }, ip)).toEqual({ message: LINK_SENT_MESSAGE });
      expect(await refusal(requestPasswordReset({ email }, ip))).toMatch(/^throttled: Too many requests/);
    }
  });

  it('staff: the password alone gives no session; the code does; a wrong code is refused', async () => {
    const ip = address();
    const creds = { email: 'agent@example.com', password: 'switchboard-demo' };
    const sessionsBefore = (await t.db.select().from(s.sessions)).length;
    expect(await refusal(authorize(creds, { headers: { 'x-forwarded-for': ip } }))).toBe('second_factor_required');
    expect(await refusal(authorize({ ...creds, code: '000000' }, { headers: { 'x-forwarded-for': ip } }))).toBe(
      'second_factor_invalid',
    );
    expect(
      await authorize(
        { ...creds, password: 'wrong', code: codeOf(DEMO_TOTP_SECRET) },
        { headers: { 'x-forwarded-for': ip } },
      ),
    ).toBeNull();
    expect((await t.db.select().from(s.sessions)).length).toBe(sessionsBefore);
    const u = (await authorize(
      { ...creds, code: codeOf(DEMO_TOTP_SECRET) },
      { headers: { 'x-forwarded-for': ip } },
    )) as { sid: string; role: string };
    expect(u.role).toBe('agent');
    const row = (await t.db.select().from(s.sessions).where(eq(s.sessions.id, u.sid)))[0]!;
    expect(row.secondFactorAt).not.toBeNull();
  });

  it('first staff sign-in enrols: secret, QR code and 10 recovery codes; a recovery code works once; an admin resets the factor', async () => {
    const ip = address();
    const creds = { email: 'robin@example.com', password: 'switchboard-demo' };
    expect(await refusal(authorize(creds, { headers: { 'x-forwarded-for': ip } }))).toBe('second_factor_enroll');
    const enrol = await startEnrollment(creds, new Headers({ 'x-forwarded-for': ip }));
    expect(enrol.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrol.qrSvg).toContain('<svg');
    expect(enrol.otpauthUri).toContain(`secret=${enrol.secret}`);
    expect(enrol.recoveryCodes).toHaveLength(10);
    expect(new Set(enrol.recoveryCodes).size).toBe(10);
    // Not enrolled until a code from the new secret confirms it.
    expect((await t.db.select().from(s.users).where(eq(s.users.email, 'robin@example.com')))[0]!.totpSecret).toBeNull();
    const signed = (await authorize(
      { ...creds, code: codeOf(enrol.secret) },
      { headers: { 'x-forwarded-for': ip } },
    )) as { role: string };
    expect(signed.role).toBe('agent');
    const robin = (await t.db.select().from(s.users).where(eq(s.users.email, 'robin@example.com')))[0]!;
    expect(robin.totpSecret).toBe(enrol.secret);
    const stored = await t.db.select().from(s.recoveryCodes).where(eq(s.recoveryCodes.userId, robin.id));
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(enrol.recoveryCodes[0]!.replace('-', ''));

    const recovery = enrol.recoveryCodes[3]!;
    expect(
      await authorize({ ...creds, code: recovery.toLowerCase() }, { headers: { 'x-forwarded-for': ip } }),
    ).not.toBeNull();
    expect(await refusal(authorize({ ...creds, code: recovery }, { headers: { 'x-forwarded-for': ip } }))).toBe(
      'second_factor_invalid',
    );

    const agent = await actorFor(t.db, 'agent@example.com');
    expect(await refusal(resetSecondFactor(agent, robin.id))).toMatch(/^forbidden/);
    const admin = await actorFor(t.db, 'admin@example.com');
    expect(await refusal(resetSecondFactor(admin, admin.userId))).toMatch(/^invalid/);
    expect((await resetSecondFactor(admin, robin.id)).message).toMatch(/Robin Park's second factor is reset/);
    const after = (await t.db.select().from(s.users).where(eq(s.users.id, robin.id)))[0]!;
    expect(after.totpSecret).toBeNull();
    expect(after.sessionVersion).toBe(robin.sessionVersion + 1);
    expect(await t.db.select().from(s.recoveryCodes).where(eq(s.recoveryCodes.userId, robin.id))).toHaveLength(0);
    const audit = await t.db
      .select()
      .from(s.auditEvents)
      .where(and(eq(s.auditEvents.action, 'staff.reset_second_factor'), eq(s.auditEvents.outcome, 'ok')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorUserId).toBe(admin.userId);
    expect(await refusal(authorize(creds, { headers: { 'x-forwarded-for': ip } }))).toBe('second_factor_enroll');
  });

  it('step-up: a code over 10 minutes old is asked for again; the right code moves it to now', async () => {
    const u = (await authorize(
      { email: 'admin@example.com', password: 'switchboard-demo', code: codeOf(DEMO_TOTP_SECRET) },
      { headers: { 'x-forwarded-for': address() } },
    )) as { id: string; sid: string; sv: number };
    const claims = { uid: Number(u.id), sid: u.sid, sv: u.sv, authAt: Math.floor(Date.now() / 1000) };
    const fresh = (await loadSessionActor(t.db, claims))!;
    expect(() => requireRecentSecondFactor(fresh)).not.toThrow();
    await t.db
      .update(s.sessions)
      .set({ secondFactorAt: sql`now() - interval '11 minutes'` })
      .where(eq(s.sessions.id, u.sid));
    const stale = (await loadSessionActor(t.db, claims))!;
    expect(() => requireRecentSecondFactor(stale)).toThrow(/authenticator app again/);
    // A caller that is not a person (an API client ordering through TMF622) has nothing to step up.
    expect(() => requireRecentSecondFactor({ kind: 'api_client' })).not.toThrow();
    expect(await refusal(stepUp(stale, '123456'))).toMatch(/^step_up_required: That code is not right/);
    await stepUp(stale, codeOf(DEMO_TOTP_SECRET));
    const again = (await loadSessionActor(t.db, claims))!;
    expect(again.session!.secondFactorAgeSeconds!).toBeLessThan(60);
    expect(() => requireRecentSecondFactor(again)).not.toThrow();
  });
});
