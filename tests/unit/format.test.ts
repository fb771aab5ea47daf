/**
 * The one formatting module (lib/domain/text/format.ts): money through Intl.NumberFormat in
 * the operator's currency, days in one readable style that never breaks across lines, and the
 * settings lib/config reads (SWITCHBOARD_CURRENCY, SWITCHBOARD_LOCALE).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import { config, resetConfigForTests } from '@/lib/config';
import { planChange } from '@/lib/domain/changes';
import { computeOffers, kindBadge, valuePhrase } from '@/lib/domain/offers';
import { createFormats, DEFAULT_DISPLAY, displaySettingsProblem, MEMO_LIMIT, PLAIN_FORMATS } from '@/lib/domain/text';
import { demo, offersOf, TODAY } from './support/offers-fixtures';

const NBSP = '\u00a0';
const usd = createFormats({ locale: 'en-US', currency: 'USD' });

describe('money', () => {
  it('en-US dollars by default: a symbol, two decimals, a minus for credits', () => {
    expect(DEFAULT_DISPLAY).toEqual({ locale: 'en-US', currency: 'USD' });
    expect(usd.money(2000)).toBe('$20.00');
    expect(usd.money(5)).toBe('$0.05');
    expect(usd.money(0)).toBe('$0.00');
    expect(usd.money(-1000)).toBe('-$10.00');
    expect(usd.money(123456789)).toBe('$1,234,567.89');
  });

  it('a change carries its sign, zero none', () => {
    expect(usd.signedMoney(750)).toBe('+$7.50');
    expect(usd.signedMoney(-1000)).toBe('-$10.00');
    expect(usd.signedMoney(0)).toBe('$0.00');
  });

  it("another operator's currency and locale", () => {
    const eur = createFormats({ locale: 'de-DE', currency: 'EUR' });
    expect(eur.money(-123450).replace(/\s/g, ' ')).toBe('-1.234,50 €');
    const gbp = createFormats({ locale: 'en-GB', currency: 'GBP' });
    expect(gbp.money(2000)).toBe('£20.00');
    expect(gbp.day('2026-12-10')).toBe(`10${NBSP}Dec${NBSP}2026`);
  });

  it('every cent amount round-trips to the cent (no float drift in the display)', () => {
    for (let c = -100_000; c <= 100_000; c += 7) {
      const shown = usd.money(c).replace(/[$,]/g, '');
      expect(Math.round(Number(shown) * 100)).toBe(c);
    }
  });
});

describe('days', () => {
  it('one readable style, with no-break spaces so a date never breaks across lines', () => {
    expect(usd.day('2026-12-10')).toBe(`Dec${NBSP}10,${NBSP}2026`);
    expect(usd.day('2026-12-10')).not.toMatch(/ /);
    expect(usd.month('2026-12-10')).toBe(`Dec${NBSP}2026`);
    // A calendar day is the same day in any time zone of the server.
    expect(usd.day('2026-01-01')).toBe(`Jan${NBSP}1,${NBSP}2026`);
    expect(() => usd.day('12/10/2026')).toThrow(/Not a day/);
  });

  it('a moment: the day and the time in UTC, said', () => {
    expect(usd.moment('2026-12-10T10:02:00Z')).toBe(`Dec${NBSP}10,${NBSP}2026, 10:02${NBSP}UTC`);
    expect(usd.time(new Date('2026-12-10T23:59:00Z'))).toBe(`23:59${NBSP}UTC`);
  });

  it('a range, a day and an amount read the same from the kept results as freshly formatted, past the limit too (issue 23)', () => {
    const f = createFormats({ locale: 'en-GB', currency: 'EUR' });
    const medium = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
    const eur = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' });
    const iso = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const fresh = (a: number, b: number) =>
      (a === b
        ? medium.format(new Date(`${iso(a)}T00:00:00Z`))
        : medium.formatRange(new Date(`${iso(a)}T00:00:00Z`), new Date(`${iso(b)}T00:00:00Z`))
      ).replace(/[ \u202f]/g, NBSP);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: -1e7, max: 1e7 }),
        (start, length, cents) => {
          for (let twice = 0; twice < 2; twice++) {
            expect(f.days(iso(start), iso(start + length))).toBe(fresh(start, start + length));
            expect(f.day(iso(start))).toBe(fresh(start, start));
            expect(f.money(cents)).toBe(eur.format(cents / 100));
          }
        },
      ),
      { numRuns: MEMO_LIMIT * 3 },
    );
    // What isn't a day is refused each time, not kept.
    for (let twice = 0; twice < 2; twice++) {
      expect(() => f.days('2026-12-10', 'soon')).toThrow(/Not a day/);
      expect(() => f.days('2026-12-10', '2026-12-01')).toThrow(/ends before it starts/);
      expect(() => f.day('10/12/2026')).toThrow(/Not a day/);
    }
  });

  it('plain formats keep the figures domain copy and stored text always used', () => {
    expect(PLAIN_FORMATS.money(-1234)).toBe('-12.34');
    expect(PLAIN_FORMATS.signedMoney(750)).toBe('+7.50');
    expect(PLAIN_FORMATS.day('2026-12-10')).toBe('2026-12-10');
  });
});

describe('settings', () => {
  it('refuses a locale or currency that cannot be shown, naming the variable', () => {
    expect(displaySettingsProblem({ locale: 'en-US', currency: 'USD' })).toBeNull();
    expect(displaySettingsProblem({ locale: 'en-US', currency: 'XYZ1' })).toMatch(/^SWITCHBOARD_CURRENCY/);
    expect(displaySettingsProblem({ locale: 'en-US', currency: 'JPY' })).toMatch(/0 decimals/);
    expect(displaySettingsProblem({ locale: 'not a locale!', currency: 'USD' })).toMatch(/^SWITCHBOARD_LOCALE/);
    expect(() => createFormats({ locale: 'en-US', currency: 'BHD' })).toThrow(/3 decimals/);
  });

  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetConfigForTests();
  });

  it('lib/config reads SWITCHBOARD_CURRENCY and SWITCHBOARD_LOCALE, with en-US and USD by default', () => {
    delete process.env.SWITCHBOARD_CURRENCY;
    delete process.env.SWITCHBOARD_LOCALE;
    resetConfigForTests();
    expect(config().display).toEqual({ locale: 'en-US', currency: 'USD' });
    process.env.SWITCHBOARD_CURRENCY = 'eur';
    process.env.SWITCHBOARD_LOCALE = 'fr-FR';
    resetConfigForTests();
    expect(config().display).toEqual({ locale: 'fr-FR', currency: 'EUR' });
    process.env.SWITCHBOARD_CURRENCY = 'JPY';
    resetConfigForTests();
    expect(() => config()).toThrow(/SWITCHBOARD_CURRENCY: JPY has 0 decimals/);
  });
});

describe('offers in the operator currency', () => {
  it("ada's evidence reads in dollars when the formats are given", () => {
    const d = demo.ada;
    const offers = offersOf(
      computeOffers({
        catalog: catalogData,
        current: d.current,
        usage: d.usage,
        suppressed: [],
        today: TODAY,
        formats: usd,
      }),
    );
    expect(offers[0]!.explanation).toBe(
      'Your 240 long-distance minutes cost $24.00 last month; Long Distance 300 costs $8.00.',
    );
    expect(offers[0]!.talkingPoints).toContain('The monthly price goes from $20.00 to $28.00 (+$8.00).');
    expect(offers[0]!.valueText).toBe(
      '$8.00 more a month in plan price, $16.00 less overall for how you use your line',
    );
  });

  it('the price change and the saving in one phrase; said once when they are the same', () => {
    expect(valuePhrase(1500, 900, usd)).toBe(
      '$15.00 more a month in plan price, $9.00 less overall for how you use your line',
    );
    expect(valuePhrase(-150, 150, usd)).toBe('$1.50 less a month');
    expect(valuePhrase(500, -500, usd)).toBe('$5.00 more a month');
    expect(valuePhrase(0, 1800, usd)).toBe('The same plan price, $18.00 less overall for how you use your line');
    expect(valuePhrase(0, 0, usd)).toBe('The same price a month');
    // On a staff page, of the subscriber.
    expect(valuePhrase(1500, 900, usd, 'staff')).toBe(
      '$15.00 more a month in plan price, $9.00 less overall for how they use their line',
    );
  });

  it('a higher tier that costs less is not badged an upgrade', () => {
    expect(kindBadge('up_sell', 500)).toBe('Upgrade');
    expect(kindBadge('up_sell', -200)).toBe('Better plan, lower price');
    expect(kindBadge('up_sell', 0)).toBe('Better plan, lower price');
    expect(kindBadge('cross_sell', 800)).toBe('Add-on');
    expect(kindBadge('right_size', -150)).toBe('Save money');
  });
});

describe('a change preview in the operator currency', () => {
  it('the summary and the undo read in dollars and the one date style (spec §2 example: +7.50)', () => {
    const r = planChange({
      catalog: catalogData,
      current: { planCode: 'BASIC', addOns: [] },
      requested: { planCode: 'PREMIUM', addOns: [] },
      billingDay: 1,
      today: '2026-11-16',
      pending: null,
      formats: usd,
    });
    if (!r.ok) throw new Error(r.reasons.join(' '));
    expect(r.plan.summary).toBe(
      `Switch from Basic Line to Premium today (Nov${NBSP}16,${NBSP}2026): $7.50 on your next bill, then $35.00 a month.`,
    );
    expect(r.plan.undo).toContain(`on Dec${NBSP}1,${NBSP}2026.`);
    // Without formats: the plain figures (what the changes unit tests read).
    const plain = planChange({
      catalog: catalogData,
      current: { planCode: 'BASIC', addOns: [] },
      requested: { planCode: 'PREMIUM', addOns: [] },
      billingDay: 1,
      today: '2026-11-16',
      pending: null,
    });
    expect(plain.ok && plain.plan.summary).toBe(
      'Switch from Basic Line to Premium today (2026-11-16): 7.50 on your next bill, then 35.00 a month.',
    );
  });
});
