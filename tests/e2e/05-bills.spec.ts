import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { extractText, getDocumentProxy } from 'unpdf';
import { lineText } from '../../lib/domain/bills';
import { defaultFormats } from '../../lib/domain/text';
import { expect, test } from './fixtures';
import { expectNoAxeViolations } from './helpers';

test.describe('Basic, billed on the 1st, 240 long-distance minutes a month (the demo’s Ada)', () => {
  test.use({ subscriberOptions: { plan: 'BASIC', billingDay: 1, usage: { ldMinutes: 240, unansweredCalls: 12 } } });

  test('the Bills page: newest first, the chart, the latest bill 44.00 with its 24.00 long-distance line', async ({
    page,
    subscriber,
  }) => {
    expect(subscriber.bills).toBe(4);
    await page.goto('/dashboard');
    // The estimate's lines say their days in the portal's date style, never as ISO days.
    const estimate = page.getByTestId('next-bill').locator('tbody tr');
    await expect(estimate.first()).toContainText(/^Basic Line, [A-Z][a-z]{2}\s1\s–\s\d{2},\s\d{4}\$20\.00$/);
    for (const row of await estimate.all()) await expect(row).not.toContainText(ISO_DAY);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Bills' }).click();
    await expect(page).toHaveURL(/\/bills$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your bills');
    await expect(page.getByTestId('bills-chart')).toBeVisible();
    await expect(
      page.getByTestId('bills-chart').getByRole('img', { name: /^Bill totals, oldest to newest: .*44\.00\.$/ }),
    ).toBeVisible();
    // One bar a bill, drawn once the chart knows its width.
    await expect(page.getByTestId('bills-chart').locator('.bill-bar')).toHaveCount(4);
    const bills = page.getByTestId('bill');
    await expect(bills).toHaveCount(4);
    const latest = bills.first();
    await expect(latest.getByTestId('bill-total')).toHaveText('$44.00');
    const lines = latest.getByTestId('bill-line');
    await expect(lines).toHaveCount(2);
    await expect(lines.nth(0)).toContainText(/^Basic Line, [A-Z][a-z]{2}\s1\s–\s\d{2},\s\d{4}\$20\.00$/);
    await expect(lines.nth(0).getByTestId('bill-line-amount')).toHaveText('$20.00');
    await expect(lines.nth(1)).toContainText('Long-distance minutes beyond the allowance: 240 × $0.10 = $24.00');
    await expect(lines.nth(1).getByTestId('bill-line-amount')).toHaveText('$24.00');
    // No ISO day in any line of any bill, nor in the periods above them.
    for (const line of await page.getByTestId('bill-line').all()) await expect(line).not.toContainText(ISO_DAY);
    for (const periods of await page.getByTestId('bill-periods').all())
      await expect(periods).not.toContainText(ISO_DAY);
    // Newest first: numbers go down the page.
    const numbers = (await bills.evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('data-bill-number'))),
    )) as number[];
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    await expectNoAxeViolations(page);
  });

  test("downloads the latest bill as a PDF, and its text holds the bill's facts and 44.00", async ({
    page,
    subscriber,
  }) => {
    await page.goto('/bills');
    const latest = page.getByTestId('bill').first();
    const number = await latest.getAttribute('data-bill-number');
    const due = await latest.getByTestId('bill-due').textContent();
    const [download] = await Promise.all([page.waitForEvent('download'), latest.getByTestId('bill-pdf').click()]);
    expect(download.suggestedFilename()).toBe(`bill-${number}.pdf`);
    const file = await download.path();
    const bytes = new Uint8Array(fs.readFileSync(file));
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    for (const fact of [
      'Switchboard Telecom',
      subscriber.name,
      subscriber.accountNumber,
      `Bill ${number}`,
      '240 × $0.10 = $24.00',
      '$20.00',
      '44.00',
      // The PDF writes the page's date style with ordinary spaces (the page's are no-break spaces).
      due!.trim().replace(/\u00a0/g, ' '),
    ]) {
      expect(text, `PDF text contains ${fact}`).toContain(fact);
    }
    expect(text).toMatch(/Basic Line, [A-Z][a-z]{2} 1 – \d{2}, \d{4}/);
    expect(text, 'no ISO day in the PDF').not.toMatch(ISO_DAY);
  });
});

