import 'server-only';
import { asc, between, sql, type AnyColumn } from 'drizzle-orm';
import { z } from 'zod';
import * as s from '@/db/schema';
import { day } from '@/lib/contracts/fields';
import { configurationLabel } from '@/lib/domain/catalog';
import { addDays, daysBetween } from '@/lib/domain/periods';
import type { Configuration, Day } from '@/lib/domain/types';
import type { Actor } from './actor';
import { getCatalog } from './catalog';
import { getDb } from './db';
import { AppError, invalidInput } from './errors';
import { authorize } from './policy';

/**
 * Offer analytics for admins (spec section 5): per offer kind and target, over a date range.
 *
 * Decisions where the spec is silent:
 * - Days are offer-event days (the operator's calendar day of the clock), both ends included.
 *   Default: the last 30 days up to today by the clock. At most 366 days.
 * - Impressions are counted once per subscriber, offer and day (as they are recorded), and
 *   only when a subscriber sees an offer: an agent looking at an account is not an impression.
 *   So an offer accepted through an agent may have acceptances without impressions; its
 *   rates are then "—" rather than a made-up number.
 * - Acceptance rate = acceptances ÷ impressions, dismissal rate = dismissals ÷ impressions,
 *   both over the range.
 * - Monthly revenue change = the sum of the recurring price changes of the accepted offers
 *   (what they were when accepted); monthly savings delivered = the sum of the savings each
 *   accepted offer stated for the subscriber's usage.
 * - Read from the daily rollup offer_event_daily (issue 23), which the database keeps in step
 *   with offer_events in the writing statement: the same counts as over the raw events.
 */

export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

export const KIND_ORDER = ['cross_sell', 'up_sell', 'right_size'] as const;
export const KIND_LABEL: Record<string, string> = {
  cross_sell: 'Add-on (cross-sell)',
  up_sell: 'Upgrade (up-sell)',
  right_size: 'Save money (right-size)',
};

export interface OfferCounts {
  impressions: number;
  acceptances: number;
  dismissals: number;
  snoozes: number;
  /** acceptances ÷ impressions; null without impressions. */
  acceptanceRate: number | null;
  dismissalRate: number | null;
  revenueChangeCents: number;
  savingsCents: number;
}

export interface OfferAnalyticsRow extends OfferCounts {
  kind: string;
  kindLabel: string;
  offerKey: string;
  target: Configuration;
  targetLabel: string;
}

export interface OfferAnalytics {
  from: Day;
  to: Day;
  days: number;
  rows: OfferAnalyticsRow[];
  byKind: (OfferCounts & { kind: string; kindLabel: string })[];
  totals: OfferCounts;
}

export const rangeSchema = z.object({
  from: day.optional().or(z.literal('').transform(() => undefined)),
  to: day.optional().or(z.literal('').transform(() => undefined)),
});

/** The range asked for, defaults filled from the clock, validated (from ≤ to, at most 366 days). */
export function resolveRange(today: Day, input: { from?: string; to?: string }): { from: Day; to: Day; days: number } {
  const parsed = rangeSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalidInput(
      parsed.error,
      `${first?.path.join('.') === 'to' ? 'To' : 'From'}: ${first?.message ?? 'not a date'}`,
    );
  }
  const to = parsed.data.to ?? (parsed.data.from ? addDays(parsed.data.from, DEFAULT_RANGE_DAYS - 1) : today);
  const from = parsed.data.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to)
    throw new AppError('invalid', 'The start date must be on or before the end date.', {
      from: ['After the end date.'],
    });
  const days = daysBetween(from, to) + 1;
  if (days > MAX_RANGE_DAYS)
    throw new AppError('invalid', `Choose a range of at most ${MAX_RANGE_DAYS} days.`, {
      to: [`At most ${MAX_RANGE_DAYS} days after the start.`],
    });
  return { from, to, days };
}

