/**
 * "Cost last month" as the bills have it (docs/bills.md): what the last bill charged for the
 * plan and add-ons (in advance) and for the usage of the period it closed, each usage charge
 * as rateUsage rated it. The offers quote it when they speak of last month.
 */
import type { Cents, Day } from '../types';
import type { LineKind } from './bill';

export interface LastBilledMonth {
  billNumber: number;
  /** The period whose usage the bill charged. */
  closedPeriodStart: Day;
  /** Plan and add-ons + usage on that bill. */
  costCents: Cents;
  recurringCents: Cents;
  /** Minutes beyond the allowance and their charge; null when none were charged. */
  ldOverage: { minutes: number; cents: Cents } | null;
  /** International minutes and their charge; null when none were charged. */
  intl: { minutes: number; cents: Cents } | null;
}

export interface BilledLine {
  kind: LineKind;
  itemCode: string;
  amountCents: Cents;
  quantity?: number | null;
}

export function lastBilledMonth(bill: {
  number: number;
  closedPeriodStart: Day;
  lines: readonly BilledLine[];
}): LastBilledMonth {
  const sum = (ls: readonly BilledLine[]) => ls.reduce((s, l) => s + l.amountCents, 0);
  const recurring = bill.lines.filter((l) => l.kind === 'recurring');
  const usage = bill.lines.filter((l) => l.kind === 'usage');
  const of = (code: string) => {
    const ls = usage.filter((l) => l.itemCode === code);
    return ls.length === 0 ? null : { minutes: ls.reduce((s, l) => s + (l.quantity ?? 0), 0), cents: sum(ls) };
  };
  return {
    billNumber: bill.number,
    closedPeriodStart: bill.closedPeriodStart,
    costCents: sum(recurring) + sum(usage),
    recurringCents: sum(recurring),
    ldOverage: of('ld_overage'),
    intl: of('intl'),
  };
}
