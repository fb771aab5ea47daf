import { expect, test, type Page } from '@playwright/test';
import { lineText } from '../../lib/domain/bills';
import { defaultFormats } from '../../lib/domain/text';
import { expectNoAxeViolations, signIn } from './helpers';

/**
 * The portal's one test clock (a whole-portal test): it moves every subscriber's time, so this
 * file is in the portal-wide project (playwright.config.ts), which runs alone after the parallel
 * one. Per-test clocks are in test-clocks.spec.ts and 05-bills.spec.ts.
 */

/** The usage lines of the next-bill estimate on an account overview, without their "so far" note. */
async function estimatedUsageLines(page: Page): Promise<string[]> {
  const texts = await page.getByTestId('next-bill').locator('tbody tr td:first-child').allTextContents();
  return texts
    .filter((t) => t.endsWith(' (so far this period)'))
    .map((t) => t.slice(0, -' (so far this period)'.length));
}

test('moving the test clock across a boundary issues the next bill with the period’s usage, as the estimate said', async ({
  page,
}) => {
  await signIn(page, 'admin@example.com');
  try {
    // Gus (international minutes) or Dev: whichever has usage charges so far this period.
    let chosen: { id: number; usage: string[]; boundary: string; lastNumber: number } | null = null;
    for (const email of ['gus@example.com', 'dev@example.com']) {
      await page.goto(`/agent?q=${encodeURIComponent(email)}`);
      await page.getByTestId('search-result').first().getByRole('link').first().click();
      await expect(page).toHaveURL(/\/agent\/subscribers\/\d+$/);
      const id = Number(new URL(page.url()).pathname.split('/').pop());
      const usage = await estimatedUsageLines(page);
      const res = await page.request.get(`/api/v1/subscribers/${id}/bills`);
      const bills = ((await res.json()) as { bills: { number: number; billedPeriod: { lastDay: string } }[] }).bills;
      const last = bills[0]!;
      const boundary = new Date(Date.parse(`${last.billedPeriod.lastDay}T00:00:00Z`) + 86_400_000)
        .toISOString()
        .slice(0, 10);
      if (usage.length > 0) {
        chosen = { id, usage, boundary, lastNumber: Math.max(...bills.map((b) => b.number)) };
        break;
      }
    }
    expect(chosen, 'a subscriber with usage charges so far').not.toBeNull();
    const c = chosen!;

    const moved = await page.request.post('/api/v1/test/clock', { data: { set: `${c.boundary}T09:00:00Z` } });
    expect(moved.ok()).toBe(true);
    await page.goto(`/agent/subscribers/${c.id}/bills`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Bills for /);
    const latest = page.getByTestId('bill').first();
    expect(Number(await latest.getAttribute('data-bill-number'))).toBeGreaterThan(c.lastNumber);
    const usageOnBill = await latest
      .locator('[data-testid="bill-line"][data-kind="usage"] td:first-child')
      .allTextContents();
    expect(usageOnBill).toEqual(c.usage);
    // And as JSON: the same bill, dated at the boundary.
    const json = (await (await page.request.get(`/api/v1/subscribers/${c.id}/bills`)).json()) as {
      bills: { billDate: string; lines: { kind: string; description: string }[] }[];
    };
    expect(json.bills[0]!.billDate).toBe(c.boundary);
    // The API keeps the stored, neutral text; the page shows it with the portal's money and days.
    expect(
      json.bills[0]!.lines.filter((l) => l.kind === 'usage').map((l) => lineText(l.description, defaultFormats())),
    ).toEqual(c.usage);
    await expectNoAxeViolations(page);
  } finally {
    await page.request.post('/api/v1/test/clock', { data: { reset: true } });
  }
});
