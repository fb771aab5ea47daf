import { expect, test } from '@playwright/test';
import { caughtMail, expectNoAxeViolations, signIn } from './helpers';

test('ada turns offer emails on and off on her profile; the choice stays after a reload', async ({ page }) => {
  await signIn(page, 'ada@example.com');
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

test('the admin sees the delivered emails on Deliveries, and that mail goes through the relay', async ({ page }) => {
  // Earlier journeys (Ada's Voicemail, the bills of a clock move) sent mail through the relay.
  const sent = await caughtMail();
  expect(sent.length).toBeGreaterThan(0);
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
});

test('a subscriber is sent away from the admin delivery pages', async ({ page }) => {
  await signIn(page, 'ben@example.com');
  await page.goto('/admin/deliveries');
  await expect(page).toHaveURL(/\/dashboard/);
  await page.goto('/admin/mail');
  await expect(page).toHaveURL(/\/dashboard/);
});
