/**
 * How a ledger line reads (lib/domain/bills/line-text.ts, docs/bills.md): the stored description
 * keeps the neutral style (ISO days, bare amounts) for the database and the APIs; what a page,
 * the PDF or an email shows has the portal's one date style and its money, for lines written
 * by every builder and for lines stored before (bills are immutable, their text is kept).
 */
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import { assembleBill, lineText, rateUsage } from '@/lib/domain/bills';
import { prorationLines } from '@/lib/domain/changes';
import { periodContaining } from '@/lib/domain/periods';
import { recurringLines } from '@/lib/domain/rollover';
import { createFormats, PLAIN_FORMATS } from '@/lib/domain/text';
import { lateUsageAdjustment } from '@/lib/domain/usage';

const usd = createFormats({ locale: 'en-US', currency: 'USD' });
const ISO_DAY = /\d{4}-\d{2}-\d{2}/;
/** No-break and thin spaces as plain ones, to compare with readable literals. */
const plain = (s: string) => s.replace(/[\u00a0\u2009\u202f]/g, ' ');
const shown = (description: string) => plain(lineText(description, usd));

describe('days from one to another (Formats.days)', () => {
  it('the locale writes the range once: the month or year said once when the ends share it', () => {
    expect(plain(usd.days('2027-01-01', '2027-01-31'))).toBe('Jan 1 – 31, 2027');
    expect(plain(usd.days('2026-11-16', '2026-12-15'))).toBe('Nov 16 – Dec 15, 2026');
    expect(plain(usd.days('2026-12-16', '2027-01-15'))).toBe('Dec 16, 2026 – Jan 15, 2027');
    expect(plain(usd.days('2026-11-30', '2026-11-30'))).toBe('Nov 30, 2026');
  });

  it('each end stays on one line; the range may break after its dash only', () => {
    const r = usd.days('2026-12-16', '2027-01-15');
    expect(r).not.toMatch(/ /); // no ordinary space
    expect(r.split('\u2009').map((p) => p.trim())).toEqual(['Dec\u00a016,\u00a02026', '–', 'Jan\u00a015,\u00a02027']);
  });

  it('the neutral style is the stored one; a range that ends before it starts is refused', () => {
    expect(PLAIN_FORMATS.days('2027-01-01', '2027-01-31')).toBe('2027-01-01 to 2027-01-31');
    expect(PLAIN_FORMATS.days('2027-01-31', '2027-01-31')).toBe('2027-01-31');
    expect(() => usd.days('2027-01-31', '2027-01-01')).toThrow(RangeError);
  });

  it("another locale's style", () => {
    const gb = createFormats({ locale: 'en-GB', currency: 'GBP' });
    expect(plain(gb.days('2026-12-16', '2027-01-15'))).toBe('16 Dec 2026 – 15 Jan 2027');
  });
});

