/**
 * Late usage (SPEC §7, docs/bills.md): a record for a period that has already been billed is
 * billed on the next bill as an adjustment: the difference between the period's usage charges
 * with the late quantities and without them, rated on the configuration held at that period's
 * end (as the bill rated it) with the catalog of the day. Successive late records of one period
 * add up to exactly what the whole period would have cost. Pure.
 */
import { rateUsage } from '../bills';
import { addDays } from '../periods';
import { formatCents, PLAIN_FORMATS } from '../text';
import type { Catalog, Cents, Configuration, Day } from '../types';

export interface RatedTotals {
  ldMinutes: number;
  intlMinutes: number;
}

export interface AdjustmentLine {
  /** 'ld_overage' or 'intl'. */
  itemCode: string;
  /** "Late usage for 2026-10-01 to 2026-10-31: 10 … × 0.10 = 1.00" (the period's days, both included; neutral style). */
  description: string;
  amountCents: Cents;
  /** The extra quantity charged (minutes). */
  quantity: number;
}

const WHAT: Record<string, string> = {
  ld_overage: 'long-distance minutes beyond the allowance',
  intl: 'international minutes',
};

/** The adjustment lines for `added` usage arriving late for a billed period (none when it changes no charge). */
export function lateUsageAdjustment(
  catalog: Catalog,
  config: Configuration,
  period: { start: Day; end: Day },
  billed: RatedTotals,
  added: RatedTotals,
): AdjustmentLine[] {
  const before = rateUsage(catalog, config, billed);
  const after = rateUsage(catalog, config, {
    ldMinutes: billed.ldMinutes + added.ldMinutes,
    intlMinutes: billed.intlMinutes + added.intlMinutes,
  });
  const out: AdjustmentLine[] = [];
  for (const code of ['ld_overage', 'intl'] as const) {
    const b = before.lines.find((l) => l.code === code);
    const a = after.lines.find((l) => l.code === code);
    const amount = (a?.amountCents ?? 0) - (b?.amountCents ?? 0);
    if (amount === 0) continue;
    const quantity = (a?.quantity ?? 0) - (b?.quantity ?? 0);
    const rate = a?.rateCents ?? b?.rateCents ?? 0;
    out.push({
      itemCode: code,
      quantity,
      amountCents: amount,
      description: `Late usage for ${PLAIN_FORMATS.days(period.start, addDays(period.end, -1))}: ${quantity} ${WHAT[code]} × ${formatCents(rate)} = ${formatCents(amount)}`,
    });
  }
  return out;
}
