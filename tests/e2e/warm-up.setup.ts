import { expect, request, test } from '@playwright/test';
import { PASSWORD } from './helpers';
import { createSubscriber, removeSubscriber, signInContext } from './fixtures';

/**
 * Before any test (the warm-up project, playwright.config.ts): the first request that needs the
 * database opens, migrates and seeds it (the demo data, about 990 bills), which can take longer
 * than a test's sign-in allows on a loaded machine. Sign in once, and make and remove a fixture,
 * waiting as long as that takes, so that no test pays for it.
 */
test('the server is ready: a demo sign-in and a fixture work', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const api = await request.newContext({ baseURL });
  try {
    await expect(async () => {
      const res = await api.get('/api/auth/csrf', { timeout: 60_000 });
      expect(res.ok()).toBe(true);
    }).toPass({ timeout: 120_000 });
    const context = await browser.newContext({ baseURL });
    await signInContext(context, 'carla@example.com', PASSWORD);
    const dashboard = await context.request.get('/dashboard', { timeout: 120_000 });
    expect(dashboard.status()).toBe(200);
    await context.close();
    const fixture = await createSubscriber(api, { plan: 'BASIC', pastPeriods: 1 });
    await removeSubscriber(api, fixture.subscriberId);
  } finally {
    await api.dispose();
  }
});
