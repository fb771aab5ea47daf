/**
 * Issue 13 against the production server (`next start`), each attack as an outsider would try it:
 * - a deployment on an empty database has the catalog and no demo login; the first admin comes
 *   from `npm run admin:create`; it refuses to start without a real NEXTAUTH_SECRET; HSTS;
 * - a demo run without NEXTAUTH_SECRET (as `npm start` runs it) signs sessions with a secret
 *   generated into its data folder: a token forged with any constant of the code is refused, and
 *   the secret survives a restart;
 * - the sign-in throttle holds under 40 parallel guesses, and a stranger can't lock the owner out;
 * - a session ends at sign-out, at "Sign out everywhere", at a password change and after 8 hours;
 * - the clock route refuses cross-site posts; invisible reasons and notes are refused; a NUL in a
 *   search gets the usual message.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode, encode } from 'next-auth/jwt';
import { Secret, TOTP } from 'otpauth';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { catalogData } from '@/db/catalog-data';
import { callAction, confirmFormFields, HttpClient, readActionManifest, signedIn } from './support/actions';
import {
  hasBuild,
  httpDrivers,
  ROOT,
  ServerHarness,
  startServer,
  unexpectedErrors,
  TEST_CLOCK_TOKEN,
  type Driver,
} from './support/server';

const SIGN_OUT_EVERYWHERE = 'app/_actions/account.ts#signOutEverywhereAction';
const CONFIRM = 'app/_actions/changes.ts#confirmChangeAction';
const NOTE = 'app/_actions/notes.ts#addNoteAction';
const DEMO_PASSWORD = 'switchboard-demo';
/** The constant the code signed sessions with before (lib/config.ts DEV_SECRET). */
const OLD_DEV_SECRET = 'switchboard-development-secret-not-for-production';

const sessionCookie = (c: HttpClient) => [...c.cookies.entries()].find(([k]) => k.endsWith('next-auth.session-token'));

/** Signs in through next-auth as the login form does; says whether a session cookie came back and the error code if not. */
async function trySignIn(
  c: HttpClient,
  email: string,
  password: string,
  headers: Record<string, string> = {},
  code?: string,
): Promise<{ ok: boolean; error: string | null }> {
  const csrf = await c.getJson('/api/auth/csrf');
  const csrfToken = (csrf.body as { csrfToken?: string }).csrfToken;
  expect(csrfToken, csrf.text.slice(0, 200)).toBeTruthy();
  const res = await c.getJson('/api/auth/callback/credentials', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({
      csrfToken: csrfToken!,
      email,
      password,
      ...(code ? { code } : {}),
      callbackUrl: `${c.base}/dashboard`,
      json: 'true',
    }).toString(),
  });
  const url = (res.body as { url?: string } | undefined)?.url;
  const error = url ? new URL(url, c.base).searchParams.get('error') : `HTTP ${res.status}`;
  return { ok: !!sessionCookie(c) && !error, error };
}

async function tokenOf(c: HttpClient, secret: string): Promise<Record<string, unknown>> {
  const raw = sessionCookie(c)?.[1];
  expect(raw, 'a session cookie').toBeTruthy();
  return (await decode({ token: raw!, secret })) as Record<string, unknown>;
}

function withToken(base: string, token: string, name = 'next-auth.session-token'): HttpClient {
  const c = new HttpClient(base, 'forged');
  c.cookies.set(name, token);
  return c;
}

const attemptsOf = (email: string) => async (q: Parameters<Parameters<ServerHarness['direct']>[0]>[0]) =>
  q
    .select({ outcome: s.loginAttempts.outcome, address: s.loginAttempts.clientAddress })
    .from(s.loginAttempts)
    .where(eq(s.loginAttempts.email, email));

function tally<T extends string>(xs: T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** Every string constant of 8+ characters in the app's code: none of them may sign a session. */
function codeConstants(): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx|js|mjs)$/.test(e.name)) files.push(p);
    }
  };
  for (const d of ['lib', 'app', 'db', 'scripts']) walk(path.join(ROOT, d));
  files.push(
    ...['proxy.ts', 'instrumentation.ts', 'next.config.js', '.env.example']
      .map((f) => path.join(ROOT, f))
      .filter((f) => fs.existsSync(f)),
  );
  const out = new Set<string>([OLD_DEV_SECRET, 'a-long-random-string']);
  for (const f of files) {
    for (const m of fs
      .readFileSync(f, 'utf8')
      .matchAll(/'([^'\n\\]{8,200})'|"([^"\n\\]{8,200})"|`([^`$\n\\]{8,200})`/g))
      out.add(m[1] ?? m[2] ?? m[3]!);
  }
  return [...out];
}

