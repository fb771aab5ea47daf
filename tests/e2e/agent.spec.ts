import { type APIRequestContext, request, type Page } from '@playwright/test';
import { BASE_URL, createSubscriber, expect, removeSubscriber, type Subscriber, test } from './fixtures';
import { expectNoAxeViolations, signIn, signOut } from './helpers';

/**
 * Support agent and admin journeys (issue 6), as the demo staff accounts (only read and signed
 * in with, never changed). The agent finds demo subscribers by phone, account number and email
 * (read-only), and makes a change on a fixture subscriber made like the demo's Eve (Basic + four
 * features; best value Plus + Three-Way Calling + Voicemail, cheaper, so the agent applies it now
 * with a prorated credit). Only successful sign-ins here: the failed sign-in throttle is shared by
 * the whole run.
 */

interface Journey {
  name: string;
  email: string;
  /** How the agent finds them. */
  query: string;
  offerKey: string;
  previewPlan: string;
  /** Cheaper: scheduled unless the agent applies it now. */
  applyNow: boolean;
  planAfter: string;
  before: string;
  after: string;
}

const BEN_OFFER_KEY = 'up_sell:PREMIUM+ld_300';
const EVE: Omit<Journey, 'email' | 'query' | 'name'> = {
  offerKey: 'up_sell:PLUS+three_way+voicemail',
  previewPlan: 'Basic Line → Plus',
  applyNow: true,
  planAfter: 'PLUS',
  before: 'Basic Line + Call Waiting + Caller ID + Three-Way Calling + Voicemail',
  after: 'Plus + Three-Way Calling + Voicemail',
};

const REASON = 'Customer asked for the best-value option after we went through their usage.';

async function search(page: Page, q: string) {
  await page.getByLabel('Search subscribers').fill(q);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('search-summary')).toBeVisible();
}

