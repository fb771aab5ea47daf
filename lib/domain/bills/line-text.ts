/**
 * What people read of a ledger line (docs/bills.md, "How a line reads").
 *
 * A line's description is stored once, as data, in the neutral style of PLAIN_FORMATS: days as
 * ISO days ("2027-01-01 to 2027-01-31"), amounts as bare decimals ("240 × 0.10 = 24.00"). That
 * text is what the database keeps (a billed line never changes), what the JSON and TMF678 APIs
 * return, and what reads the same whatever the operator's locale. A page, the bill PDF and an
 * email show it through `lineText`, which writes its days and amounts in the portal's style
 * ("Basic Line, Jan 1 – 31, 2027", "240 × $0.10 = $24.00"). Because it reads the stored text,
 * lines billed before this existed read the same way as new ones.
 *
 * The neutral grammar it reads is the one the line builders write (rollover/recurring.ts,
 * changes/prorate.ts, bills/rating.ts, bills/bill.ts, usage/late.ts):
 * - a day is `YYYY-MM-DD`, and days from one to another are `YYYY-MM-DD to YYYY-MM-DD`, both
 *   included;
 * - an amount is `-?D.DD`, and stands after "× ", "= " or "Credit of " (a quantity, a bill
 *   number or a count of days is a whole number, and is left as it is).
 */
import type { Formats } from '../text';

const DAY = String.raw`\d{4}-\d{2}-\d{2}`;
/** One day, or two joined by " to " (not inside a longer run of digits and dashes). */
const DAYS = new RegExp(String.raw`(?<![\d-])(${DAY})(?: to (${DAY}))?(?![\d-])`, 'g');
/** An amount where the neutral grammar puts one. */
const AMOUNT = /(× |= |Credit of )(-?)(\d+)\.(\d{2})(?![\d.])/g;

function days(f: Formats, first: string, last: string | undefined): string {
  if (last === undefined) return f.day(first);
  try {
    return f.days(first, last);
  } catch {
    // Not a range (it ends before it starts): each day as it is written.
    return `${f.day(first)} to ${f.day(last)}`;
  }
}

/** A stored (neutral) line description as people read it, in `f`'s style of days and money. */
export function lineText(description: string, f: Formats): string {
  return description
    .replace(DAYS, (_m, first: string, last: string | undefined) => days(f, first, last))
    .replace(
      AMOUNT,
      (_m, lead: string, sign: string, whole: string, hundredths: string) =>
        `${lead}${f.money((sign ? -1 : 1) * (Number(whole) * 100 + Number(hundredths)))}`,
    );
}
