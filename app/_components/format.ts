/** Display helpers shared by pages (pure, safe on client and server). */
export { formatCents } from '@/lib/domain/pricing';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "1 Dec 2026" from "2026-12-01". */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}

/** "+7.50" / "-10.00" / "0.00". */
export function formatSignedCents(cents: number): string {
  const abs = Math.abs(cents);
  const s = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return cents > 0 ? `+${s}` : cents < 0 ? `-${s}` : s;
}
