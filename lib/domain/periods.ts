/**
 * Calendar days and billing periods (spec section 2). Pure: the clock is passed in.
 *
 * Days are ISO "YYYY-MM-DD" strings in UTC. Internally a day is handled as a count of days
 * since 1970-01-01 ("epoch day"), which makes arithmetic exact (no DST, no time of day).
 * Because the format is fixed-width, two days also compare correctly as strings.
 */
import type { BillingPeriod, Day } from './types';

const MS_PER_DAY = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Is `value` a real calendar day written "YYYY-MM-DD" (e.g. not "2026-02-30")? */
export function isDay(value: unknown): value is Day {
  if (typeof value !== 'string') return false;
  const m = DAY_PATTERN.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  // Years before 1000 are refused: Date.UTC maps years 0..99 to 1900..1999.
  return year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Throws a RangeError unless `value` is a valid Day. */
export function assertDay(value: unknown, what = 'day'): asserts value is Day {
  if (!isDay(value)) throw new RangeError(`Invalid ${what} ${JSON.stringify(value)}: expected a calendar day "YYYY-MM-DD".`);
}

/** Throws a RangeError unless `billingDay` is an integer 1..31. */
export function assertBillingDay(billingDay: number): void {
  if (!Number.isInteger(billingDay) || billingDay < 1 || billingDay > 31) {
    throw new RangeError(`Invalid billing day ${String(billingDay)}: expected an integer from 1 to 31.`);
  }
}

/** Days in a month (month 1..12), leap years included. */
export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parts(day: Day): { year: number; month: number; day: number } {
  assertDay(day);
  return { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) };
}

function format(year: number, month: number, day: number): Day {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toEpochDay(day: Day): number {
  const p = parts(day);
  return Date.UTC(p.year, p.month - 1, p.day) / MS_PER_DAY;
}

function fromEpochDay(n: number): Day {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The UTC calendar day of an instant. */
export function dayOf(instant: Date): Day {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError('Invalid instant: expected a valid Date.');
  }
  return instant.toISOString().slice(0, 10);
}

/** The instant at which a day begins (00:00 UTC). */
export function startOfDay(day: Day): Date {
  return new Date(toEpochDay(day) * MS_PER_DAY);
}

/** `day` plus `n` days (n may be negative). */
export function addDays(day: Day, n: number): Day {
  if (!Number.isInteger(n)) throw new RangeError(`Invalid number of days ${String(n)}: expected an integer.`);
  return fromEpochDay(toEpochDay(day) + n);
}

/** Number of days from `a` to `b` (b − a): daysBetween("2026-11-16", "2026-12-01") = 15. */
export function daysBetween(a: Day, b: Day): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** −1, 0 or 1 as `a` is before, equal to or after `b`. */
export function compareDays(a: Day, b: Day): number {
  assertDay(a);
  assertDay(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The day a period starts in a given month: the billing day, or the month's last day if shorter. */
function periodStartIn(billingDay: number, year: number, month: number): Day {
  return format(year, month, Math.min(billingDay, daysInMonth(year, month)));
}

function shiftMonth(year: number, month: number, delta: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + delta;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/**
 * The billing period that contains `day`. A period runs from the billing day of one month
 * to the billing day of the next; in a shorter month it starts on that month's last day
 * (billing day 31: Jan 31 → Feb 28/29 → Mar 31 → Apr 30 → May 31). `end` is exclusive
 * (the next period's start) and `days` = end − start (28..31).
 */
export function periodContaining(billingDay: number, day: Day): BillingPeriod {
  assertBillingDay(billingDay);
  const p = parts(day);
  const thisMonthStart = periodStartIn(billingDay, p.year, p.month);
  let startMonth = { year: p.year, month: p.month };
  if (day < thisMonthStart) startMonth = shiftMonth(p.year, p.month, -1);
  const endMonth = shiftMonth(startMonth.year, startMonth.month, 1);
  const start = periodStartIn(billingDay, startMonth.year, startMonth.month);
  const end = periodStartIn(billingDay, endMonth.year, endMonth.month);
  return { start, end, days: daysBetween(start, end) };
}

/**
 * The period after `period`: it starts on `period.end` and ends on the next billing-day
 * boundary. For a period aligned to `billingDay` this is simply the next regular period.
 * Decision (the spec is silent): if `period` is not aligned to `billingDay` (e.g. the
 * billing day was changed), the next period still starts at `period.end`, so periods always
 * tile the calendar, and it runs to the next boundary of the new billing day (a shorter,
 * transitional period).
 */
export function nextPeriod(billingDay: number, period: BillingPeriod): BillingPeriod {
  assertBillingDay(billingDay);
  const start = period.end;
  const end = periodContaining(billingDay, start).end;
  return { start, end, days: daysBetween(start, end) };
}

/**
 * Days left in the period counting today: end − today (15 on 2026-11-16 for a period ending
 * 2026-12-01). Not clamped: a day outside the period gives a value outside 1..days.
 */
export function daysRemaining(period: BillingPeriod, today: Day): number {
  return daysBetween(today, period.end);
}

/** Is `day` within the period (start inclusive, end exclusive)? */
export function periodIncludes(period: BillingPeriod, day: Day): boolean {
  assertDay(day);
  return period.start <= day && day < period.end;
}

/** The last day of a period (end − 1), for display: "2026-11-01 to 2026-11-30". */
export function lastDayOf(period: BillingPeriod): Day {
  return addDays(period.end, -1);
}
