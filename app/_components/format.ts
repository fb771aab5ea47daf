/**
 * Display helpers for server components: money with the operator's currency symbol and one
 * date style, from the one formatting module (lib/domain/text/format.ts) with the settings of
 * lib/config. Client components get formatted strings (or the settings) as props.
 */
import { lineText } from '@/lib/domain/bills';
import { formats } from '@/lib/server/format';

export { formats };
/** "$20.00". */
export const formatCents = (cents: number): string => formats().money(cents);
/** "+$7.50", "-$10.00", "$0.00". */
export const formatSignedCents = (cents: number): string => formats().signedMoney(cents);
/** "Dec 10, 2026" (never breaks across lines) from "2026-12-10". */
export const formatDay = (day: string): string => formats().day(day);
/** "Dec 10, 2026, 10:02 UTC". */
export const formatMoment = (at: Date | string): string => formats().moment(at);
/** A ledger line's stored description with its days and money in the portal's style (lib/domain/bills/line-text.ts). */
export const formatLine = (description: string): string => lineText(description, formats());
