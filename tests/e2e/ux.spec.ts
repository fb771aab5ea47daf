import type { Page } from '@playwright/test';
import { expect, type SubscriberOptions, test } from './fixtures';
import { expectNoAxeViolations, signIn } from './helpers';

/**
 * Subscriber and agent experience (issue 15), at a phone's width and a laptop's. Every test
 * makes its own subscribers through the fixtures (tests/e2e/fixtures.ts), made like the demo's
 * (Ben, Gus, Ada, Eve, Finn, Carla: the same plan, add-ons and usage), so the files run in
 * parallel and in any order. Staff pages are read as the demo agent and admin (only signed in
 * with, never changed); what staff change is on a fixture of the test's own.
 */

/** Fixtures made like the demo subscribers these tests were first written against (db/seed.ts). */
const LIKE: Record<'ben' | 'gus' | 'ada' | 'eve' | 'finn' | 'carla', SubscriberOptions> = {
  ben: { plan: 'PLUS', addOns: ['ld_300', 'voicemail'], usage: { ldMinutes: 650 }, currentUsage: { ldMinutes: 650 } },
  // Gus's international calls and 10 long-distance minutes so far, with a busier history than his
  // (long-distance, unanswered and missed calls): several offers, so the compact rows are there.
  gus: {
    plan: 'BASIC',
    usage: { ldMinutes: 240, intlMinutes: 120, unansweredCalls: 12, missedWhileBusy: 6 },
    currentUsage: { ldMinutes: 10, intlMinutes: 120 },
  },
  ada: { plan: 'BASIC', usage: { ldMinutes: 240, unansweredCalls: 12 } },
  eve: { plan: 'BASIC', addOns: ['call_waiting', 'caller_id', 'three_way', 'voicemail'], usage: { ldMinutes: 80 } },
  finn: { plan: 'LEGACY', usage: { ldMinutes: 30, missedWhileBusy: 6 } },
  carla: { plan: 'PREMIUM', usage: { ldMinutes: 20 } },
};

const PHONE = { width: 390, height: 844 };
const NARROW = { width: 360, height: 780 };
const LAPTOP = { width: 1280, height: 800 };

/** No horizontal scroll, and every visible button or button-styled link inside the viewport. */
async function expectFits(page: Page, where: string) {
  const m = await page.evaluate(() => {
    const width = window.innerWidth;
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, a.btn-primary, a.btn-secondary, input, select')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // Inside a container that scrolls sideways on purpose (the main nav, a wide table's region).
      const scroller = el.closest('[data-scrolls]');
      if (scroller) continue;
      if (r.right > width + 0.5 || r.left < -0.5)
        out.push(`${el.tagName} "${(el.textContent ?? '').trim().slice(0, 40)}" ${r.left}-${r.right}`);
    }
    return { scrollWidth: document.scrollingElement!.scrollWidth, width, out };
  });
  expect(m.scrollWidth, `${where}: page wider than the viewport`).toBeLessThanOrEqual(m.width);
  expect(m.out, `${where}: controls outside the viewport`).toEqual([]);
}

async function expectCurrent(page: Page, label: string) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: label, exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
}

const SUBSCRIBER_PAGES: [path: string, nav: string | null][] = [
  ['/dashboard', 'Overview'],
  ['/plans', 'Plans'],
  ['/add-ons', 'Add-ons'],
  ['/history', 'History'],
  ['/bills', 'Bills'],
  ['/account/profile', 'Profile'],
  ['/account', 'Account'],
  ['/change?plan=PREMIUM', null],
  ['/no-such-page', null],
];

