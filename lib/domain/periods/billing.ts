/**
 * Billing periods (docs/billing.md): a period runs from the billing day of one month to the
 * billing day of the next. `end` is exclusive (the next period's start).
 */
import { addDays, assertDay, daysBetween, daysInMonth, format, parts } from './days';
import type { BillingPeriod, Day } from '../types';

/** Throws a RangeError unless `billingDay` is an integer 1..31. */
export function assertBillingDay(billingDay: number): void {
  if (!Number.isInteger(billingDay) || billingDay < 1 || billingDay > 31) {
    throw new RangeError(`Invalid billing day ${String(billingDay)}: expected an integer from 1 to 31.`);
  }
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
