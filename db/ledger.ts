/** Ledger rows for a period's recurring charges (the seed, the rollover and tests book them alike). */
import type { RecurringLine } from '../lib/domain/rollover';
import type { ledgerLines } from './schema';

export function recurringLedgerRows(
  lines: RecurringLine[],
  subscriptionId: number,
  billPeriodStart: string,
  orderId: number | null = null,
): (typeof ledgerLines.$inferInsert)[] {
  return lines.map((l) => ({
    orderId,
    subscriptionId,
    kind: 'recurring' as const,
    billPeriodStart,
    itemType: l.itemType,
    itemCode: l.code,
    description: l.description,
    amountCents: l.amountCents,
  }));
}
