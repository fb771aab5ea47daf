import type { APIResponse } from '@playwright/test';
import { expect, test } from './fixtures';
import fs from 'node:fs';
import path from 'node:path';
import { expectNoAxeViolations, signIn } from './helpers';

function expectSecurityHeaders(res: APIResponse, where: string) {
  const h = res.headers();
  const csp = h['content-security-policy'] ?? '';
  expect(csp, `CSP on ${where}`).toContain("frame-ancestors 'none'");
  expect(csp, `CSP on ${where}`).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp, `CSP on ${where}`).toContain("object-src 'none'");
  expect(h['x-content-type-options'], where).toBe('nosniff');
  expect(h['referrer-policy'], where).toBe('strict-origin-when-cross-origin');
  expect(h['x-frame-options'], where).toBe('DENY');
  expect(h['x-powered-by'], where).toBeUndefined();
}

test('every page carries the security headers, with a fresh nonce each time', async ({
  page,
  request,
  subscriber: _s,
}) => {
  const login = await request.get('/login');
  expectSecurityHeaders(login, '/login');
  const again = await request.get('/login');
  expect(again.headers()['content-security-policy']).not.toBe(login.headers()['content-security-policy']);

  for (const p of ['/dashboard', '/plans', '/add-ons', '/history', '/change?plan=PLUS', '/change?plan=NOPE']) {
    const res = await page.request.get(p);
    expect(res.status(), p).toBe(200);
    expectSecurityHeaders(res, p);
  }
  // Next.js's scripts carry the nonce, so the page works under the policy.
  const html = await (await page.request.get('/dashboard')).text();
  expect(html).toMatch(/<script[^>]+nonce="[^"]+"/);
});

// Demo staff accounts and a demo subscriber's pages, read-only.
test('staff pages carry the security headers too', async ({ page }) => {
  await signIn(page, 'admin@example.com');
  for (const p of [
    '/agent',
    '/admin/clock',
    '/admin/analytics',
    '/agent/subscribers/1',
    '/agent/subscribers/1/history',
  ]) {
    const res = await page.request.get(p);
    expect(res.status(), p).toBe(200);
    expectSecurityHeaders(res, p);
  }
});

test('a request carrying x-middleware-subrequest does not skip the sign-in check', async ({ request }) => {
  for (const value of [
    'proxy',
    'middleware',
    'proxy:proxy:proxy:proxy:proxy',
    'middleware:middleware:middleware:middleware:middleware',
    'src/middleware:src/middleware:src/middleware:src/middleware:src/middleware',
  ]) {
    const res = await request.get('/dashboard', { headers: { 'x-middleware-subrequest': value }, maxRedirects: 0 });
    expect(res.status(), value).toBe(307);
    expect(res.headers()['location'], value).toContain('/login');
  }
  // And the page itself checks the session even if the proxy were skipped.
  const api = await request.get('/api/v1/subscribers/1/offers', {
    headers: { 'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy' },
  });
  expect(api.status()).toBe(401);
});

test('no secret of this run reaches the client bundle', async () => {
  const secrets = [
    process.env.NEXTAUTH_SECRET,
    process.env.E2E_DATABASE_URL,
    process.env.TEST_DATABASE_URL,
    'switchboard-development-secret-not-for-production',
  ].filter((x): x is string => typeof x === 'string' && x.length >= 8);
  expect(secrets.length).toBeGreaterThanOrEqual(1);
  const root = path.join(process.cwd(), '.next', 'static');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|css|json|html|txt)$/.test(e.name)) files.push(p);
    }
  };
  walk(root);
  expect(files.length).toBeGreaterThan(5);
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const secret of secrets) expect(text.includes(secret), `${secret.slice(0, 6)}… in ${f}`).toBe(false);
  }
});

test('an unknown URL gets a 404 page rendered for the request: the site header, scripts with the nonce, no console error', async ({
  page,
  subscriber: _s,
}) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const res = await page.goto('/no-such-page/anywhere');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Switchboard' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' })).toBeVisible();
  const html = await res!.text();
  const nonce = /'nonce-([^']+)'/.exec(res!.headers()['content-security-policy'] ?? '')?.[1];
  expect(nonce).toBeTruthy();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, "every script carries this response's nonce").toContain(`nonce="${nonce}"`);
  // The page is live (its scripts ran): client navigation from it works.
  await page.waitForLoadState('networkidle');
  await page.getByRole('link', { name: 'Go to the start page' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  expect(problems).toEqual([]);
  // Signed out, an unknown URL asks to sign in first.
  const other = await page
    .context()
    .browser()!
    .newContext({ baseURL: page.url().replace(/\/dashboard.*$/, '') });
  const anon = await other.newPage();
  await anon.goto('/no-such-page');
  await expect(anon).toHaveURL(/\/login\?callbackUrl=%2Fno-such-page/);
  await other.close();
});

test('"Sign out everywhere" on the account page ends the session in another browser too', async ({
  browser,
  baseURL,
  makeSubscriber,
}) => {
  const s = await makeSubscriber({ plan: 'PLUS', pastPeriods: 0 });
  const first = await browser.newContext({ baseURL });
  const second = await browser.newContext({ baseURL });
  try {
    const a = await first.newPage();
    const b = await second.newPage();
    await signIn(a, s.email, s.password);
    await signIn(b, s.email, s.password);
    await b.goto('/dashboard');
    await expect(b.getByTestId('plan-name')).toBeVisible();

    await a.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await expect(a).toHaveURL(/\/account$/);
    await expect(a.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
    await expect(a.getByTestId('account-email')).toHaveText(s.email);
    await expectNoAxeViolations(a);
    await a.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect(a).toHaveURL(/\/login/);

    await b.goto('/dashboard');
    await expect(b).toHaveURL(/\/login/);
    await expect(b.getByRole('heading', { name: 'Sign in to Switchboard' })).toBeVisible();
    await a.goto('/dashboard');
    await expect(a).toHaveURL(/\/login/);
  } finally {
    await first.close();
    await second.close();
  }
});

test('staff have the account page too', async ({ page }) => {
  await signIn(page, 'agent@example.com');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await expect(page.getByTestId('account-role')).toHaveText('Support agent');
  await expect(page.getByText(/staff session ends after 30 minutes without use/)).toBeVisible();
});