test.describe('subscriber pages (a fixture like Ben)', () => {
  // A surname without a break, as long as a fixture's email (which overflowed /account at 360 px
  // depending on its random letters): the pages must wrap both, whatever their glyphs.
  test.use({ subscriberOptions: { ...LIKE.ben, name: 'Ben Okaforfeatherstonehaughworthingtonsmythe' } });
  for (const size of [NARROW, PHONE, LAPTOP]) {
    test(`every subscriber page fits ${size.width} px, marks its nav item, and is axe-clean`, async ({
      page,
      subscriber: _,
    }) => {
      // Nine pages, with axe on each at 390 px, on a shared machine.
      test.setTimeout(180_000);
      await page.setViewportSize(size);
      for (const [path, nav] of SUBSCRIBER_PAGES) {
        await page.goto(path);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await expectFits(page, `${path} at ${size.width}`);
        if (nav) await expectCurrent(page, nav);
        if (size === PHONE) await expectNoAxeViolations(page);
      }
      // The 404 page keeps the header and its navigation.
      await page.goto('/no-such-page');
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      // "Sign out" on one line beside the name, even on a narrow phone (it broke in two).
      const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
      expect(signOut!.height, 'the Sign out button is one line tall').toBeLessThan(48);
    });
  }
});

test('staff pages fit a phone and a laptop: agent search, an account, its audit trail with a long note; admin pages', async ({
  page,
  makeSubscriber,
}) => {
  // Plus includes Caller ID; Voicemail is held: both statuses on the add-ons page.
  // Gus's busy history: several offers, so the compact rows are there too.
  const sub = await makeSubscriber({ ...LIKE.gus, plan: 'PLUS', addOns: ['voicemail'] });
  await signIn(page, 'agent@example.com');
  await page.getByLabel('Search subscribers').fill(sub.email);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByTestId('search-result').filter({ hasText: sub.email }).getByRole('link').first().click();
  await expect(page).toHaveURL(new RegExp(`/agent/subscribers/${sub.subscriberId}$`));
  const base = new URL(page.url()).pathname;
  // A long unbroken string in a note used to widen the page to ~3,650 px.
  await page.goto(`${base}/audit`);
  await page.getByLabel('New note').fill(`Reference:${'x'.repeat(400)}`);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByTestId('note-message')).toHaveText('Note added.');
  for (const size of [PHONE, LAPTOP]) {
    await page.setViewportSize(size);
    for (const path of [
      '/agent',
      base,
      `${base}/plans`,
      `${base}/add-ons`,
      `${base}/history`,
      `${base}/bills`,
      `${base}/audit`,
    ]) {
      await page.goto(path);
      await expectFits(page, `${path} at ${size.width}`);
      await expectCurrent(page, 'Find a subscriber');
    }
  }
  // Agent pages speak of the subscriber in the third person.
  await page.goto(base);
  await expect(page.getByRole('heading', { level: 2, name: 'Plan', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your plan' })).toHaveCount(0);
  // The compact offer rows too ("… less overall for how they use their line").
  const values = page.getByTestId('offer-value');
  await expect(values.first()).toBeVisible();
  for (const text of await values.allTextContents()) expect(text).not.toMatch(/\byour?\b/i);
  await page.goto(`${base}/plans`);
  await expect(page.getByTestId('current-plan')).toHaveText(/^Current plan/);
  // The add-ons statuses too (they said "On your line", "Included in your plan" to the agent).
  await page.goto(`${base}/add-ons`);
  await expect(page.getByTestId('add-on-status-voicemail')).toHaveText('On their line');
  await expect(page.getByTestId('add-on-status-caller_id')).toHaveText('Included in their plan');
  await expect(page.getByTestId('add-ons')).not.toContainText(/\byour?\b/i);
});

test('admin pages fit; the analytics table shows every column at 1280 px; the chart labels stay legible on a phone', async ({
  page,
}) => {
  await signIn(page, 'admin@example.com');
  for (const size of [PHONE, LAPTOP]) {
    await page.setViewportSize(size);
    for (const [path, nav] of [
      ['/admin/analytics', 'Offer analytics'],
      ['/admin/clock', 'Test clock'],
      ['/admin/api-clients', 'API clients'],
      ['/admin/deliveries', 'Deliveries'],
      ['/admin/mail', 'Mail'],
    ] as const) {
      await page.goto(path);
      await expectFits(page, `${path} at ${size.width}`);
      await expectCurrent(page, nav);
    }
  }
  await page.setViewportSize(LAPTOP);
  await page.goto('/admin/analytics');
  const table = page.getByTestId('analytics-table');
  if ((await table.count()) > 0) {
    const region = await table.evaluate((t) => {
      const box = t.parentElement!;
      return { scroll: box.scrollWidth, client: box.clientWidth };
    });
    expect(region.scroll, 'the table fits its card at 1280 px (revenue and savings visible)').toBeLessThanOrEqual(
      region.client,
    );
    const savings = await page.getByTestId('analytics-totals').getByTestId('savings').boundingBox();
    expect(savings!.x + savings!.width).toBeLessThanOrEqual(LAPTOP.width);
  }
  await page.setViewportSize(PHONE);
  await page.goto('/admin/analytics');
  if ((await page.getByTestId('analytics-chart').count()) > 0) {
    // The chart draws once it knows its card's width.
    await expect(page.getByTestId('analytics-chart').locator('svg text').first()).toBeVisible();
    const sizes = await page
      .getByTestId('analytics-chart')
      .locator('svg text')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height).filter((h) => h > 0));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes), 'chart labels at least ~11 px tall on a phone').toBeGreaterThanOrEqual(11);
  }
  // The clock page shows code as code, not literal backticks.
  await page.goto('/admin/clock');
  await expect(page.getByRole('main')).not.toContainText('`');
  await expect(page.getByRole('main').locator('code', { hasText: 'npm run billing:rollover' })).toBeVisible();
});

