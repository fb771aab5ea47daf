import { expect, test } from './fixtures';
import { caughtMail, expectNoAxeViolations, signIn } from './helpers';

test('a subscriber turns offer emails on and off on the profile; the choice stays after a reload', async ({
  page,
  subscriber: _s,
}) => {
  await page.goto('/dashboard');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Profile');
  await expect(page.getByTestId('offer-emails-state')).toHaveText('Offer emails are off.');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Send me offer emails' }).click();
  await expect(page.getByTestId('offer-emails-message')).toHaveAttribute('data-status', 'success');
  await expect(page.getByTestId('offer-emails-state')).toHaveText('Offer emails are on.');
  await page.reload();
  await expect(page.getByTestId('offer-emails-state')).toHaveText('Offer emails are on.');
  await page.getByRole('button', { name: 'Stop offer emails' }).click();
  await expect(page.getByTestId('offer-emails-state')).toHaveText('Offer emails are off.');
});

test.describe('a bill issued on a test clock', () => {
  test.use({ clockAt: '2026-11-16T10:00:00Z', subscriberOptions: { plan: 'BASIC', billingDay: 1 } });

  test('the admin sees the delivered emails on Deliveries, and that mail goes through the relay', async ({
    browser,
    baseURL,
    subscriber,
    clock,
  }) => {
    // This test's own mail: the bill its clock issues at the boundary.
    await clock.advance('2026-12-01T09:00:00Z');
    await expect
      .poll(async () => (await caughtMail(subscriber.email)).map((m) => m.subject).join(' | '), { timeout: 20_000 })
      .toMatch(/bill/i);
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await signIn(page, 'admin@example.com');
    await page.goto('/admin/deliveries?status=delivered');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Deliveries');
    await expect(page.getByTestId('deliveries-count-dead')).toHaveText('0');
    // The newest 200 are listed: every one delivered, by email, with its event id.
    await expect(page.getByTestId('delivery').first()).toHaveAttribute('data-status', 'delivered');
    expect(Number(await page.getByTestId('deliveries-count-delivered').textContent())).toBeGreaterThan(0);
    await expect(page.getByTestId('delivery').first()).toContainText('Email:');
    await expectNoAxeViolations(page);
    await page.goto('/admin/deliveries');
    await expect(page.getByTestId('deliveries-none')).toBeVisible();
    await page.goto('/admin/mail');
    await expect(page.getByTestId('mail-smtp')).toBeVisible();
    await expectNoAxeViolations(page);
    await context.close();
  });
});

test('a subscriber is sent away from the admin delivery pages', async ({ page, subscriber: _s }) => {
  await page.goto('/admin/deliveries');
  await expect(page).toHaveURL(/\/dashboard/);
  await page.goto('/admin/mail');
  await expect(page).toHaveURL(/\/dashboard/);
});
