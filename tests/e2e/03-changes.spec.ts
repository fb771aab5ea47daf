import { expect, test } from './fixtures';
import { caughtMail, expectNoAxeViolations } from './helpers';

test.describe('Plus + Voicemail + Long Distance 300, 650 long-distance minutes a month (the demo’s Ben)', () => {
  test.use({ subscriberOptions: { plan: 'PLUS', addOns: ['voicemail', 'ld_300'], usage: { ldMinutes: 650 } } });

  test('accepts the best-value offer and ends on Premium + Long Distance 300, voicemail removed as included', async ({
    page,
    subscriber: _subscriber,
  }) => {
    await page.goto('/dashboard');
    const top = page.getByTestId('offer').first();
    await expect(top.getByTestId('offer-title')).toContainText('Premium');
    await expect(top.getByTestId('offer-saving')).toHaveText('$20.00');
    await expectNoAxeViolations(page);
    await top.getByRole('link', { name: /Review this change/ }).click();

    await expect(page).toHaveURL(/\/change\?plan=PREMIUM/);
    await expect(page.getByTestId('preview-plan')).toHaveText('Plus → Premium');
    const voicemail = page.getByTestId('removed-voicemail');
    await expect(voicemail).toHaveAttribute('data-reason', 'redundant');
    await expect(voicemail).toContainText('included in the new plan');
    // Said once: the label is not followed by a sentence repeating it.
    await expect(voicemail).not.toContainText('already includes');
    await expect(page.getByTestId('preview-new-monthly')).toHaveText('$43.00');
    await expect(page.getByTestId('preview-effective')).toContainText('Today');
    await expect(page.getByTestId('preview-proration')).toBeVisible();
    await expectNoAxeViolations(page);

    await page.getByRole('button', { name: 'Confirm change' }).click();
    await expect(page.getByTestId('confirm-message')).toHaveAttribute('data-status', 'success');
    await expect(page.getByTestId('confirm-message')).toContainText('Done.');

    await page.getByRole('link', { name: 'Back to the overview' }).click();
    await expect(page.getByTestId('plan-name')).toHaveAttribute('data-plan-code', 'PREMIUM');
    await expect(page.getByTestId('addon-ld_300')).toBeVisible();
    await expect(page.getByTestId('addon-voicemail')).toHaveCount(0);
    await expect(page.getByTestId('feature-voicemail')).toContainText('included');

    await page.getByRole('link', { name: 'History' }).click();
    const entry = page.getByTestId('history-entry').first();
    await expect(entry.getByTestId('history-description')).toContainText('Plus → Premium');
    await expect(entry.getByTestId('history-by')).toHaveText('You');
    await expectNoAxeViolations(page);
  });
});

test.describe('Unlimited, 1400 long-distance and 10 international minutes a month (the demo’s Dev)', () => {
  test.use({ subscriberOptions: { plan: 'UNLIMITED', usage: { ldMinutes: 1400, intlMinutes: 10 } } });

  test('a confirm replayed after success changes nothing more (double submit)', async ({ page, subscriber: _s }) => {
    await page.goto('/add-ons');
    await page.getByRole('link', { name: 'Add International Saver' }).click();
    const confirm = page.getByRole('button', { name: 'Confirm change' });
    await confirm.dblclick();
    await expect(page.getByTestId('confirm-message')).toHaveAttribute('data-status', 'success');
    await page.goto('/history');
    await expect(page.getByTestId('history-entry')).toHaveCount(1);
  });
});