test.describe('offer analytics with a row that has no impressions (a suite leaves them)', () => {
  // A day of its own (no other test's clock is there), so the table holds only this test's rows.
  const DAY = '2025-03-12';
  test.use({ clockAt: `${DAY}T10:00:00Z` });

  test('the page fits a phone: the rate of a row without impressions ("—") stays in the table', async ({
    page,
    browser,
    makeSubscriber,
  }) => {
    test.setTimeout(120_000);
    // An agent accepts an offer for a subscriber who never saw it themselves: offers seen by
    // agents are not impressions, so the row's rates are "—" with a screen-reader text (which,
    // absolutely positioned, escaped the table's scroller and made the page ~800 px wide).
    const sub = await makeSubscriber({ ...LIKE.eve, name: `Eve Analytics ${Date.now().toString(36)}` });
    await signIn(page, 'agent@example.com');
    await page.goto(`/agent/subscribers/${sub.subscriberId}`);
    const key = 'up_sell:PLUS+three_way+voicemail';
    await page
      .locator(`[data-testid="offer"][data-offer-key="${key}"]`)
      .getByRole('link', { name: /Review this change/ })
      .click();
    await page.getByLabel(/^Reason/).fill('Customer asked for the best-value option.');
    await page.getByRole('button', { name: /^Confirm/ }).click();
    await expect(page.getByTestId('confirm-message')).toHaveAttribute('data-status', 'success');

    const admin = await (await browser.newContext()).newPage();
    await admin.setViewportSize(PHONE);
    await signIn(admin, 'admin@example.com');
    await admin.goto(`/admin/analytics?from=${DAY}&to=${DAY}`);
    const row = admin.locator(`[data-testid="analytics-row"][data-offer-key="${key}"]`);
    await expect(row.getByTestId('acceptances')).toHaveText('1');
    await expect(row.getByTestId('impressions')).toHaveText('0');
    await expect(row.getByTestId('acceptance-rate')).toHaveText(/no impressions/);
    await expectFits(admin, `/admin/analytics?from=${DAY}&to=${DAY} at ${PHONE.width}`);
    // The table scrolls inside its region instead.
    const region = await admin.getByTestId('analytics-table').evaluate((t) => ({
      scroll: t.parentElement!.scrollWidth,
      client: t.parentElement!.clientWidth,
    }));
    expect(region.scroll).toBeGreaterThan(region.client);
    await admin.context().close();
  });
});

