import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db, Queryable } from '@/db/client';
import { normalize } from '@/lib/domain/catalog';
import type { PendingChange } from '@/lib/domain/changes';
import { daysBetween } from '@/lib/domain/periods';
import type { PriceProtection } from '@/lib/domain/catalog';
import type { BillingPeriod, Configuration, Day, PeriodUsage } from '@/lib/domain/types';
import { protectionFromRow, protectionsJsonColumn, type CatalogSource, type ProtectionRow } from './catalog';
import { rolloverSubscription } from './billing';

/** Everything about one subscriber's account that the pages need, read in one round trip. */
export interface AccountState {
  subscriberId: number;
  subscriptionId: number;
  name: string;
  email: string | null;
  phone: string | null;
  accountNumber: string;
  billingDay: number;
  joinedOn: Day;
  config: Configuration;
  period: BillingPeriod;
  version: number;
  pending:
    | (PendingChange & { id: number; orderId: number | null; createdBy: number | null; createdByName: string | null })
    | null;
  /** Newest first; includes the current period's record when there is one. */
  usage: PeriodUsage[];
  /** Proration lines booked this period: they appear on the next bill. */
  prorationThisPeriod: { description: string; amountCents: number }[];
  /** Offer keys hidden until a day (dismissed or snoozed). */
  suppressed: { key: string; until: Day }[];
  /** Offer keys whose impression is already recorded today (not written again on every view). */
  impressedToday: string[];
  /** Bills (issue 16): the latest bill that closed a period, its plan, add-on and usage lines (the offers' "cost last month"). */
  lastBill: {
    number: number;
    closedPeriodStart: Day;
    lines: { kind: 'recurring' | 'usage'; itemCode: string; amountCents: number; quantity: number | null }[];
  } | null;
  /** Issue 20: the old prices this subscription keeps until a price change reaches it (its notices). */
  protections: PriceProtection[];
}

type Row = {
  subscriber_id: number;
  subscription_id: number;
  name: string;
  email: string | null;
  phone: string | null;
  account_number: string;
  billing_day: number;
  joined_on: string;
  plan_code: string;
  period_start: string;
  period_end: string;
  version: number;
  add_ons: string[] | null;
  pending: {
    id: number;
    order_id: number | null;
    target_config: Configuration;
    effective_date: string;
    created_by: number | null;
    created_by_name: string | null;
  } | null;
  usage:
    | {
        period_start: string;
        ld_minutes: number;
        intl_minutes: number;
        unanswered_calls: number;
        missed_while_busy: number;
      }[]
    | null;
  proration: { description: string; amount_cents: number }[] | null;
  suppressed: { key: string; until: string }[] | null;
  impressed_today: string[] | null;
  last_bill: {
    number: number | string;
    closed_period_start: string;
    lines: { kind: 'recurring' | 'usage'; item_code: string; amount_cents: number; quantity: number | null }[] | null;
  } | null;
  protections: ProtectionRow[] | null;
};

