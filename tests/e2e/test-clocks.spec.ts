import type { BrowserContext } from '@playwright/test';
import { createClock, createSubscriber, expect, removeClock, signInContext, test } from './fixtures';
import { signIn } from './helpers';

/**
 * Test clocks (SPEC §12): two subscribers on two clocks, advanced differently, each see their
 * own bills and their own scheduled change; the demo subscribers (read here by the demo admin)
 * do not move.
 */
test('two fixtures on two clocks advanced differently each see their own bills and scheduled changes; the demo data is untouched', async ({
  browser,
  baseURL,
  request,
}) => {
  const start = '2026-11-16T10:00:00Z';
  const [clockA, clockB] = [await createClock(request, start), await createClock(request, start)];
  const contexts: BrowserContext[] = [];
  try {
    const admin = await browser.newContext({ baseURL });
    contexts.push(admin);
    const adminPage = await admin.newPage();
    await signIn(adminPage, 'admin@example.com');
    const demoBills = async () => (await (await admin.request.get('/api/v1/subscribers/1/bills')).json()) as unknown;
    const demoDashboard = async () => {
      await adminPage.goto('/agent/subscribers/1');
      return {
        plan: await adminPage.getByTestId('plan-code').textContent(),
        daysLeft: await adminPage.getByTestId('days-left').textContent(),
      };
    };
    const billsBefore = await demoBills();
    const dashBefore = await demoDashboard();

    const people = [];
    for (const clock of [clockA, clockB]) {
      const s = await createSubscriber(request, {
        plan: 'PREMIUM',
        billingDay: 1,
        usage: { ldMinutes: 20 },
        clockId: clock.id,
      });
      const context = await browser.newContext({ baseURL });
      contexts.push(context);
      await signInContext(context, s.email, s.password);
      const page = await context.newPage();
      // Both schedule the move to Basic Line at the end of the period (2026-12-01).
      await page.goto('/change?plan=BASIC');
      await expect(page.getByTestId('preview-effective')).toContainText('end of your billing period');
      await page.getByRole('button', { name: 'Confirm and schedule' }).click();
      await expect(page.getByTestId('confirm-message')).toContainText('Scheduled.');
      people.push({ s, page });
    }
    const [a, b] = people as [(typeof people)[0], (typeof people)[0]];

    expect(await clockA.advance('2026-12-02T09:00:00Z')).toMatchObject({ periodsClosed: 1 });
    expect(await clockB.advance('2026-11-28T09:00:00Z')).toMatchObject({ periodsClosed: 0, remindersWritten: 1 });

    // A lives on 2026-12-02: the change applied, the December bill issued.
    await a.page.goto('/dashboard');
    await expect(a.page.getByTestId('plan-name')).toHaveAttribute('data-plan-code', 'BASIC');
    await expect(a.page.getByTestId('scheduled-change')).toHaveCount(0);
    await expect(a.page.getByTestId('days-left')).toHaveText('30');
    await a.page.goto('/bills');
    await expect(a.page.getByTestId('bill')).toHaveCount(5);
    await expect(a.page.getByTestId('bill').first().getByTestId('bill-line').first()).toContainText('Basic Line');

    // B lives on 2026-11-28: still Premium, the change three days away, no new bill.
    await b.page.goto('/dashboard');
    await expect(b.page.getByTestId('plan-name')).toHaveAttribute('data-plan-code', 'PREMIUM');
    await expect(b.page.getByTestId('scheduled-change-text')).toContainText('you move to Basic Line');
    await expect(b.page.getByTestId('days-left')).toHaveText('3');
    await b.page.goto('/bills');
    await expect(b.page.getByTestId('bill')).toHaveCount(4);

    // The demo subscriber the admin reads has not moved.
    expect(await demoBills()).toEqual(billsBefore);
    expect(await demoDashboard()).toEqual(dashBefore);
  } finally {
    for (const c of contexts) await c.close();
    await removeClock(request, clockA.id);
    await removeClock(request, clockB.id);
  }
});
