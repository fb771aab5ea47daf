import { expect, test } from '@playwright/test';
import { expectNoAxeViolations, signIn } from './helpers';

/**
 * Issue 20: an admin creates an add-on as a draft, validates and launches it, then retires it.
 * The add-on is this test's own (a fresh code each run) and is available on no plan, so no
 * subscriber another e2e file uses can hold it or be offered it.
 */
test('admin creates, launches and retires an add-on; an agent reads the catalog only', async ({ page, browser }) => {
  // Many steps, each a server round trip; the first request of a fresh run also seeds the demo data.
  test.slow();
  const code = `e2e_${Date.now().toString(36)}`;
  const name = `E2E Fax ${code.slice(4)}`;
  await signIn(page, 'admin@example.com');
  await page.getByRole('link', { name: 'Catalog' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeVisible();
  await expect(page.locator('[data-testid="catalog-plan"][data-code="PREMIUM"]')).toBeVisible();
  await expectNoAxeViolations(page);

  // A draft: kind, code and name; then its price and rules.
  const form = page.getByTestId('new-draft-form').first();
  await form.getByLabel('Kind').selectOption('addon');
  await form.getByLabel('Code').fill(code);
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Create draft' }).click();
  await expect(page.getByTestId('action-message').first()).toHaveAttribute('data-status', 'success');
  await page.getByTestId('open-new-draft').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);

  // A rule error is shown in words and blocks the launch.
  await page.getByLabel('Monthly price').fill('2.50');
  await page.getByRole('group', { name: 'Requires' }).getByRole('checkbox', { name: 'Visual Voicemail' }).check();
  await page
    .getByRole('group', { name: "Can't be held with (both ways)" })
    .getByRole('checkbox', { name: 'Visual Voicemail' })
    .check();
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByTestId('action-message').first()).toContainText(
    `${name} both requires and excludes Visual Voicemail.`,
  );
  await page.reload();
  await expect(page.getByTestId('draft-problems')).toContainText('both requires and excludes');
  await page.getByRole('button', { name: `Launch ${name}` }).click();
  await expect(page.getByTestId('action-message').last()).toHaveAttribute('data-status', 'error');

  // Fixed: valid, launched.
  await page.getByRole('group', { name: 'Requires' }).getByRole('checkbox', { name: 'Visual Voicemail' }).uncheck();
  await page
    .getByRole('group', { name: "Can't be held with (both ways)" })
    .getByRole('checkbox', { name: 'Visual Voicemail' })
    .uncheck();
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByTestId('action-message').first()).toContainText('It can be launched.');
  await page.reload();
  await expect(page.getByTestId('draft-valid')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: `Launch ${name}` }).click();
  // The page shows the launched draft as such (the draft is no longer editable).
  await expect(page.getByTestId('draft-launched')).toContainText(`${name} is launched`);

  await page.goto('/admin/catalog');
  const row = page.locator(`[data-testid="catalog-add-on"][data-code="${code}"]`);
  await expect(row).toHaveAttribute('data-status', 'active');
  await expect(row).toContainText('2.50');

  // Retire it: its holders (none here) keep it; nobody else can choose it.
  await row.getByRole('link', { name }).click();
  await expect(page.getByTestId('item-status')).toHaveAttribute('data-status', 'active');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: `Retire ${name}` }).click();
  await expect(page.getByTestId('item-status')).toHaveAttribute('data-status', 'retired');
  await expect(page.getByTestId('item-status')).toContainText('nobody else can choose it');
  await page.goto('/admin/catalog');
  await expect(row).toHaveAttribute('data-status', 'retired');

  // An agent sees the catalog, without the forms.
  const agentContext = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const agent = await agentContext.newPage();
  await signIn(agent, 'agent@example.com');
  await agent.goto('/admin/catalog');
  await expect(agent.locator(`[data-testid="catalog-add-on"][data-code="${code}"]`)).toHaveAttribute(
    'data-status',
    'retired',
  );
  await expect(agent.getByTestId('new-draft-form')).toHaveCount(0);
  await expect(agent.getByTestId('catalog-rate-ld_overage')).toBeVisible();
  await expect(agent.getByTestId('rate-form-ld_overage')).toHaveCount(0);
  await expect(agent.getByTestId('catalog-version')).toContainText('only an admin can change it');
  await agentContext.close();
});

/**
 * A pay-per-use rate change through the UI: a refusal in words, the preview (subscribers
 * affected, monthly revenue change), the confirm offered only for the figures previewed, then
 * saved. It runs last in the serial project (a new rate reaches every new subscriber at once);
 * the new rate is the current one plus a cent, so a retry or a second run saves again.
 */
test('admin changes the long-distance rate', async ({ page }) => {
  await signIn(page, 'admin@example.com');
  await page.goto('/admin/catalog');
  const form = page.getByTestId('rate-form-ld_overage');
  const message = page.getByTestId('rate-message-ld_overage');
  const rate = form.getByLabel(/New rate for long-distance minutes/);
  const current = Number(await rate.inputValue());
  await rate.fill('0.12');
  await form.getByRole('button', { name: 'Preview the rate change' }).click();
  await expect(message).toHaveAttribute('data-status', 'error');
  await expect(message).toContainText('whole number of cents per minute');

  // The day field starts at the earliest day allowed (30 days after today's notice).
  await rate.fill(String(current + 2));
  await form.getByRole('button', { name: 'Preview the rate change' }).click();
  await expect(message).toHaveAttribute('data-status', 'success');
  await expect(message).toContainText(/\d+ subscribers? pays? this rate/);
  await expect(message).toContainText('the monthly revenue changes by +');
  const confirm = form.getByRole('button', { name: 'Confirm the rate change and send the notices' });
  await expect(confirm).toBeVisible();
  await expectNoAxeViolations(page);
  // Another figure needs its own preview before it can be confirmed.
  await rate.fill(String(current + 1));
  await expect(form.getByRole('button', { name: 'Preview the rate change' })).toBeVisible();
  await form.getByRole('button', { name: 'Preview the rate change' }).click();
  await confirm.click();
  await expect(message).toContainText('Saved (catalog version');
  await page.reload();
  await expect(page.getByTestId('catalog-rate-ld_overage')).toContainText(((current + 1) / 100).toFixed(2));
  await expect(page.locator('[data-testid="catalog-rate-change"][data-code="ld_overage"]').first()).toBeVisible();
});