test('an agent finds ben by phone number, opens his account and sees his offers with talking points', async ({
  page,
}) => {
  await signIn(page, 'agent@example.com');
  await expect(page).toHaveURL(/\/agent$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Find a subscriber' })).toBeVisible();
  await expect(page.getByTestId('search-empty')).toBeVisible();
  await expectNoAxeViolations(page);

  // Stored as "+1 555-010-0002": typed differently.
  await search(page, '555 010 0002');
  const results = page.getByTestId('search-result');
  await expect(results).toHaveCount(1);
  await expect(results.first().getByRole('link', { name: 'Ben Okafor' })).toBeVisible();
  await expect(results.first().getByTestId('search-result-phone')).toHaveText('+1 555-010-0002');
  await expect(results.first().getByTestId('search-result-account')).toHaveText('SB-100002');
  await expect(results.first().getByTestId('search-result-plan')).toHaveText(/^(Plus|Premium)$/);
  await expectNoAxeViolations(page);

  await results.first().getByRole('link', { name: 'Ben Okafor' }).click();
  await expect(page).toHaveURL(/\/agent\/subscribers\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Ben Okafor' })).toBeVisible();
  await expect(page.getByTestId('acting-for-name')).toHaveText('Ben Okafor');
  await expect(
    page.getByRole('navigation', { name: 'Account of Ben Okafor' }).getByRole('link', { name: 'Overview' }),
  ).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('offers')).toBeVisible();
  const plan = await page.getByTestId('plan-code').textContent();
  if (plan === 'PLUS') {
    const best = page.locator(`[data-testid="offer"][data-offer-key="${BEN_OFFER_KEY}"]`);
    await expect(best).toContainText('best value');
    await expect(best.getByTestId('talking-points')).toBeVisible();
    // The explanation speaks to the subscriber; the agent reads it as quoted, not as said to them.
    await expect(best.getByText('The subscriber reads:')).toBeVisible();
    await expect(best.getByTestId('offer-explanation')).toHaveJSProperty('tagName', 'Q');
  }
  await expectNoAxeViolations(page);

  // Other keys: account number and email; and an account that doesn't exist.
  await page.goto('/agent?q=SB-100005');
  await expect(page.getByTestId('search-result').first()).toContainText('Eve Martin');
  await page.goto('/agent?q=EVE%40example.com');
  await expect(page.getByTestId('search-result').first()).toContainText('Eve Martin');
  await page.goto('/agent/subscribers/999999999');
  await expect(page.getByRole('heading', { level: 1, name: 'Account not found' })).toBeVisible();
});

test.describe('an agent acts for a subscriber (a fixture like the demo’s Eve)', () => {
  test.describe.configure({ mode: 'serial' });
  let api: APIRequestContext;
  let eve: Subscriber;
  let j: Journey;
  test.beforeAll(async () => {
    api = await request.newContext({ baseURL: BASE_URL });
    eve = await createSubscriber(api, {
      plan: 'BASIC',
      addOns: ['voicemail', 'caller_id', 'call_waiting', 'three_way'],
      usage: { ldMinutes: 80 },
      name: `Eve Fixture ${Date.now().toString(36)}`,
    });
    j = { ...EVE, name: eve.name, email: eve.email, query: eve.email };
  });
  test.afterAll(async () => {
    if (eve) await removeSubscriber(api, eve.subscriberId);
    await api?.dispose();
  });

  test('an agent applies the best-value offer with a reason; the history, audit trail and a note record it', async ({
    page,
  }) => {
    await signIn(page, 'agent@example.com');
    await expect(page).toHaveURL(/\/agent$/);
    await search(page, j.query);
    await page.getByTestId('search-result').filter({ hasText: j.email }).getByRole('link', { name: j.name }).click();
    await expect(page.getByRole('heading', { level: 1, name: j.name })).toBeVisible();

    const offer = page.locator(`[data-testid="offer"][data-offer-key="${j.offerKey}"]`);
    await expect(offer).toContainText('best value');
    await expect(offer.getByTestId('talking-points')).toBeVisible();
    // The explanation speaks to the subscriber ("Your line…"): the agent sees it quoted as theirs.
    await expect(offer.getByText('The subscriber reads:')).toBeVisible();
    await expect(offer.getByTestId('offer-explanation')).toHaveJSProperty('tagName', 'Q');
    await offer.getByRole('link', { name: /Review this change/ }).click();
    await expect(page).toHaveURL(/\/agent\/subscribers\/\d+\/change\?/);
    await expect(page.getByTestId('preview-plan')).toHaveText(j.previewPlan);
    if (j.applyNow) {
      await expect(page.getByTestId('preview-effective')).toContainText('end of the billing period');
      await page.getByTestId('apply-now-toggle').click();
      await expect(page).toHaveURL(/now=1/);
      await expect(page.getByTestId('preview-proration-total')).toHaveText(/^-/);
    } else {
      await expect(page.getByTestId('apply-now-toggle')).toHaveCount(0);
    }
    await expect(page.getByTestId('preview-effective')).toContainText('Today');
    await expectNoAxeViolations(page);

    await page.getByLabel(/Reason \(required/).fill(REASON);
    await page.getByRole('button', { name: 'Confirm change' }).click();
    await expect(page.getByTestId('confirm-message')).toHaveAttribute('data-status', 'success');
    await expect(page.getByTestId('confirm-message')).toContainText('Done.');

    await page.getByRole('link', { name: 'Back to the overview' }).click();
    await expect(page.getByTestId('plan-name')).toHaveAttribute('data-plan-code', j.planAfter);

    const subnav = page.getByRole('navigation', { name: `Account of ${j.name}` });
    await subnav.getByRole('link', { name: 'History' }).click();
    await expect(page.getByTestId('history-entry').first().getByTestId('history-by')).toHaveText(
      'Sam Rivera (support)',
    );
    await expect(page.getByTestId('history-entry').first()).toContainText(REASON);

    await subnav.getByRole('link', { name: 'Audit trail & notes' }).click();
    await expect(page.getByRole('heading', { level: 1, name: `Audit trail and notes for ${j.name}` })).toBeVisible();
    const entry = page
      .getByTestId('audit-entry')
      .filter({ has: page.locator('[data-testid="audit-reason"]', { hasText: REASON }) });
    await expect(entry).toHaveCount(1);
    await expect(entry.getByTestId('audit-who')).toContainText('Sam Rivera');
    await expect(entry.getByTestId('audit-action')).toHaveText('Change applied');
    await expect(entry.getByTestId('audit-before')).toHaveText(j.before);
    await expect(entry.getByTestId('audit-after')).toHaveText(j.after);

    const note = 'Went through the new plan on the call; will check the next bill together.';
    await page.getByLabel('New note').fill(note);
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect(page.getByTestId('note-message')).toHaveText('Note added.');
    await expect(page.getByTestId('note').first().getByTestId('note-body')).toHaveText(note);
    await expect(page.getByTestId('note').first().getByTestId('note-author')).toHaveText('Sam Rivera');
    await expect(page.getByTestId('audit-entry').first().getByTestId('audit-action')).toHaveText('Note added');
    await expectNoAxeViolations(page);

    // An agent is not an admin.
    await page.goto('/admin/analytics');
    await expect(page).toHaveURL(/\/agent$/);
    await signOut(page);
  });

  test("the subscriber sees the change and the agent's name in their history; agent pages are not for them", async ({
    page,
  }) => {
    await signIn(page, eve.email, eve.password);
    await expect(page).toHaveURL(/\/dashboard/);
    await expect(page.getByTestId('plan-name')).toHaveAttribute('data-plan-code', j.planAfter);
    await page.goto('/history');
    const first = page.getByTestId('history-entry').first();
    await expect(first.getByTestId('history-by')).toHaveText('Sam Rivera (support)');
    await expect(first).toContainText(REASON);
    for (const path of [
      '/agent',
      '/agent?q=ben',
      '/agent/subscribers/1',
      '/agent/subscribers/1/audit',
      '/admin/analytics',
    ]) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/dashboard$/);
    }
    await signOut(page);
  });

  test('the admin sees the acceptance in the offer analytics, with a chart', async ({ page }) => {
    await signIn(page, 'admin@example.com');
    await expect(page).toHaveURL(/\/agent$/);
    await page.getByRole('link', { name: 'Offer analytics' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Offer analytics' })).toBeVisible();
    const row = page.locator(`[data-testid="analytics-row"][data-offer-key="${j.offerKey}"]`);
    await expect(row).toBeVisible();
    expect(Number(await row.getByTestId('acceptances').textContent())).toBeGreaterThanOrEqual(1);
    await expect(row.getByTestId('savings')).not.toHaveText('$0.00');
    expect(Number(await page.getByTestId('total-acceptances').textContent())).toBeGreaterThanOrEqual(1);
    const chart = page.getByRole('img', { name: /Offer events by kind/ });
    await expect(chart).toBeVisible();
    await expect(chart).toHaveAttribute('aria-label', /Upgrade \(up-sell\): \d+ impressions?, [1-9]\d* acceptances?/);
    await expectNoAxeViolations(page);

    // A bad range is explained, not thrown.
    await page.getByLabel('From', { exact: true }).fill('2026-12-31');
    await page.getByLabel('To', { exact: true }).fill('2026-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page.getByTestId('analytics-error')).toContainText('on or before');
    await signOut(page);
  });
});