test.describe('dashboard (a fixture like Gus: international calls, 10 long-distance minutes)', () => {
  test.use({ subscriberOptions: LIKE.gus });
  test('the dashboard puts the plan and money first, then one offer in full and the others as compact rows', async ({
    page,
    subscriber: _,
  }) => {
    await page.setViewportSize(PHONE);
    await page.goto('/dashboard');
    const plan = page.getByRole('heading', { level: 2, name: 'Your plan' });
    const bill = page.getByRole('heading', { level: 2, name: 'Next bill estimate' });
    const offers = page.getByTestId('offers');
    await expect(plan).toBeVisible();
    const y = async (l: ReturnType<Page['locator']>) => (await l.boundingBox())!.y;
    expect(await y(plan)).toBeLessThan(await y(offers));
    expect(await y(bill)).toBeLessThan(await y(offers));
    // Money with the currency symbol; no internal codes for a subscriber.
    await expect(page.getByTestId('monthly-total')).toHaveText(/^\$\d+\.\d{2}$/);
    await expect(page.getByRole('main')).not.toContainText('(BASIC, tier 1)');
    await expect(page.getByTestId('plan-code')).toHaveCount(0);
    // Dates in one readable style that doesn't break: "Dec 1, 2026"; a period as the locale's
    // range of them ("Nov 28 – Dec 27, 2026", "Dec 16, 2026 – Jan 15, 2027"), never ISO days.
    await expect(page.getByTestId('billing-period')).toHaveText(
      /^[A-Z][a-z]{2}\s\d{1,2}(,\s\d{4})?\s–\s([A-Z][a-z]{2}\s)?\d{1,2},\s\d{4}\s·/,
    );
    await expect(page.getByTestId('billing-period')).not.toContainText(/\d{4}-\d{2}-\d{2}/);
    expect(await page.getByTestId('billing-period').textContent()).toContain('\u00a0');
    // 10 long-distance minutes, none included: no alarming full bar, the words say it.
    await expect(page.getByTestId('usage-ld-text')).toContainText('none included in your plan');
    await expect(page.getByTestId('usage-ld')).toHaveCount(0);

    const all = page.getByTestId('offer');
    await expect(all.first()).toBeVisible();
    const n = await all.count();
    expect(n, 'one offer in full and at least one compact row').toBeGreaterThanOrEqual(2);
    for (let i = 0; i < n; i++) {
      const o = all.nth(i);
      if (i === 0) {
        await expect(o.locator('details')).toHaveCount(0);
        await expect(o.getByTestId('offer-explanation')).toBeVisible();
      } else {
        await expect(o.locator('details')).not.toHaveAttribute('open');
        await expect(o.getByTestId('offer-value')).toHaveText(/a month/);
        await expect(o.getByTestId('offer-explanation')).toBeHidden();
        await o.locator('summary').click();
        await expect(o.getByTestId('offer-explanation')).toBeVisible();
      }
    }
    await expectNoAxeViolations(page);
  });
});

test.describe('offer words', () => {
  test.describe('a fixture like Ada (long-distance minutes on Basic Line)', () => {
    test.use({ subscriberOptions: LIKE.ada });
    test('the saving is explained next to the price change', async ({ page, subscriber: _ }) => {
      await page.goto('/dashboard');
      const first = page.getByTestId('offer').first();
      await expect(first.getByTestId('offer-price-change')).toHaveText(/^[+-]\$\d+\.\d{2}$/);
      await expect(first).toContainText(/a month/);
      if ((await first.getByTestId('offer-saving').count()) > 0) {
        await expect(first).toContainText('less a month');
        await expect(first).toContainText('Overall, for how you use your line');
      }
    });
  });

  test.describe('a fixture like Eve (Basic + four features)', () => {
    test.use({ subscriberOptions: LIKE.eve });
    test("a cheaper higher tier isn't badged Upgrade", async ({ page, subscriber: _ }) => {
      // Offered Plus + Voicemail + Three-Way Calling for less.
      await page.goto('/dashboard');
      const plusOffer = page.locator('[data-testid="offer"][data-offer-key="up_sell:PLUS+three_way+voicemail"]');
      await expect(plusOffer.getByTestId('offer-title')).toHaveText('Move to Plus + Voicemail + Three-Way Calling');
      await expect(plusOffer.getByTestId('offer-badge')).not.toContainText('Upgrade');
      await expect(plusOffer.getByTestId('offer-badge')).toContainText('Better plan, lower price');
    });
  });
});