/** The account as stored (one round trip, no writes): on the database or inside a transaction. */
export async function readAccount(db: Queryable, subscriberId: number, today: Day): Promise<AccountState | null> {
  const result = await db.execute(sql`
    select sub.id as subscriber_id, s.id as subscription_id, sub.name, sub.email, sub.phone, sub.account_number,
      sub.billing_day, sub.joined_on::text as joined_on, s.plan_code, s.period_start::text as period_start,
      s.period_end::text as period_end, s.version,
      (select json_agg(a.add_on_code order by a.add_on_code) from subscription_add_ons a where a.subscription_id = s.id) as add_ons,
      (select json_build_object('id', sc.id, 'order_id', sc.order_id, 'target_config', sc.target_config,
          'effective_date', sc.effective_date::text, 'created_by', sc.created_by, 'created_by_name', u.name)
        from scheduled_changes sc left join users u on u.id = sc.created_by
        where sc.subscription_id = s.id and sc.status = 'pending') as pending,
      (select json_agg(u order by u.period_start desc) from (
          select up.period_start::text as period_start, up.ld_minutes, up.intl_minutes, up.unanswered_calls, up.missed_while_busy
          from usage_periods up where up.subscriber_id = sub.id order by up.period_start desc limit 4) u) as usage,
      (select json_agg(json_build_object('description', l.description, 'amount_cents', l.amount_cents) order by l.id)
        from ledger_lines l where l.subscription_id = s.id and l.kind = 'proration' and l.bill_period_start = s.period_end) as proration,
      (select json_agg(json_build_object('key', e.offer_key, 'until', e.until::text))
        from offer_events e where e.subscriber_id = sub.id and e.event_type in ('dismissed', 'snoozed') and e.until > ${today}::date) as suppressed,
      (select json_agg(e.offer_key)
        from offer_events e where e.subscriber_id = sub.id and e.event_type = 'impression' and e.day = ${today}::date) as impressed_today,
      (select json_build_object('number', b.number, 'closed_period_start', b.closed_period_start::text,
          'lines', (select json_agg(json_build_object('kind', l.kind, 'item_code', l.item_code, 'amount_cents', l.amount_cents, 'quantity', l.quantity) order by l.id)
            from ledger_lines l where l.bill_id = b.id and l.kind in ('recurring', 'usage')))
        from bills b where b.subscription_id = s.id and b.closed_period_start is not null
        order by b.bill_date desc limit 1) as last_bill,
      ${protectionsJsonColumn} as protections
    from subscribers sub join subscriptions s on s.subscriber_id = sub.id
    where sub.id = ${subscriberId}
  `);
  const r = (result as unknown as { rows: Row[] }).rows[0];
  if (!r) return null;
  return {
    subscriberId: r.subscriber_id,
    subscriptionId: r.subscription_id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    accountNumber: r.account_number,
    billingDay: r.billing_day,
    joinedOn: r.joined_on,
    config: normalize({ planCode: r.plan_code, addOns: r.add_ons ?? [] }),
    period: { start: r.period_start, end: r.period_end, days: daysBetween(r.period_start, r.period_end) },
    version: r.version,
    pending: r.pending
      ? {
          id: r.pending.id,
          orderId: r.pending.order_id,
          target: normalize(r.pending.target_config),
          effectiveDate: r.pending.effective_date,
          createdBy: r.pending.created_by,
          createdByName: r.pending.created_by_name,
        }
      : null,
    usage: (r.usage ?? []).map((u) => ({
      periodStart: u.period_start,
      ldMinutes: u.ld_minutes,
      intlMinutes: u.intl_minutes,
      unansweredCalls: u.unanswered_calls,
      missedWhileBusy: u.missed_while_busy,
    })),
    prorationThisPeriod: (r.proration ?? []).map((p) => ({ description: p.description, amountCents: p.amount_cents })),
    suppressed: r.suppressed ?? [],
    impressedToday: r.impressed_today ?? [],
    lastBill: r.last_bill
      ? {
          number: Number(r.last_bill.number),
          closedPeriodStart: r.last_bill.closed_period_start,
          lines: (r.last_bill.lines ?? []).map((l) => ({
            kind: l.kind,
            itemCode: l.item_code,
            amountCents: l.amount_cents,
            quantity: l.quantity,
          })),
        }
      : null,
    protections: (r.protections ?? []).map(protectionFromRow),
  };
}

/**
 * Closes the periods of this account that have ended by `today` (applies the scheduled change
 * due, books the next period: the rollover job does the same for accounts nobody looks at).
 * True when something was closed, so the caller reads the account again.
 */
export async function closeEndedPeriods(
  db: Db,
  catalog: CatalogSource,
  state: AccountState,
  today: Day,
): Promise<boolean> {
  if (state.period.end > today) return false;
  await rolloverSubscription(db, catalog, state.subscriptionId, today);
  return true;
}

/** The account as of `today`: read, its ended periods closed, and read again if they were. */
export async function loadAccount(
  db: Db,
  catalog: CatalogSource,
  subscriberId: number,
  today: Day,
): Promise<AccountState | null> {
  const state = await readAccount(db, subscriberId, today);
  if (!state || !(await closeEndedPeriods(db, catalog, state, today))) return state;
  return readAccount(db, subscriberId, today);
}

/** Complete periods (ended before the current one), newest first. */
export function completeUsage(state: AccountState): PeriodUsage[] {
  return state.usage.filter((u) => u.periodStart < state.period.start);
}

export function currentUsage(state: AccountState): PeriodUsage | null {
  return state.usage.find((u) => u.periodStart === state.period.start) ?? null;
}