test.describe('Basic with 240 long-distance minutes and 12 unanswered calls (the demo’s Ada)', () => {
  test.use({ subscriberOptions: { plan: 'BASIC', usage: { ldMinutes: 240, unansweredCalls: 12 } } });

  test('adds voicemail from the add-ons page, and is sent the confirmation', async ({ page, subscriber }) => {
    await page.goto('/add-ons');
    await expect(page.getByTestId('add-on-status-voicemail')).toHaveText('Available');
    await expect(page.getByTestId('add-on-status-visual_voicemail')).toContainText('Needs Voicemail first');
    await expect(page.getByTestId('add-on-status-caller_id')).toHaveText('Available');
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Add Voicemail' }).click();
    await expect(page.getByTestId('preview-added')).toHaveText('Voicemail');
    await expect(page.getByTestId('preview-gained')).toHaveText('Voicemail');
    await expect(page.getByTestId('preview-new-monthly')).toHaveText('$25.00');
    await expect(page.getByTestId('preview-proration')).toContainText('Voicemail');
    await page.getByRole('button', { name: 'Confirm change' }).click();
    await expect(page.getByTestId('confirm-message')).toHaveAttribute('data-status', 'success');
    await page.goto('/add-ons');
    await expect(page.getByTestId('add-on-status-voicemail')).toHaveText('On your line');
    await expect(page.getByTestId('add-on-status-visual_voicemail')).toHaveText('Available');
    await page.goto('/history');
    await expect(page.getByTestId('history-entry').first().getByTestId('history-description')).toContainText(
      'added Voicemail',
    );
    // The change confirmed by email (the outbox, delivered by the server's jobs to the SMTP server).
    await expect.poll(async () => (await caughtMail(subscriber.email)).length, { timeout: 20_000 }).toBe(1);
    const [mail] = await caughtMail(subscriber.email);
    expect(mail!.subject).toContain('Your change is done');
    expect(mail!.text).toContain('Monthly change: +$5.00');
    expect(mail!.html).toContain('+$5.00');
    expect(mail!.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

test.describe('Premium with 20 long-distance minutes (the demo’s Carla)', () => {
  test.use({ subscriberOptions: { plan: 'PREMIUM', usage: { ldMinutes: 20 } } });

  test('schedules a downgrade, sees it on the dashboard and cancels it', async ({ page, subscriber: _s }) => {
    await page.goto('/plans');
    await expect(page.getByTestId('plan-card-PREMIUM').getByTestId('current-plan')).toBeVisible();
    await expect(page.getByTestId('plan-change-BASIC')).toHaveText('-$15.00');
    await expect(page.getByTestId('plan-change-UNLIMITED')).toHaveText('+$15.00');
    await expect(page.getByTestId('plan-card-LEGACY')).toHaveCount(0);
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Review change to Basic Line' }).click();
    await expect(page.getByTestId('preview-effective')).toContainText('end of your billing period');
    await expect(page.getByTestId('preview-lost')).toContainText('Voicemail');
    await expect(page.getByTestId('preview-undo')).toContainText('cancel');
    await page.getByRole('button', { name: 'Confirm and schedule' }).click();
    await expect(page.getByTestId('confirm-message')).toContainText('Scheduled.');

    await page.goto('/dashboard');
    await expect(page.getByTestId('scheduled-change-text')).toContainText('you move to Basic Line');
    await expect(page.getByTestId('plan-name')).toHaveAttribute('data-plan-code', 'PREMIUM');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Cancel this change' }).click();
    await expect(page.getByTestId('cancel-message')).toContainText('Cancelled.');
    await page.reload();
    await expect(page.getByTestId('scheduled-change')).toHaveCount(0);

    await page.goto('/history');
    await expect(page.getByTestId('history-entry').first()).toHaveAttribute('data-status', 'cancelled');
  });
});

test.describe('grandfathered on the retired Classic Line (the demo’s Finn)', () => {
  test.use({ subscriberOptions: { plan: 'LEGACY', usage: { ldMinutes: 30, missedWhileBusy: 6 } } });

  test('a malformed or impossible change link gets a clear message, not an error page', async ({
    page,
    subscriber: _s,
  }) => {
    await page.goto('/change?plan=NOPE');
    await expect(page.getByTestId('preview-error')).toContainText('is not a plan we offer');
    await page.goto('/change?plan=BASIC&add=ld_300,ld_unlimited');
    await expect(page.getByTestId('preview-error')).toContainText("can't be combined");
    await page.goto('/change?plan=%3Cscript%3E');
    await expect(page.getByTestId('preview-error')).toBeVisible();
    await page.goto('/change?plan=PLUS');
    await expect(page.getByTestId('preview-retired-warning')).toContainText("can't switch back");
  });
});