test.describe('plan cards say what is kept, what is lost, and the new monthly total', () => {
  test.describe('a fixture like Eve (Basic + four features)', () => {
    test.use({ subscriberOptions: LIKE.eve });
    test('Plus keeps what it includes; a card shows its new total', async ({ page, subscriber: _ }) => {
      await page.goto('/plans');
      // She keeps Call Waiting and Caller ID on Plus (included there): not "Removes".
      const plus = page.getByTestId('plan-card-PLUS');
      await expect(plus.getByTestId('plan-now-included-PLUS')).toContainText('Call Waiting');
      await expect(plus.getByTestId('plan-now-included-PLUS')).toContainText('Caller ID');
      await expect(plus).not.toContainText('Removes');
      await expect(plus.getByTestId('plan-loses-PLUS')).toHaveCount(0);
      const card = page.locator('[data-testid^="plan-card-"]:not([aria-current])').first();
      await expect(card).toContainText('New monthly total:');
      await expect(card).not.toContainText('Your monthly total');
    });
  });

  test.describe('a fixture like Finn (the retired Classic Line, which includes Caller ID)', () => {
    test.use({ subscriberOptions: LIKE.finn });
    test('Basic Line would take Caller ID away', async ({ page, subscriber: _ }) => {
      await page.goto('/plans');
      await expect(page.getByTestId('plan-loses-BASIC')).toContainText('Caller ID');
      await expect(page.getByTestId('plan-new-total-BASIC')).toHaveText('$20.00');
      await expect(page.getByTestId('plan-change-BASIC')).toHaveText('-$2.00');
    });
  });
});

test('a nav click shows a pending sign at once while the next page loads', async ({ page, subscriber: _ }) => {
  await page.setViewportSize(PHONE);
  await page.goto('/dashboard');
  // Hold the next page's response for a while, as a slow network would.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  await page.route(
    (url) => url.pathname === '/history',
    async (route) => {
      await held;
      await route.continue();
    },
  );
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByTestId('link-pending')).toBeVisible();
  release();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your change history');
  await expectCurrent(page, 'History');
  await expect(page.getByTestId('link-pending')).toHaveCount(0);
});

test.describe('a fixture like Finn (calls missed while busy)', () => {
  test.use({ subscriberOptions: LIKE.finn });
  test('"Not for me" can be undone for 10 seconds; after that the offer stays set aside', async ({
    page,
    subscriber: _,
  }) => {
    // His one offer: Call Waiting, from his missed-while-busy calls.
    await page.goto('/dashboard');
    const offer = page.locator('[data-testid="offer"][data-offer-key="cross_sell:LEGACY+call_waiting"]');
    await expect(offer).toBeVisible();
    const title = (await offer.getByTestId('offer-title').textContent()) ?? '';
    await offer.getByRole('button', { name: `Not for me: ${title}` }).click();
    const aside = page.getByTestId('offer-set-aside');
    await expect(aside).toContainText("won't suggest");
    await expect(offer).toHaveCount(0);
    await aside.getByRole('button', { name: `Undo: ${title}` }).click();
    await expect(offer).toBeVisible();
    await page.reload();
    await expect(offer).toBeVisible();

    await offer.getByRole('button', { name: `Not for me: ${title}` }).click();
    await expect(aside.getByRole('button', { name: `Undo: ${title}` })).toBeVisible();
    // After the 10 seconds the undo goes and the page closes up (it refreshes itself).
    await expect(aside).toHaveCount(0, { timeout: 20_000 });
    await page.reload();
    await expect(offer).toHaveCount(0);
  });
});

