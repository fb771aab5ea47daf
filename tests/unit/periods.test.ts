import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  dayOf,
  daysBetween,
  daysInMonth,
  daysRemaining,
  isDay,
  lastDayOf,
  nextPeriod,
  periodContaining,
  periodIncludes,
  startOfDay,
} from '@/lib/domain/periods';

/** Any day from 1990 through 2099. */
const dayArb = fc.integer({ min: 7305, max: 47481 }).map((n) => addDays('1970-01-01', n));
const billingDayArb = fc.integer({ min: 1, max: 31 });

describe('days', () => {
  it('dayOf takes the UTC calendar day of an instant', () => {
    expect(dayOf(new Date('2026-11-16T00:00:00Z'))).toBe('2026-11-16');
    expect(dayOf(new Date('2026-11-16T23:59:59.999Z'))).toBe('2026-11-16');
    expect(dayOf(new Date('2026-11-16T23:30:00-05:00'))).toBe('2026-11-17');
    expect(() => dayOf(new Date('nonsense'))).toThrow(RangeError);
  });

  it('addDays and daysBetween cross months, years and leap days', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-11-16', '2026-12-01')).toBe(15);
    expect(daysBetween('2026-12-01', '2026-11-16')).toBe(-15);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(daysBetween('2026-03-29', '2026-03-30')).toBe(1); // no DST in UTC
  });

  it('validates days', () => {
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2027-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('2026-1-01')).toBe(false);
    expect(isDay('2026-11-16T00:00:00Z')).toBe(false);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => daysBetween('yesterday', '2026-01-01')).toThrow(RangeError);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });

  it('round-trips through instants', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -400, max: 400 }), (day, n) => {
        expect(dayOf(startOfDay(day))).toBe(day);
        expect(daysBetween(day, addDays(day, n))).toBe(n);
      }),
    );
  });
});

