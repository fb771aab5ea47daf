import 'server-only';

/** The operator's currency (money is integer cents everywhere else). */
export const CURRENCY = 'USD';

/** TMF Money from cents. */
export function money(cents: number): { unit: string; value: number } {
  return { unit: CURRENCY, value: cents / 100 };
}