test('agent: the reason is labelled as shown to the subscriber, refused once at the field, and kept after the error', async ({
  page,
  makeSubscriber,
}) => {
  const sub = await makeSubscriber(LIKE.carla);
  await signIn(page, 'agent@example.com');
  await page.goto(`/agent/subscribers/${sub.subscriberId}/change?add=intl_saver`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Review the change');
  const reason = page.getByLabel(/^Reason/);
  await expect(page.locator('label[for="reason"]')).toContainText('shown to the subscriber');
  await reason.fill('   ');
  await page.getByRole('button', { name: /^Confirm/ }).click();
  await expect(page.getByTestId('reason-error')).toBeVisible();
  // One error, at the field.
  await expect(page.getByTestId('confirm-message')).toHaveCount(0);
  await expect(reason).toHaveValue('   ');
  await expect(page.getByTestId('preview-summary')).toBeVisible();
});

test.describe('a fixture like Carla (Premium)', () => {
  test.use({ subscriberOptions: LIKE.carla });
  test('a confirm that gets no answer says the outcome is unknown and where to check, and keeps the preview', async ({
    page,
    context,
    subscriber: _,
  }) => {
    await page.goto('/change?plan=UNLIMITED');
    await expect(page.getByTestId('preview-summary')).toBeVisible();
    await context.setOffline(true);
    await page.getByRole('button', { name: /^Confirm/ }).click();
    const message = page.getByTestId('confirm-message');
    await expect(message).toContainText("we don't know whether the change went through");
    await expect(message).not.toContainText('Nothing was changed');
    await expect(page.getByRole('link', { name: 'Check the change history' })).toBeVisible();
    await expect(page.getByTestId('preview-summary')).toBeVisible();
    await context.setOffline(false);
  });

  test('after a confirm: its own success view, and Back and the next-bill estimate show the change; a cancel refreshes the page', async ({
    page,
    subscriber: _,
  }) => {
    test.setTimeout(120_000);
    // Add International Saver from the add-ons page.
    await page.goto('/add-ons');
    await page.getByTestId('add-on-row-intl_saver').getByRole('link', { name: /^Add / }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Review your change');
    await page.getByRole('button', { name: /^Confirm/ }).click();
    await expect(page.getByTestId('confirm-message')).toHaveAttribute('data-status', 'success');
    // The success view is its own: no "Review your change", no "Back without changing anything".
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      /^Done: you now have Premium \+ International Saver/,
    );
    await expect(page.getByRole('heading', { name: 'Review your change' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Back without changing anything' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Back to the overview' })).toBeVisible();
    await expectNoAxeViolations(page);
    // Back shows the add-on as held, not "Add International Saver" again.
    await page.goBack();
    await expect(page).toHaveURL(/\/add-ons$/);
    await expect(page.getByTestId('add-on-row-intl_saver')).toHaveAttribute('data-status', 'held');
    await expect(page.getByTestId('add-on-row-intl_saver').getByRole('link', { name: /^Remove / })).toBeVisible();

    // Schedule a move to Basic Line, then cancel it on the overview: the estimate follows at once.
    await page.goto('/change?plan=BASIC');
    await page.getByRole('button', { name: 'Confirm and schedule' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Scheduled: from /);
    await page.getByRole('link', { name: 'Back to the overview' }).click();
    const bill = page.getByTestId('next-bill');
    await expect(bill).toContainText('Basic Line');
    await page.getByRole('button', { name: 'Cancel this change' }).click();
    await expect(page.getByTestId('cancel-message')).toContainText('Cancelled.');
    await expect(bill).not.toContainText('Basic Line');
    await expect(bill).toContainText('Premium');
  });
});
