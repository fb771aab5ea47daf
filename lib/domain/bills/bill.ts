/**
 * A bill (docs/bills.md): at each period boundary a subscription gets one bill with the new
 * period's recurring charges (in advance), the proration lines booked during the closed
 * period, the closed period's usage charges and any adjustments, each of them a line of the
 * ledger. Its total is never negative: a negative sum is carried forward as a credit, by a
 * line that zeroes this bill and a matching credit line on the next one (so every ledger line
 * is on exactly one bill, and the bills add up to the ledger).
 *
 * Pure: the caller passes what is booked, the rated usage and the credit brought forward.
 */
import { addDays, assertDay } from '../periods';
import { formatCents } from '../text';
import type { BillingPeriod, Cents, Day } from '../types';
import type { UsageLine } from './rating';

/** Days from the bill date to the due date. */
export const BILL_DUE_DAYS = 14;

/** The kinds of ledger line, in the order they appear on a bill. */
export const LINE_KINDS = ['recurring', 'proration', 'usage', 'adjustment', 'credit'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/** A line as the ledger holds it. */
export interface BillLine {
  kind: LineKind;
  itemType: string;
  itemCode: string;
  description: string;
  amountCents: Cents;
  /** Usage lines: the quantity rated; null otherwise. */
  quantity?: number | null;
}

export type BillState = 'issued' | 'sent' | 'on_hold' | 'settled';
export const BILL_STATES: readonly BillState[] = ['issued', 'sent', 'on_hold', 'settled'];

const TRANSITIONS: Record<BillState, readonly BillState[]> = {
  issued: ['sent', 'on_hold', 'settled'],
  sent: ['on_hold', 'settled'],
  // A dispute is resolved: the bill goes back out, or is settled.
  on_hold: ['sent', 'settled'],
  settled: [],
};

/** Only the state of an issued bill changes later; this is which way it may go. */
export function canChangeBillState(from: BillState, to: BillState): boolean {
  return TRANSITIONS[from].includes(to);
}

export const BILL_STATE_LABELS: Record<BillState, string> = {
  issued: 'Issued',
  sent: 'Sent',
  on_hold: 'On hold (disputed)',
  settled: 'Settled',
};

export function dueDateOf(billDate: Day): Day {
  return addDays(billDate, BILL_DUE_DAYS);
}

export interface BillInput {
  /** The boundary: the day the new period starts (or the day a subscription opens). */
  billDate: Day;
  /** The period that closed at billDate; null for the opening bill of a new subscription. */
  closedPeriod: BillingPeriod | null;
  /** Lines already on the ledger and on no bill yet, billed with this bill (recurring, proration, adjustments). */
  booked: BillLine[];
  /** The closed period's rated usage (rateUsage). */
  usage: UsageLine[];
  /** Credit carried forward by the previous bill (≥ 0), and that bill's number. */
  creditBrought: { cents: Cents; fromNumber: number } | null;
}

export interface AssembledBill {
  billDate: Day;
  dueDate: Day;
  closedPeriod: BillingPeriod | null;
  /** Every line of the bill, in bill order. */
  lines: BillLine[];
  /** The lines this issuance adds to the ledger (usage, credits); `booked` are already there. */
  newLines: BillLine[];
  /** Amount due, never negative. */
  totalCents: Cents;
  /** Credit carried to the next bill (≥ 0). */
  creditForwardCents: Cents;
}

function kindRank(kind: LineKind): number {
  return LINE_KINDS.indexOf(kind);
}

/** Lines in bill order: by kind, then as booked (a stable sort keeps the booking order). */
export function sortBillLines<T extends { kind: LineKind }>(lines: readonly T[]): T[] {
  return [...lines].sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
}

export function assembleBill(input: BillInput): AssembledBill {
  assertDay(input.billDate, 'bill date');
  if (input.closedPeriod && input.closedPeriod.end !== input.billDate) {
    throw new RangeError(`The closed period ends ${input.closedPeriod.end}, not on the bill date ${input.billDate}.`);
  }
  for (const l of [...input.booked, ...input.usage]) {
    if (!Number.isSafeInteger(l.amountCents))
      throw new RangeError(`Invalid amount ${String(l.amountCents)} on "${l.description}".`);
  }
  const newLines: BillLine[] = input.usage.map((u) => ({
    kind: 'usage',
    itemType: u.itemType,
    itemCode: u.code,
    description: u.description,
    amountCents: u.amountCents,
    quantity: u.quantity,
  }));
  const brought = input.creditBrought;
  if (brought && brought.cents < 0) throw new RangeError('A credit brought forward is a positive amount.');
  if (brought && brought.cents > 0) {
    newLines.push({
      kind: 'credit',
      itemType: 'credit',
      itemCode: 'brought_forward',
      description: `Credit brought forward from bill ${brought.fromNumber}`,
      amountCents: -brought.cents,
    });
  }
  const subtotal = [...input.booked, ...newLines].reduce((s, l) => s + l.amountCents, 0);
  let creditForward = 0;
  if (subtotal < 0) {
    creditForward = -subtotal;
    newLines.push({
      kind: 'credit',
      itemType: 'credit',
      itemCode: 'carried_forward',
      description: `Credit of ${formatCents(creditForward)} carried forward to the next bill`,
      amountCents: creditForward,
    });
  }
  const lines = sortBillLines([...input.booked, ...newLines]);
  return {
    billDate: input.billDate,
    dueDate: dueDateOf(input.billDate),
    closedPeriod: input.closedPeriod,
    lines,
    newLines,
    totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
    creditForwardCents: creditForward,
  };
}