function adminCreate(env: Record<string, string>, args: string[], input: string) {
  return spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['--conditions=react-server', 'scripts/admin-create.ts', ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), NODE_ENV: 'production', ...env },
      input,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
}

const deploymentSecret = () => `deployment-secret-${Math.random().toString(36).slice(2)}-${'k'.repeat(20)}`;

// ---------------------------------------------------------------- 1. a deployment

describe.skipIf(!hasBuild()).each(httpDrivers)(
  'a deployment (SWITCHBOARD_ENV=production) on an empty database, %s',
  (driver: Driver) => {
    let h: ServerHarness;
    const secret = deploymentSecret();
    beforeAll(async () => {
      h = await ServerHarness.create(driver, { SWITCHBOARD_ENV: 'production', NEXTAUTH_SECRET: secret });
      await h.start();
    });
    afterAll(async () => h?.destroy());

    it('refuses to start without NEXTAUTH_SECRET, or with one under 32 characters, naming the variable', async () => {
      for (const [value, message] of [
        ['', /NEXTAUTH_SECRET: required in a deployment/],
        ['only-31-characters-long-secret!', /NEXTAUTH_SECRET: must be at least 32 characters/],
      ] as const) {
        const err = await startServer(h.db, {
          secret: value,
          env: { SWITCHBOARD_ENV: 'production' },
          startTimeoutMs: 60_000,
        }).then(
          async (srv) => {
            await srv.stop();
            return null;
          },
          (e: Error) => e.message,
        );
        expect(err, `secret ${JSON.stringify(value)}`).toMatch(/next start exited \(code 1/);
        expect(err).toMatch(message);
      }
    });

    it('no demo login works (admin, agent, ada), and pages carry HSTS', async () => {
      for (const email of ['admin@example.com', 'agent@example.com', 'ada@example.com']) {
        const r = await trySignIn(new HttpClient(h.url), email, DEMO_PASSWORD);
        expect(r, email).toEqual({ ok: false, error: 'CredentialsSignin' });
      }
      const login = await new HttpClient(h.url).fetch('/login');
      expect(login.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    });

    it('has the catalog and no accounts', async () => {
      const counts = await h.direct(async (q) => ({
        plans: (await q.select({ n: sql<number>`count(*)::int` }).from(s.plans))[0]!.n,
        addOns: (await q.select({ n: sql<number>`count(*)::int` }).from(s.addOns))[0]!.n,
        users: (await q.select({ n: sql<number>`count(*)::int` }).from(s.users))[0]!.n,
        subscribers: (await q.select({ n: sql<number>`count(*)::int` }).from(s.subscribers))[0]!.n,
      }));
      expect(counts).toEqual({
        plans: catalogData.plans.length,
        addOns: catalogData.addOns.length,
        users: 0,
        subscribers: 0,
      });
    });

    it('after admin:create, that admin signs in (secure cookie) and opens the agent area', async () => {
      if (driver === 'pglite') await h.stop(); // one process per data folder
      const target: Record<string, string> = h.db.databaseUrl
        ? { DATABASE_URL: h.db.databaseUrl }
        : { DATA_DIR: h.db.dataDir! };
      const r = adminCreate(
        { ...target, SWITCHBOARD_ENV: 'production' },
        ['--email', 'ops@operator.example', '--name', 'Olga Ops'],
        'a passphrase nobody guesses\n',
      );
      expect(r.status, r.stderr).toBe(0);
      await h.start();
      const c = new HttpClient(h.url);
      // Staff enrol a second factor at their first sign-in (issue 21): the password alone is not enough.
      expect(await trySignIn(c, 'ops@operator.example', 'a passphrase nobody guesses')).toEqual({
        ok: false,
        error: 'second_factor_enroll',
      });
      const enroll = readActionManifest().find(
        (e) => e.file === 'app/_actions/accounts.ts' && e.exportName === 'startEnrollmentAction',
      );
      expect(enroll).toBeTruthy();
      const started = await callAction(c, {
        page: '/login',
        actionId: enroll!.id,
        fields: { email: 'ops@operator.example', password: 'a passphrase nobody guesses' },
      });
      const secret = (started.state as { data?: { secret?: string } } | undefined)?.data?.secret;
      expect(secret, started.body.slice(0, 300)).toMatch(/^[A-Z2-7]+$/);
      const code = new TOTP({
        secret: Secret.fromBase32(secret!),
        digits: 6,
        period: 30,
        algorithm: 'SHA1',
      }).generate();
      expect(await trySignIn(c, 'ops@operator.example', 'a passphrase nobody guesses', {}, code)).toEqual({
        ok: true,
        error: null,
      });
      expect(sessionCookie(c)?.[0]).toBe('__Secure-next-auth.session-token');
      const agent = await c.getText('/agent');
      expect(agent.status).toBe(200);
      expect(agent.text).toContain('Find a subscriber');
      const clock = await c.getJson('/api/v1/test/clock');
      expect(clock.body).toMatchObject({ enabled: false });
      // Test fixtures and test clocks (issue 22) do not exist in a deployment: 404 for an admin and the suite's token alike.
      for (const [method, path, body] of [
        ['POST', '/api/v1/test/fixtures', { plan: 'BASIC' }],
        ['DELETE', '/api/v1/test/fixtures/1', undefined],
        ['POST', '/api/v1/test/clocks', {}],
        ['GET', '/api/v1/test/clocks/1', undefined],
        ['DELETE', '/api/v1/test/clocks/1', undefined],
        ['POST', '/api/v1/test/clocks/1/advance', { to: '2030-01-01T00:00:00Z' }],
      ] as const) {
        for (const headers of [{}, { 'x-test-clock-token': TEST_CLOCK_TOKEN }] as Record<string, string>[]) {
          const res = await c.getJson(path, {
            method,
            headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
            body: body ? JSON.stringify(body) : undefined,
          });
          expect(res.status, `${method} ${path}`).toBe(404);
        }
      }
    });

    it('logged no unhandled error', () => {
      expect(unexpectedErrors(h.stderr())).toEqual([]);
    });
  },
);

// ---------------------------------------------------------------- 2. npm start without a secret

describe.skipIf(!hasBuild()).each(httpDrivers)(
  'a demo run without NEXTAUTH_SECRET (as npm start runs it), %s',
  (driver: Driver) => {
    let h: ServerHarness;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-secret-'));
    beforeAll(async () => {
      // PostgreSQL keeps its data elsewhere; the generated secret still lives in the data folder.
      h = await ServerHarness.create(driver, {
        SWITCHBOARD_ENV: 'development',
        NEXTAUTH_SECRET: '',
        DATA_DIR: dataDir,
      });
      await h.start();
    });
    afterAll(async () => {
      await h?.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const secretFile = path.join(dataDir, 'auth-secret');

    it('generated a random secret into the data folder, readable by its owner only', () => {
      const st = fs.statSync(secretFile);
      expect(st.mode & 0o777).toBe(0o600);
      const secret = fs.readFileSync(secretFile, 'utf8').trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(codeConstants()).not.toContain(secret);
    });

    it('refuses a session token forged with any constant in the code (the old DEV_SECRET included)', async () => {
      const constants = codeConstants();
      expect(constants.length).toBeGreaterThan(100);
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: '1',
        uid: 1,
        role: 'admin',
        subscriberId: null,
        sid: 'forged-session-id-000000000',
        sv: 1,
        authAt: now,
        name: 'Forger',
        email: 'admin@example.com',
      };
      const refused: string[] = [];
      for (let i = 0; i < constants.length; i += 20) {
        await Promise.all(
          constants.slice(i, i + 20).map(async (constant) => {
            const c = withToken(h.url, await encode({ token: claims, secret: constant }));
            // /floor reads the session from the token alone (no database): only a token the server can decrypt shows it.
            const floor = await c.getText('/floor');
            if (floor.status === 307 && (floor.location ?? '').startsWith('/login?callbackUrl='))
              refused.push(constant);
          }),
        );
      }
      expect(refused.length).toBe(constants.length);
      // Control: the same claims encrypted with the generated secret do pass the token check.
      const real = withToken(
        h.url,
        await encode({ token: claims, secret: fs.readFileSync(secretFile, 'utf8').trim() }),
      );
      const floor = await real.getText('/floor');
      expect(floor.status).toBe(200);
      expect(floor.text).toMatch(/data-testid="floor">Signed in \(user (<!-- -->)?1(<!-- -->)?\)/);
      // …and even then the made-up session id opens nothing that reads the account.
      expect((await real.getJson('/api/v1/test/clock')).status).toBe(401);
    });

    it('keeps the secret across a restart: a session stays valid', async () => {
      const before = fs.readFileSync(secretFile, 'utf8');
      const ada = await signedIn(h.url, 'ada@example.com');
      const id = ((await ada.getJson('/api/auth/session')).body as { subscriberId: number }).subscriberId;
      expect((await ada.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(200);
      await h.stop();
      await h.start();
      expect(fs.readFileSync(secretFile, 'utf8')).toBe(before);
      expect((await ada.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(200);
    });

    it('sends no HSTS outside a deployment', async () => {
      expect((await new HttpClient(h.url).fetch('/login')).headers.get('strict-transport-security')).toBeNull();
    });
  },
);

// ---------------------------------------------------------------- 3–5. throttle, sessions, the rest

describe.skipIf(!hasBuild()).each(httpDrivers)('throttle, sessions and request checks on %s', (driver: Driver) => {
  let h: ServerHarness;
  let manifest: Map<string, { id: string }>;
  beforeAll(async () => {
    manifest = new Map(readActionManifest().map((e) => [`${e.file}#${e.exportName}`, e]));
    h = await ServerHarness.create(driver);
    await h.start();
  });
  afterAll(async () => h?.destroy());

  it('40 parallel wrong passwords, each with its own X-Forwarded-For: 5 are checked, 35 throttled, all counted for the socket address', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        trySignIn(new HttpClient(h.url), 'carla@example.com', `wrong-guess-${i}`, {
          'x-forwarded-for': `203.0.113.${i + 1}`,
        }),
      ),
    );
    expect(tally(results.map((r) => r.error ?? 'signed in'))).toEqual({ CredentialsSignin: 5, throttled: 35 });
    const rows = await h.direct(attemptsOf('carla@example.com'));
    await h.start();
    expect(tally(rows.map((r) => r.outcome))).toEqual({ failed: 5, throttled: 35 });
    expect(new Set(rows.map((r) => r.address))).toEqual(new Set(['127.0.0.1']));
  });

  it('after sign-out the old cookie gets the login page (pages) and 401 (API)', async () => {
    const ada = await signedIn(h.url, 'ada@example.com');
    const id = ((await ada.getJson('/api/auth/session')).body as { subscriberId: number }).subscriberId;
    const kept = new HttpClient(h.url, 'kept copy');
    for (const [k, v] of ada.cookies) kept.cookies.set(k, v);
    expect((await kept.getText('/dashboard')).status).toBe(200);
    const csrf = ((await ada.getJson('/api/auth/csrf')).body as { csrfToken: string }).csrfToken;
    const out = await ada.fetch('/api/auth/signout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken: csrf, json: 'true' }).toString(),
    });
    expect(out.status).toBe(200);
    const page = await kept.getText('/dashboard');
    expect(page.status).toBe(307);
    expect(page.location).toMatch(/^\/login/);
    const login = await kept.getText(page.location!);
    expect(login.status).toBe(200);
    expect(login.text).toContain('Sign in to Switchboard');
    expect((await kept.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(401);
  });

  it('"Sign out everywhere" in one browser ends the session in a second one', async () => {
    const one = await signedIn(h.url, 'ben@example.com');
    const two = await signedIn(h.url, 'ben@example.com');
    const id = ((await two.getJson('/api/auth/session')).body as { subscriberId: number }).subscriberId;
    expect((await two.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(200);
    const account = await one.getText('/account');
    expect(account.text).toContain('Sign out everywhere');
    const r = await callAction(one, { page: '/account', actionId: manifest.get(SIGN_OUT_EVERYWHERE)!.id, fields: {} });
    expect(r.state).toMatchObject({ status: 'success', message: expect.stringContaining('2 sessions ended') });
    expect((await two.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(401);
    expect((await two.getText('/dashboard')).location).toMatch(/^\/login/);
    expect((await one.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(401);
    // A new sign-in works as usual.
    const three = await signedIn(h.url, 'ben@example.com');
    expect((await three.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(200);
  });

  it('a token older than 8 hours is refused; renewals do not move its expiry', async () => {
    const eve = await signedIn(h.url, 'eve@example.com');
    const id = ((await eve.getJson('/api/auth/session')).body as { subscriberId: number }).subscriberId;
    const t0 = await tokenOf(eve, h.secret);
    expect(t0.exp).toBe((t0.authAt as number) + 8 * 3600);
    await new Promise((r) => setTimeout(r, 1_100));
    await eve.getJson('/api/auth/session'); // next-auth re-issues the cookie here
    const t1 = await tokenOf(eve, h.secret);
    expect(t1.iat as number).toBeGreaterThan(t0.iat as number);
    expect(t1.exp).toBe(t0.exp);

    const { iat: _iat, exp: _exp, jti: _jti, ...claims } = t1;
    const same = withToken(h.url, await encode({ token: claims, secret: h.secret }));
    expect((await same.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(200);
    const old = withToken(
      h.url,
      await encode({
        token: { ...claims, authAt: (claims.authAt as number) - 8 * 3600 - 60 },
        secret: h.secret,
        maxAge: 30 * 24 * 3600,
      }),
    );
    expect((await old.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(401);
    const floor = await old.getText('/floor');
    expect(floor.status).toBe(307);
    expect(floor.location).toMatch(/^\/login\?callbackUrl=/);
  });

  it('a password change ends every session of the account', async () => {
    const dev = await signedIn(h.url, 'dev@example.com');
    const id = ((await dev.getJson('/api/auth/session')).body as { subscriberId: number }).subscriberId;
    expect((await dev.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(200);
    await h.direct((q) =>
      q
        .update(s.users)
        .set({ passwordHash: sql`${s.users.passwordHash} || 'x'` })
        .where(eq(s.users.email, 'dev@example.com')),
    );
    await h.start();
    expect((await dev.getJson(`/api/v1/subscribers/${id}/offers`)).status).toBe(401);
  });

  it('POST /api/v1/test/clock with the admin cookie: refused cross-site or not as JSON; same-site JSON works', async () => {
    const admin = await signedIn(h.url, 'admin@example.com');
    const post = (headers: Record<string, string>) =>
      admin.getJson('/api/v1/test/clock', { method: 'POST', headers, body: JSON.stringify({ advanceDays: 40 }) });
    const crossSite = await post({ origin: 'https://evil.example', 'content-type': 'text/plain' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toMatchObject({
      error: { message: expect.stringContaining('did not come from this site') },
    });
    expect((await post({ origin: 'https://evil.example', 'content-type': 'application/json' })).status).toBe(403);
    expect((await post({ origin: 'null', 'content-type': 'application/json' })).status).toBe(403);
    // No Origin at all: a browser's Sec-Fetch-Site still says where it came from.
    const fetched = (headers: Record<string, string>) => {
      const h = new Headers({ cookie: admin.cookieHeader(), ...headers });
      return fetch(`${admin.base}/api/v1/test/clock`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ advanceDays: 40 }),
      });
    };
    expect((await fetched({ 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await fetched({ 'content-type': 'text/plain' })).status).toBe(400);
    const plain = await post({ 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(plain.body).toMatchObject({ error: { message: expect.stringContaining('application/json') } });
    expect((await admin.getJson('/api/v1/test/clock')).body).toMatchObject({ offsetMs: 0 });
    const ok = await admin.getJson('/api/v1/test/clock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reset: true }),
    });
    expect(ok.status).toBe(200);
    // A non-browser client with the cookie (a UI test suite) sends no Origin: JSON is enough.
    const noOrigin = await fetch(`${admin.base}/api/v1/test/clock`, {
      method: 'POST',
      headers: { cookie: admin.cookieHeader(), 'content-type': 'application/json' },
      body: JSON.stringify({ reset: true }),
    });
    expect(noOrigin.status).toBe(200);
  });

  it('an agent reason or note of invisible characters only (U+200B…) is refused, nothing changed', async () => {
    const agent = await signedIn(h.url, 'agent@example.com');
    const gus = (
      await h.direct((q) =>
        q.select({ id: s.subscribers.id }).from(s.subscribers).where(eq(s.subscribers.email, 'gus@example.com')),
      )
    )[0]!.id;
    await h.start();
    const preview = await agent.getText(`/agent/subscribers/${gus}/change?plan=PLUS`);
    const fields = confirmFormFields(preview.text);
    expect(fields).not.toBeNull();
    for (const reason of ['\u200b', '\u200b\u200d \u2060\ufeff', '\u00a0\u200e']) {
      const r = await callAction(agent, {
        page: `/agent/subscribers/${gus}/change`,
        actionId: manifest.get(CONFIRM)!.id,
        fields: { ...fields!, reason },
      });
      expect(r.state, JSON.stringify(reason)).toMatchObject({ status: 'error', code: 'invalid' });
      expect(r.state!.message).toMatch(/visible characters|reason/i);
    }
    const note = await callAction(agent, {
      page: `/agent/subscribers/${gus}/audit`,
      actionId: manifest.get(NOTE)!.id,
      fields: { subscriberId: String(gus), body: '\u200b\u200b' },
    });
    expect(note.state).toMatchObject({ status: 'error', code: 'invalid' });
    const after = await h.direct(async (q) => ({
      orders: (
        await q.select({ n: sql<number>`count(*)::int` }).from(s.orders).where(eq(s.orders.subscriberId, gus))
      )[0]!.n,
      notes: (
        await q.select({ n: sql<number>`count(*)::int` }).from(s.agentNotes).where(eq(s.agentNotes.subscriberId, gus))
      )[0]!.n,
    }));
    await h.start();
    expect(after).toEqual({ orders: 0, notes: 0 });
    // A real reason goes through (the same fields otherwise).
    const fresh = confirmFormFields((await agent.getText(`/agent/subscribers/${gus}/change?plan=PLUS`)).text)!;
    const ok = await callAction(agent, {
      page: `/agent/subscribers/${gus}/change`,
      actionId: manifest.get(CONFIRM)!.id,
      fields: { ...fresh, reason: 'Customer asked by phone.' },
    });
    expect(ok.state).toMatchObject({ status: 'success' });
  });

  it('GET /agent?q=%00 answers the usual message, not a 500', async () => {
    const agent = await signedIn(h.url, 'agent@example.com');
    for (const q of ['%00', 'ada%00', '%00%00%00']) {
      const r = await agent.getText(`/agent?q=${q}`);
      expect(r.status, q).toBe(200);
      expect(r.text).toContain('cannot be searched for (NUL)');
    }
  });

  it('logged no unhandled error', () => {
    expect(unexpectedErrors(h.stderr())).toEqual([]);
  });
});

describe.skipIf(!hasBuild())('behind one trusted proxy (TRUST_PROXY=1)', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.create('pglite', { TRUST_PROXY: '1' });
    await h.start();
  });
  afterAll(async () => h?.destroy());

  it("a stranger elsewhere failing on the owner's account does not lock the owner out", async () => {
    const stranger = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        trySignIn(new HttpClient(h.url), 'gus@example.com', `guess-${i}`, { 'x-forwarded-for': '203.0.113.66' }),
      ),
    );
    expect(tally(stranger.map((r) => r.error ?? 'signed in'))).toEqual({ CredentialsSignin: 5, throttled: 3 });
    const owner = await trySignIn(new HttpClient(h.url), 'gus@example.com', DEMO_PASSWORD, {
      'x-forwarded-for': '198.51.100.7',
    });
    expect(owner).toEqual({ ok: true, error: null });
    const rows = await h.direct(attemptsOf('gus@example.com'));
    expect(tally(rows.map((r) => `${r.address} ${r.outcome}`))).toEqual({
      '203.0.113.66 failed': 5,
      '203.0.113.66 throttled': 3,
      '198.51.100.7 succeeded': 1,
    });
  });

  it('refuses to start with a TRUST_PROXY that is not a number of proxies', async () => {
    const err = await startServer(h.db, {
      secret: h.secret,
      env: { TRUST_PROXY: 'yes please' },
      startTimeoutMs: 60_000,
    }).then(
      async (srv) => {
        await srv.stop();
        return null;
      },
      (e: Error) => e.message,
    );
    expect(err).toMatch(/TRUST_PROXY: must be a number of proxies/);
  });
});
