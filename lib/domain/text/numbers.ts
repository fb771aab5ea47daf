import type { Cents } from '../types';

/** "12.34" from 1234; "-12.34" from -1234. */
export function formatCents(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "+7.50" / "-10.00" / "0.00": a change or a ledger line. */
export function formatSignedCents(cents: Cents): string {
  const text = formatCents(Math.abs(cents));
  return cents > 0 ? `+${text}` : cents < 0 ? `-${text}` : text;
}

/** A count that may be an average: 240 → "240"; 213.333… → "213.3"; 2.96 → "3". */
export function formatCount(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const s = n.toFixed(1);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}
