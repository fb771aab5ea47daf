/**
 * Calendar days. Pure: the clock is passed in.
 *
 * Days are ISO "YYYY-MM-DD" strings in UTC. Internally a day is handled as a count of days
 * since 1970-01-01 ("epoch day"), which makes arithmetic exact (no DST, no time of day).
 * Because the format is fixed-width, two days also compare correctly as strings.
 */
import type { Day } from '../types';

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
  if (!isDay(value))
    throw new RangeError(`Invalid ${what} ${JSON.stringify(value)}: expected a calendar day "YYYY-MM-DD".`);
}

/** Days in a month (month 1..12), leap years included. */
export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Year, month (1..12) and day of a valid Day. */
export function parts(day: Day): { year: number; month: number; day: number } {
  assertDay(day);
  return { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) };
}

/** "YYYY-MM-DD" from its parts (not validated). */
export function format(year: number, month: number, day: number): Day {
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
