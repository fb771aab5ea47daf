/**
 * A price change of a launched plan or add-on, as the admin prepares it: whether it may be
 * made, and what it does to revenue (docs/catalog.md, "Versions and price changes"). Pure.
 */
import { type Formats, PLAIN_FORMATS } from '../text';
import { earliestHolderDay } from './versions';
import type { Cents, Day } from '../types';

export interface PriceChangeInput {
  name: string;
  oldCents: Cents;
  newCents: Cents;
  /** The day the notices go out (today). */
  noticeDay: Day;
  /** The day the new price reaches existing holders. */
  effectiveOn: Day;
}

/** Why a price change can't be made, in words; empty when it can. */
export function priceChangeProblems(input: PriceChangeInput, f: Formats = PLAIN_FORMATS): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(input.newCents) || input.newCents < 0)
    problems.push('The new price must be a whole number of cents, 0 or more.');
  else if (input.newCents === input.oldCents) problems.push(`${input.name} already costs that.`);
  const earliest = earliestHolderDay(input.noticeDay);
  if (input.effectiveOn < earliest)
    problems.push(
      `Existing holders must be told at least 30 days ahead: the new price can reach them on ${f.day(earliest)} at the earliest.`,
    );
  return problems;
}

export interface PriceChangeImpact {
  holders: number;
  /** Monthly revenue change once the new price reaches every holder: holders × (new − old). */
  monthlyRevenueChangeCents: Cents;
}

/** What a price change does: how many pay it, and the monthly revenue change from its day. */
export function priceChangeImpact(holders: number, oldCents: Cents, newCents: Cents): PriceChangeImpact {
  return { holders, monthlyRevenueChangeCents: holders * (newCents - oldCents) };
}
