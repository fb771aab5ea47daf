import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { extractText, getDocumentProxy } from 'unpdf';
import { expectNoAxeViolations, signIn } from './helpers';

test("ada's Bills page: newest first, the chart, her latest bill 44.00 with its 24.00 long-distance line", async ({
  page,
}) => {
  await signIn(page, 'ada@example.com');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Bills' }).click();
  await expect(page).toHaveURL(/\/bills$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your bills');
  await expect(page.getByTestId('bills-chart')).toBeVisible();
  await expect(
    page.getByTestId('bills-chart').getByRole('img', { name: /^Bill totals, oldest to newest: .*44\.00\.$/ }),
  ).toBeVisible();
  const bills = page.getByTestId('bill');
  await expect(bills).toHaveCount(4);
  const latest = bills.first();
  await expect(latest.getByTestId('bill-total')).toHaveText('$44.00');
  const lines = latest.getByTestId('bill-line');
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0)).toContainText(/Basic Line, \d{4}-\d{2}-01 to \d{4}-\d{2}-\d{2}/);
  await expect(lines.nth(0).getByTestId('bill-line-amount')).toHaveText('$20.00');
  await expect(lines.nth(1)).toContainText('Long-distance minutes beyond the allowance: 240 × 0.10 = 24.00');
  await expect(lines.nth(1).getByTestId('bill-line-amount')).toHaveText('$24.00');
  // Newest first: numbers go down the page.
  const numbers = (await bills.evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-bill-number'))),
  )) as number[];
  expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  await expectNoAxeViolations(page);
});

test("ada downloads her latest bill as a PDF, and its text holds the bill's facts and 44.00", async ({ page }) => {
  await signIn(page, 'ada@example.com');
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
    'Ada Lovelace',
    'SB-100001',
    `Bill ${number}`,
    '240 × 0.10 = 24.00',
    '20.00',
    '44.00',
    // The PDF writes the page's date style with ordinary spaces (the page's are no-break spaces).
    due!.trim().replace(/\u00a0/g, ' '),
  ]) {
    expect(text, `PDF text contains ${fact}`).toContain(fact);
  }
});

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
    expect(json.bills[0]!.lines.filter((l) => l.kind === 'usage').map((l) => l.description)).toEqual(c.usage);
    await expectNoAxeViolations(page);
  } finally {
    await page.request.post('/api/v1/test/clock', { data: { reset: true } });
  }
});
