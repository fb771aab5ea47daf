/**
 * Proration of a change that takes effect during a billing period (docs/billing.md).
 *
 * For each recurring line (the plan, each held add-on) that stops or starts on the
 * effective day: amount = monthly × remaining ÷ periodDays, remaining = period.end −
 * effectiveDay (the effective day counts). Each line is rounded to the cent, half away
 * from zero, using exact integer arithmetic. Stopping lines are credits (negative).
 */
import { getAddOn, getPlan, normalize } from '../catalog';
import { addDays, assertDay, daysBetween } from '../periods';
import { PLAIN_FORMATS } from '../text';
import type { BillingPeriod, Catalog, Cents, Configuration, Day } from '../types';

export interface ProrationLine {
  itemType: 'plan' | 'addon';
  code: string;
  name: string;
  monthlyCents: Cents;
  remainingDays: number;
  periodDays: number;
  /** Negative for a credit (a line that stops), positive for a charge (a line that starts). */
  amountCents: Cents;
  /**
   * "Premium, 15 of 30 days (2026-11-16 to 2026-11-30)" or "Credit: Basic Line, 15 of 30 days (…)":
   * stored text in the neutral style (bills/line-text.ts shows it).
   */
  description: string;
}

/**
 * monthly × remaining ÷ days, rounded half away from zero, in integers only
 * (no floating-point noise: 500 × 10 ÷ 30 = 166.67 → 167).
 */
export function proratedCents(monthlyCents: Cents, remainingDays: number, periodDays: number): Cents {
  if (!Number.isInteger(monthlyCents) || !Number.isInteger(remainingDays) || !Number.isInteger(periodDays)) {
    throw new RangeError('Proration needs integer cents and days.');
  }
  if (periodDays <= 0) throw new RangeError(`Invalid period length ${periodDays}.`);
  const numerator = Math.abs(monthlyCents * remainingDays);
  const rounded = Math.floor((2 * numerator + periodDays) / (2 * periodDays));
  const sign = Math.sign(monthlyCents) * Math.sign(remainingDays);
  return sign < 0 && rounded !== 0 ? -rounded : rounded; // never -0
}

/** Sum of the lines' amounts. */
export function prorationTotal(lines: readonly ProrationLine[]): Cents {
  return lines.reduce((sum, line) => sum + line.amountCents, 0);
}

interface Item {
  itemType: 'plan' | 'addon';
  code: string;
  name: string;
  monthlyCents: Cents;
}

function items(catalog: Catalog, config: Configuration): Item[] {
  const plan = getPlan(catalog, config.planCode);
  const out: Item[] = [{ itemType: 'plan', code: plan.code, name: plan.name, monthlyCents: plan.monthlyCents }];
  for (const code of normalize(config).addOns) {
    const addOn = getAddOn(catalog, code);
    out.push({ itemType: 'addon', code: addOn.code, name: addOn.name, monthlyCents: addOn.monthlyCents });
  }
  return out;
}

function itemKey(item: Item): string {
  return `${item.itemType}:${item.code}`;
}

/**
 * The proration lines of changing from `from` to `to` on `effectiveDay` within `period`.
 * Lines that are the same in both configurations produce nothing. Order: credits first
 * (plan, then add-ons in code order), then charges (plan, then add-ons).
 *
 * Throws a RangeError if `effectiveDay` is not inside the period (start ≤ day < end):
 * a change at or after the period's end is not prorated at all.
 */
export function prorationLines(
  catalog: Catalog,
  from: Configuration,
  to: Configuration,
  period: BillingPeriod,
  effectiveDay: Day,
): ProrationLine[] {
  assertDay(effectiveDay, 'effective day');
  assertDay(period.start, 'period start');
  assertDay(period.end, 'period end');
  const periodDays = daysBetween(period.start, period.end);
  if (periodDays !== period.days) {
    throw new RangeError(
      `Inconsistent period ${period.start}..${period.end}: ${period.days} days stated, ${periodDays} actual.`,
    );
  }
  if (effectiveDay < period.start || effectiveDay >= period.end) {
    throw new RangeError(`Effective day ${effectiveDay} is outside the period ${period.start} to ${period.end}.`);
  }
  const remainingDays = daysBetween(effectiveDay, period.end);
  const lastDay = addDays(period.end, -1);
  const span = PLAIN_FORMATS.days(effectiveDay, lastDay);

  const before = items(catalog, from);
  const after = items(catalog, to);
  const beforeKeys = new Set(before.map(itemKey));
  const afterKeys = new Set(after.map(itemKey));

  const line = (item: Item, sign: 1 | -1): ProrationLine => {
    const amount = proratedCents(item.monthlyCents, remainingDays, periodDays);
    const label = `${item.name}, ${remainingDays} of ${periodDays} days (${span})`;
    return {
      itemType: item.itemType,
      code: item.code,
      name: item.name,
      monthlyCents: item.monthlyCents,
      remainingDays,
      periodDays,
      amountCents: sign * amount || 0,
      description: sign < 0 ? `Credit: ${label}` : label,
    };
  };

  return [
    ...before.filter((i) => !afterKeys.has(itemKey(i))).map((i) => line(i, -1)),
    ...after.filter((i) => !beforeKeys.has(itemKey(i))).map((i) => line(i, 1)),
  ];
}
