import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { signIn } from './helpers';

/**
 * A change is an intent (issue 15, item 1), replayed with two browser contexts: an agent previews
 * "add International Saver" for a subscriber; meanwhile the subscriber adds Caller ID himself;
 * the agent's confirm is refused as stale and says Caller ID was added and stays; the fresh
 * preview adds International Saver only, and confirming it keeps Caller ID.
 *
 * The subscriber is the test's own fixture on Basic Line with neither add-on (`page` is signed in
 * as them); the agent is the demo agent, in a second browser context.
 */

test.use({ subscriberOptions: { plan: 'BASIC' } });

async function contextPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test("a stale confirm keeps the subscriber's own change: Caller ID added meanwhile stays", async ({
  browser,
  page: own,
  subscriber,
}) => {
  // Two signed-in browsers: more steps than one journey.
  test.setTimeout(120_000);
  const agent = await contextPage(browser);
  await signIn(agent, 'agent@example.com');

  // The agent previews adding International Saver.
  await agent.goto(`/agent/subscribers/${subscriber.subscriberId}/change?add=intl_saver`);
  await expect(agent.getByTestId('preview-summary')).toContainText('Add International Saver');
  // Of the account, to the agent; the subscriber's own preview speaks to him.
  await expect(agent.getByTestId('preview-summary')).toContainText('on their next bill');

  // Meanwhile the subscriber adds Caller ID in his own browser.
  await own.goto('/add-ons');
  await own.getByTestId('add-on-row-caller_id').getByRole('link', { name: /^Add / }).click();
  await expect(own.getByTestId('preview-summary')).toContainText('Add Caller ID');
  await expect(own.getByTestId('preview-summary')).toContainText('on your next bill');
  await own.getByRole('button', { name: /^Confirm/ }).click();
  await expect(own.getByTestId('confirm-message')).toHaveAttribute('data-status', 'success');

  // The agent confirms the outdated preview: refused, and told what changed and what stays.
  await agent.getByLabel(/Reason/).fill('Customer asked by phone for cheaper international calls.');
  await agent.getByRole('button', { name: /^Confirm/ }).click();
  const message = agent.getByTestId('confirm-message');
  await expect(message).toContainText('Caller ID was added; it stays.');
  await expect(message).toContainText('Nothing was changed');

  // The fresh preview plans the same request on the account as it is now.
  await agent.getByRole('link', { name: 'See the fresh preview' }).click();
  await expect(agent.getByTestId('preview-summary')).toContainText('Add International Saver');
  await expect(agent.getByTestId('preview-summary')).not.toContainText('Caller ID');
  await expect(agent.getByTestId('preview-removed')).toHaveCount(0);
  await agent.getByLabel(/Reason/).fill('Customer asked by phone for cheaper international calls.');
  await agent.getByRole('button', { name: /^Confirm/ }).click();
  await expect(agent.getByTestId('confirm-message')).toHaveAttribute('data-status', 'success');

  // Both add-ons are on the subscriber's line.
  await own.goto('/add-ons');
  await expect(own.getByTestId('add-on-row-caller_id').getByRole('link', { name: /^Remove / })).toHaveCount(1);
  await expect(own.getByTestId('add-on-row-intl_saver').getByRole('link', { name: /^Remove / })).toHaveCount(1);
  await agent.context().close();
});
