import { expect, test } from './fixtures';
import { expectNoAxeViolations, failSignIn, signIn, signOut } from './helpers';

test('a signed-out visit to the dashboard lands on the login page', async ({ page }) => {
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('heading', { name: 'Sign in to Switchboard' })).toBeVisible();
});

test('a wrong password shows an error that does not say which field was wrong', async ({ page, makeSubscriber }) => {
  const s = await makeSubscriber({ plan: 'BASIC' });
  await failSignIn(page, s.email, 'not-the-password');
  const error = page.getByTestId('login-error');
  await expect(error).toBeVisible();
  await expect(error).toHaveText(/email and password combination is not right/);
  await expect(page).toHaveURL(/\/login/);
});

test.describe('a subscriber like the demo’s Ada (Basic, 240 long-distance minutes a month)', () => {
  test.use({ subscriberOptions: { plan: 'BASIC', usage: { ldMinutes: 240, unansweredCalls: 12 } } });

  test('signs in with the login form and sees Basic at 20.00 and their long-distance usage', async ({
    browser,
    baseURL,
    subscriber,
  }) => {
    // A fresh browser: this test signs in through the form itself.
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    try {
      await signIn(page, subscriber.email, subscriber.password);
      await expect(page).toHaveURL(/\/dashboard/);
      // Internal codes are not shown to subscribers (issue 15): the plan's code is an attribute.
      await expect(page.getByTestId('plan-name')).toHaveAttribute('data-plan-code', 'BASIC');
      await expect(page.getByTestId('plan-code')).toHaveCount(0);
      await expect(page.getByTestId('plan-name')).toHaveText('Basic Line');
      await expect(page.getByTestId('monthly-total')).toHaveText('$20.00');
      // Basic includes no long-distance minutes: the words say so, and no meter reads as a full red bar (issue 15).
      await expect(page.getByTestId('usage-ld-text')).toHaveText(/^\d+ min used, none included in your plan/);
      await expect(page.getByRole('meter', { name: 'Long-distance minutes' })).toHaveCount(0);
      await expect(page.getByTestId('days-left')).toHaveText(/^\d+$/);
      await expect(page.getByTestId('next-bill-total')).toBeVisible();
      await signOut(page);
      await page.goto('/dashboard');
      await expect(page).toHaveURL(/\/login/);
    } finally {
      await context.close();
    }
  });

  test('the usage chart arrives after the page; the server renders its placeholder without bailing out of server rendering', async ({
    page,
    subscriber,
  }) => {
    void subscriber;
    // The server's HTML: the figure with every number in its label and a placeholder for the chart,
    // and no client-rendered Suspense boundary (next/dynamic with ssr: false threw inside React on
    // every request to make one: issue 23).
    const html = await (await page.request.get('/dashboard')).text();
    expect(html).toContain('data-testid="usage-history"');
    expect(html).not.toContain('data-testid="usage-history-chart"');
    expect(html).not.toContain('<!--$!-->');
    expect(html).not.toContain('data-dgst');
    await page.goto('/dashboard');
    const figure = page.getByTestId('usage-history');
    await expect(figure.getByRole('img')).toHaveAttribute('aria-label', /^Long-distance minutes by billing period/);
    // Then the browser loads the chart: one bar a period.
    const chart = page.getByTestId('usage-history-chart');
    await expect(chart).toBeVisible();
    const bars = chart.locator('.usage-bar');
    await expect(bars.first()).toBeVisible();
    // As many bars as the label names periods, the current one last.
    const label = (await figure.getByRole('img').getAttribute('aria-label')) ?? '';
    const periods = label.split(': ')[1]!.split('. ')[0]!.split('; ').length;
    await expect(bars).toHaveCount(periods);
    await expect(bars.last()).toHaveAttribute('data-current', 'true');
    // Client-side navigation back to the overview shows the chart again.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plans' }).click();
    await expect(page).toHaveURL(/\/plans/);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await expect(page.getByTestId('usage-history-chart')).toBeVisible();
  });

  test('the login page and the dashboard load without a console error or a failed request (the icon included)', async ({
    browser,
    baseURL,
    subscriber,
  }) => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    try {
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
      });
      await page.goto('/login');
      await page.waitForLoadState('networkidle');
      const icon = await page.request.get('/icon.svg');
      expect(icon.status()).toBe(200);
      expect(icon.headers()['content-type']).toContain('image/svg+xml');
      await signIn(page, subscriber.email, subscriber.password);
      await page.waitForLoadState('networkidle');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

test('axe finds no violations on the login page and the dashboard', async ({ browser, baseURL, page, subscriber }) => {
  const anon = await browser.newContext({ baseURL });
  try {
    const login = await anon.newPage();
    await login.goto('/login');
    await expectNoAxeViolations(login);
  } finally {
    await anon.close();
  }
  expect(subscriber.bills).toBeGreaterThan(0);
  await page.goto('/dashboard');
  await expect(page.getByTestId('plan-name')).toHaveAttribute('data-plan-code', 'BASIC');
  await expectNoAxeViolations(page);
});

// Demo staff accounts, read-only.
test('staff land on the agent home', async ({ page }) => {
  await signIn(page, 'agent@example.com');
  await expect(page).toHaveURL(/\/agent/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});