const ISO_DAY = /\d{4}-\d{2}-\d{2}/;

/** The usage lines of the next-bill estimate on an account overview, without their "so far" note. */
async function estimatedUsageLines(page: Page): Promise<string[]> {
  const texts = await page.getByTestId('next-bill').locator('tbody tr td:first-child').allTextContents();
  return texts
    .filter((t) => t.endsWith(' (so far this period)'))
    .map((t) => t.slice(0, -' (so far this period)'.length));
}

test.describe('on its own test clock, with usage so far this period', () => {
  test.use({
    clockAt: '2026-11-16T10:00:00Z',
    subscriberOptions: {
      plan: 'BASIC',
      billingDay: 1,
      usage: { ldMinutes: 240 },
      currentUsage: { ldMinutes: 130, intlMinutes: 30 },
    },
  });

  test('advancing the clock across the boundary issues the next bill with the period’s usage, as the estimate said', async ({
    page,
    subscriber,
    clock,
  }) => {
    await page.goto('/dashboard');
    await expect(page.getByTestId('days-left')).toHaveText('15');
    const usage = await estimatedUsageLines(page);
    expect(usage.length).toBeGreaterThan(0);
    // The estimate: next period's days in the portal's style, money in the currency; no ISO day.
    const estimate = page.getByTestId('next-bill').locator('tbody tr');
    await expect(estimate.first()).toContainText(/^Basic Line, Dec\s1\s–\s31,\s2026\$20\.00$/);
    for (const row of await estimate.all()) await expect(row).not.toContainText(ISO_DAY);
    expect(usage).toContain('Long-distance minutes beyond the allowance: 130 × $0.10 = $13.00');
    const before = (await (await page.request.get(`/api/v1/subscribers/${subscriber.subscriberId}/bills`)).json()) as {
      bills: { number: number; billDate: string }[];
    };
    expect(before.bills[0]!.billDate).toBe('2026-11-01');
    const lastNumber = Math.max(...before.bills.map((b) => b.number));

    const moved = await clock.advance('2026-12-01T09:00:00Z');
    expect(moved).toMatchObject({ today: '2026-12-01', periodsClosed: 1 });
    await page.goto('/bills');
    const latest = page.getByTestId('bill').first();
    expect(Number(await latest.getAttribute('data-bill-number'))).toBeGreaterThan(lastNumber);
    const usageOnBill = await latest
      .locator('[data-testid="bill-line"][data-kind="usage"] td:first-child')
      .allTextContents();
    expect(usageOnBill).toEqual(usage);
    for (const line of await latest.getByTestId('bill-line').all()) await expect(line).not.toContainText(ISO_DAY);
    const json = (await (await page.request.get(`/api/v1/subscribers/${subscriber.subscriberId}/bills`)).json()) as {
      bills: { billDate: string; lines: { kind: string; description: string }[] }[];
    };
    expect(json.bills[0]!.billDate).toBe('2026-12-01');
    // The API keeps the stored, neutral text (bare amounts, ISO days); the page shows it in the portal's style.
    const stored = json.bills[0]!.lines.filter((l) => l.kind === 'usage').map((l) => l.description);
    expect(stored).toContain('Long-distance minutes beyond the allowance: 130 × 0.10 = 13.00');
    expect(stored.map((d) => lineText(d, defaultFormats()))).toEqual(usage);
    await page.goto('/dashboard');
    await expect(page.getByTestId('days-left')).toHaveText('31');
    await expectNoAxeViolations(page);
  });
});