describe('lineText: each kind of line as people read it', () => {
  const dec = { start: '2026-12-01', end: '2027-01-01', days: 31 };

  it('recurring: the plan and add-ons with their days, no ISO day', () => {
    const lines = recurringLines(catalogData, { planCode: 'PLUS', addOns: ['voicemail'] }, dec);
    expect(lines.map((l) => l.description)).toEqual([
      'Plus, 2026-12-01 to 2026-12-31',
      'Voicemail, 2026-12-01 to 2026-12-31',
    ]);
    expect(lines.map((l) => shown(l.description))).toEqual(['Plus, Dec 1 – 31, 2026', 'Voicemail, Dec 1 – 31, 2026']);
  });

  it('a period across the new year, billed on the 16th', () => {
    const period = periodContaining(16, '2026-12-20');
    const [plan] = recurringLines(catalogData, { planCode: 'BASIC', addOns: [] }, period);
    expect(shown(plan!.description)).toBe('Basic Line, Dec 16, 2026 – Jan 15, 2027');
  });

  it('proration: credit and charge with the days left, one day said once', () => {
    const nov = { start: '2026-11-01', end: '2026-12-01', days: 30 };
    const lines = prorationLines(
      catalogData,
      { planCode: 'BASIC', addOns: [] },
      { planCode: 'PREMIUM', addOns: [] },
      nov,
      '2026-11-16',
    );
    expect(lines.map((l) => shown(l.description))).toEqual([
      'Credit: Basic Line, 15 of 30 days (Nov 16 – 30, 2026)',
      'Premium, 15 of 30 days (Nov 16 – 30, 2026)',
    ]);
    const last = prorationLines(
      catalogData,
      { planCode: 'BASIC', addOns: [] },
      { planCode: 'BASIC', addOns: ['voicemail'] },
      nov,
      '2026-11-30',
    );
    expect(shown(last[0]!.description)).toBe('Voicemail, 1 of 30 days (Nov 30, 2026)');
  });

  it('usage: the rate and the amount in the currency, the quantity as it is', () => {
    const [ld] = rateUsage(catalogData, { planCode: 'BASIC', addOns: [] }, { ldMinutes: 240, intlMinutes: 0 }).lines;
    expect(ld!.description).toBe('Long-distance minutes beyond the allowance: 240 × 0.10 = 24.00');
    expect(shown(ld!.description)).toBe('Long-distance minutes beyond the allowance: 240 × $0.10 = $24.00');
    expect(shown(`${ld!.description} (so far this period)`)).toBe(
      'Long-distance minutes beyond the allowance: 240 × $0.10 = $24.00 (so far this period)',
    );
  });

  it('late usage: the billed period by its own days (the last one included), and its money', () => {
    const [late] = lateUsageAdjustment(
      catalogData,
      { planCode: 'BASIC', addOns: [] },
      { start: '2026-10-01', end: '2026-11-01' },
      { ldMinutes: 240, intlMinutes: 0 },
      { ldMinutes: 10, intlMinutes: 0 },
    );
    expect(late!.description).toBe(
      'Late usage for 2026-10-01 to 2026-10-31: 10 long-distance minutes beyond the allowance × 0.10 = 1.00',
    );
    expect(shown(late!.description)).toBe(
      'Late usage for Oct 1 – 31, 2026: 10 long-distance minutes beyond the allowance × $0.10 = $1.00',
    );
  });

  it('credits: the amount carried in the currency, a bill number left as it is', () => {
    const bill = assembleBill({
      billDate: '2026-12-01',
      closedPeriod: { start: '2026-11-01', end: '2026-12-01', days: 30 },
      booked: [{ kind: 'proration', itemType: 'plan', itemCode: 'PREMIUM', description: 'x', amountCents: -3000 }],
      usage: [],
      creditBrought: { cents: 250, fromNumber: 1042 },
    });
    expect(bill.lines.filter((l) => l.kind === 'credit').map((l) => shown(l.description))).toEqual([
      'Credit brought forward from bill 1042',
      'Credit of $32.50 carried forward to the next bill',
    ]);
  });
});

describe('lineText: lines stored before, and what it leaves alone', () => {
  it('an old line (stored as it was, with ISO days and the end day of the late period) reads sensibly', () => {
    for (const [stored, reads] of [
      ['Premium Line, 2027-01-01 to 2027-01-31', 'Premium Line, Jan 1 – 31, 2027'],
      [
        'Credit: Basic Line, 15 of 30 days (2026-11-16 to 2026-11-30)',
        'Credit: Basic Line, 15 of 30 days (Nov 16 – 30, 2026)',
      ],
      [
        'Late usage for 2026-10-01 to 2026-11-01: 10 long-distance minutes beyond the allowance × 0.10 = 1.00',
        'Late usage for Oct 1 – Nov 1, 2026: 10 long-distance minutes beyond the allowance × $0.10 = $1.00',
      ],
      [
        'International minutes at the International Saver rate: 30 × 0.05 = 1.50',
        'International minutes at the International Saver rate: 30 × $0.05 = $1.50',
      ],
    ] as const) {
      expect(shown(stored)).toBe(reads);
      expect(lineText(stored, usd)).not.toMatch(ISO_DAY);
    }
  });

  it('text without days or amounts is kept; the neutral style reads back as itself', () => {
    expect(lineText('Credit brought forward from bill 12', usd)).toBe('Credit brought forward from bill 12');
    expect(lineText('Long Distance 300, 2026-12-01 to 2026-12-31', PLAIN_FORMATS)).toBe(
      'Long Distance 300, 2026-12-01 to 2026-12-31',
    );
    // Not a day: a longer run of digits and dashes; a range backwards is said as two days.
    expect(lineText('ref 12026-12-01-7', usd)).toBe('ref 12026-12-01-7');
    expect(shown('from 2027-01-31 to 2027-01-01')).toBe('from Jan 31, 2027 to Jan 1, 2027');
  });

  it("in another operator's currency and locale", () => {
    const de = createFormats({ locale: 'de-DE', currency: 'EUR' });
    expect(plain(lineText('Plus, 2026-12-01 to 2026-12-31', de))).toBe('Plus, 01.–31.12.2026');
    expect(plain(lineText('Long-distance minutes beyond the allowance: 240 × 0.10 = 24.00', de))).toBe(
      'Long-distance minutes beyond the allowance: 240 × 0,10 € = 24,00 €',
    );
  });
});