describe('periodContaining', () => {
  it('spec example: billing day 1, November 2026', () => {
    expect(periodContaining(1, '2026-11-16')).toEqual({ start: '2026-11-01', end: '2026-12-01', days: 30 });
    expect(periodContaining(1, '2026-11-01')).toEqual({ start: '2026-11-01', end: '2026-12-01', days: 30 });
    expect(periodContaining(1, '2026-11-30')).toEqual({ start: '2026-11-01', end: '2026-12-01', days: 30 });
  });

  it.each([
    // billing day 31: Jan 31 → Feb 28 → Mar 31 → Apr 30 → May 31 (2027, non-leap)
    [31, '2027-02-01', '2027-01-31', '2027-02-28', 28],
    [31, '2027-02-28', '2027-02-28', '2027-03-31', 31],
    [31, '2027-03-30', '2027-02-28', '2027-03-31', 31],
    [31, '2027-03-31', '2027-03-31', '2027-04-30', 30],
    [31, '2027-04-30', '2027-04-30', '2027-05-31', 31],
    [31, '2027-12-31', '2027-12-31', '2028-01-31', 31],
    // leap year 2028
    [31, '2028-02-15', '2028-01-31', '2028-02-29', 29],
    [31, '2028-02-29', '2028-02-29', '2028-03-31', 31],
    [30, '2028-02-29', '2028-02-29', '2028-03-30', 30],
    [30, '2028-02-10', '2028-01-30', '2028-02-29', 30],
    [29, '2028-02-29', '2028-02-29', '2028-03-29', 29],
    [29, '2028-02-28', '2028-01-29', '2028-02-29', 31],
    // non-leap 2027: billing days 29 and 30 start February's period on the 28th
    [29, '2027-02-28', '2027-02-28', '2027-03-29', 29],
    [29, '2027-02-27', '2027-01-29', '2027-02-28', 30],
    [30, '2027-03-15', '2027-02-28', '2027-03-30', 30],
    [30, '2027-01-29', '2026-12-30', '2027-01-30', 31],
    // year boundary
    [15, '2027-01-03', '2026-12-15', '2027-01-15', 31],
    [1, '2026-12-31', '2026-12-01', '2027-01-01', 31],
  ])('billing day %i, %s → %s to %s (%i days)', (billingDay, day, start, end, days) => {
    expect(periodContaining(billingDay, day)).toEqual({ start, end, days });
  });

  it('billing day 31 runs Jan 31 → Feb 28/29 → Mar 31 → Apr 30 → May 31', () => {
    for (const [year, feb] of [
      [2027, '2027-02-28'],
      [2028, '2028-02-29'],
    ] as const) {
      const starts = [`${year}-01-31`];
      let p = periodContaining(31, `${year}-01-31`);
      for (let i = 0; i < 4; i++) {
        p = nextPeriod(31, p);
        starts.push(p.start);
      }
      expect(starts).toEqual([`${year}-01-31`, feb, `${year}-03-31`, `${year}-04-30`, `${year}-05-31`]);
    }
  });

  it('rejects billing days outside 1..31', () => {
    for (const bad of [0, 32, -1, 1.5, Number.NaN]) {
      expect(() => periodContaining(bad, '2026-11-16')).toThrow(RangeError);
      expect(() => nextPeriod(bad, { start: '2026-11-01', end: '2026-12-01', days: 30 })).toThrow(RangeError);
    }
  });

  it('contains the day, and lasts 28 to 31 days', () => {
    fc.assert(
      fc.property(billingDayArb, dayArb, (billingDay, day) => {
        const p = periodContaining(billingDay, day);
        expect(periodIncludes(p, day)).toBe(true);
        expect(p.days).toBe(daysBetween(p.start, p.end));
        expect(p.days).toBeGreaterThanOrEqual(28);
        expect(p.days).toBeLessThanOrEqual(31);
        const startDom = Number(p.start.slice(8));
        const y = Number(p.start.slice(0, 4));
        const m = Number(p.start.slice(5, 7));
        expect(startDom).toBe(Math.min(billingDay, daysInMonth(y, m)));
        expect(daysRemaining(p, day)).toBeGreaterThanOrEqual(1);
        expect(daysRemaining(p, day)).toBeLessThanOrEqual(p.days);
        expect(daysRemaining(p, p.start)).toBe(p.days);
        expect(daysRemaining(p, lastDayOf(p))).toBe(1);
      }),
    );
  });

  it('tiles the calendar: each period ends where the next starts', () => {
    fc.assert(
      fc.property(billingDayArb, dayArb, fc.integer({ min: 1, max: 30 }), (billingDay, day, count) => {
        let p = periodContaining(billingDay, day);
        for (let i = 0; i < count; i++) {
          const next = nextPeriod(billingDay, p);
          expect(next.start).toBe(p.end);
          expect(next.days).toBeGreaterThanOrEqual(28);
          expect(next.days).toBeLessThanOrEqual(31);
          // Every day of a period maps back to that period.
          expect(periodContaining(billingDay, p.start)).toEqual(p);
          expect(periodContaining(billingDay, lastDayOf(p))).toEqual(p);
          expect(periodContaining(billingDay, p.end)).toEqual(next);
          p = next;
        }
      }),
    );
  });

  it('twelve consecutive periods make a year', () => {
    fc.assert(
      fc.property(billingDayArb, dayArb, (billingDay, day) => {
        const first = periodContaining(billingDay, day);
        let p = first;
        let total = 0;
        for (let i = 0; i < 12; i++) {
          total += p.days;
          p = nextPeriod(billingDay, p);
        }
        // Twelve periods later: same month, one year on.
        expect(Number(p.start.slice(0, 4))).toBe(Number(first.start.slice(0, 4)) + 1);
        expect(p.start.slice(5, 7)).toBe(first.start.slice(5, 7));
        expect(daysBetween(first.start, p.start)).toBe(total);
        expect(total === 365 || total === 366).toBe(true);
      }),
    );
  });
});

describe('nextPeriod', () => {
  it('follows a regular period', () => {
    expect(nextPeriod(1, { start: '2026-11-01', end: '2026-12-01', days: 30 })).toEqual({
      start: '2026-12-01',
      end: '2027-01-01',
      days: 31,
    });
  });

  it('after a billing-day change, starts at the old end and runs to the new billing day', () => {
    expect(nextPeriod(20, { start: '2026-11-01', end: '2026-12-01', days: 30 })).toEqual({
      start: '2026-12-01',
      end: '2026-12-20',
      days: 19,
    });
  });
});