function rate(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

function withRates(c: Omit<OfferCounts, 'acceptanceRate' | 'dismissalRate'>): OfferCounts {
  return { ...c, acceptanceRate: rate(c.acceptances, c.impressions), dismissalRate: rate(c.dismissals, c.impressions) };
}

function emptyCounts(): Omit<OfferCounts, 'acceptanceRate' | 'dismissalRate'> {
  return { impressions: 0, acceptances: 0, dismissals: 0, snoozes: 0, revenueChangeCents: 0, savingsCents: 0 };
}

/** Impressions, acceptances, dismissals and snoozes per offer kind and target, in one aggregate query. Admins only. */
export async function offerAnalytics(
  actor: Actor,
  input: { from?: string; to?: string } = {},
): Promise<OfferAnalytics> {
  const db = await getDb();
  await authorize(actor, 'view_offer_analytics', {}, { db });
  const { from, to, days } = resolveRange(actor.today, input);
  // The daily rollup (migration 0024, kept by triggers on offer_events): a year is a few
  // thousand rows whatever the number of events.
  const e = s.offerEventDaily;
  const total = (col: AnyColumn) => sql<number>`coalesce(sum(${col}), 0)`.mapWith(Number);
  const [catalog, rows] = await Promise.all([
    getCatalog(db),
    db
      .select({
        kind: e.kind,
        offerKey: e.offerKey,
        target: e.targetConfig,
        impressions: total(e.impressions),
        acceptances: total(e.acceptances),
        dismissals: total(e.dismissals),
        snoozes: total(e.snoozes),
        revenueChangeCents: total(e.revenueChangeCents),
        savingsCents: total(e.savingsCents),
      })
      .from(e)
      .where(between(e.day, from, to))
      .groupBy(e.kind, e.offerKey, e.targetConfig)
      // A purged test fixture takes its events out of the rollup and leaves zeros: not an offer row.
      .having(sql`sum(${e.impressions}) + sum(${e.acceptances}) + sum(${e.dismissals}) + sum(${e.snoozes}) > 0`)
      .orderBy(asc(e.kind), asc(e.offerKey)),
  ]);

  const kindRank = (k: string) => {
    const i = (KIND_ORDER as readonly string[]).indexOf(k);
    return i < 0 ? KIND_ORDER.length : i;
  };
  const out: OfferAnalyticsRow[] = rows
    .map((r) => ({
      kind: r.kind,
      kindLabel: KIND_LABEL[r.kind] ?? r.kind,
      offerKey: r.offerKey,
      target: r.target,
      targetLabel: configurationLabel(catalog, r.target),
      ...withRates({
        impressions: r.impressions,
        acceptances: r.acceptances,
        dismissals: r.dismissals,
        snoozes: r.snoozes,
        revenueChangeCents: r.revenueChangeCents,
        savingsCents: r.savingsCents,
      }),
    }))
    .sort(
      (a, b) =>
        kindRank(a.kind) - kindRank(b.kind) ||
        b.acceptances - a.acceptances ||
        b.impressions - a.impressions ||
        a.offerKey.localeCompare(b.offerKey),
    );

  const kinds = [...new Set([...KIND_ORDER, ...out.map((r) => r.kind)])];
  const add = (acc: ReturnType<typeof emptyCounts>, r: OfferAnalyticsRow) => {
    acc.impressions += r.impressions;
    acc.acceptances += r.acceptances;
    acc.dismissals += r.dismissals;
    acc.snoozes += r.snoozes;
    acc.revenueChangeCents += r.revenueChangeCents;
    acc.savingsCents += r.savingsCents;
    return acc;
  };
  const byKind = kinds.map((kind) => ({
    kind,
    kindLabel: KIND_LABEL[kind] ?? kind,
    ...withRates(out.filter((r) => r.kind === kind).reduce(add, emptyCounts())),
  }));
  const totals = withRates(out.reduce(add, emptyCounts()));
  return { from, to, days, rows: out, byKind, totals };
}
