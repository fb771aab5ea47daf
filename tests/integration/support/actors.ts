/**
 * Helpers for integration tests of the data layer: actors on a chosen day, fresh subscribers
 * with an exact configuration, and row snapshots to prove that "nothing was written".
 */
import { and, eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Db } from '@/db/client';
import { catalogData } from '@/db/catalog-data';
import { normalize } from '@/lib/domain/catalog';
import { addDays, periodContaining } from '@/lib/domain/periods';
import { recurringLines } from '@/lib/domain/rollover';
import type { Configuration, Day } from '@/lib/domain/types';
import { loadActor, type Actor } from '@/lib/server/actor';
import { forgetCatalog } from '@/lib/server/catalog';
import { useDbHandleForTests } from '@/lib/server/db';
import type { TestDb } from './db';
import { recurringLedgerRows } from '@/db/ledger';

/** Points the data layer (getDb, the catalog cache) at this test database. */
export function useTestDb(t: TestDb): void {
  useDbHandleForTests(t);
  forgetCatalog();
}

/** The actor of a user row, on `today` (10:00 UTC that day). */
export async function actorFor(db: Db, email: string, today: Day = '2026-11-16'): Promise<Actor> {
  const u = (await db.select({ id: s.users.id }).from(s.users).where(eq(s.users.email, email)))[0];
  if (!u) throw new Error(`no user ${email}`);
  const actor = await loadActor(db, u.id);
  if (!actor) throw new Error(`user ${email} is disabled`);
  return on(actor, today);
}

/** The same actor on another day. */
export function on(actor: Actor, today: Day): Actor {
  return { ...actor, today, now: new Date(`${today}T10:00:00Z`) };
}

export interface Usage {
  ld?: number;
  intl?: number;
  unanswered?: number;
  busy?: number;
}

export interface FreshSubscriber {
  subscriberId: number;
  subscriptionId: number;
  email: string;
  userId: number;
}

let counter = 0;

/**
 * A new subscriber with its user, a subscription on `config` for the period containing
 * `today` (its recurring lines booked, as the seed does) and, when `usage` is given, that
 * usage in each of the three complete periods before it.
 */
export async function createSubscriber(
  db: Db,
  opts: { name?: string; billingDay: number; config: Configuration; today?: Day; usage?: Usage; passwordHash?: string },
): Promise<FreshSubscriber> {
  const today = opts.today ?? '2026-11-16';
  const n = 9000 + ++counter + Math.floor(Math.random() * 900) * 100;
  const email = `it.${n}.${Math.random().toString(36).slice(2, 7)}@example.org`;
  const name = opts.name ?? `Test Subscriber ${n}`;
  const period = periodContaining(opts.billingDay, today);
  let first = period;
  for (let i = 0; i < 3; i++) first = periodContaining(opts.billingDay, addDays(first.start, -1));
  const config = normalize(opts.config);
  return db.transaction(async (tx) => {
    const [sub] = await tx
      .insert(s.subscribers)
      .values({
        accountNumber: `IT-${n}-${Math.random().toString(36).slice(2, 7)}`,
        name,
        email,
        phone: `+1 555-999-${n}`,
        phoneDigits: `1555999${n}`,
        billingDay: opts.billingDay,
        joinedOn: first.start,
      })
      .returning({ id: s.subscribers.id });
    const subscriberId = sub!.id;
    const [user] = await tx
      .insert(s.users)
      .values({ email, name, passwordHash: opts.passwordHash ?? 'not-a-hash', role: 'subscriber', subscriberId })
      .returning({ id: s.users.id });
    const [subscription] = await tx
      .insert(s.subscriptions)
      .values({ subscriberId, planCode: config.planCode, periodStart: period.start, periodEnd: period.end })
      .returning({ id: s.subscriptions.id });
    const subscriptionId = subscription!.id;
    if (config.addOns.length) {
      await tx
        .insert(s.subscriptionAddOns)
        .values(config.addOns.map((addOnCode) => ({ subscriptionId, addOnCode, addedOn: first.start })));
    }
    await tx
      .insert(s.ledgerLines)
      .values(recurringLedgerRows(recurringLines(catalogData, config, period), subscriptionId, period.start));
    if (opts.usage)
      await fillUsage(tx as unknown as Db, subscriberId, opts.billingDay, first.start, period.start, opts.usage);
    return { subscriberId, subscriptionId, email, userId: user!.id };
  });
}

/**
 * Usage records (the same each period) for every period starting in [from, before): what the
 * usage feed would have written for periods that have ended. Existing records are overwritten.
 */
export async function fillUsage(
  db: Db,
  subscriberId: number,
  billingDay: number,
  from: Day,
  before: Day,
  usage: Usage,
): Promise<void> {
  const rows: (typeof s.usagePeriods.$inferInsert)[] = [];
  for (let p = periodContaining(billingDay, from); p.start < before; p = periodContaining(billingDay, p.end)) {
    rows.push({
      subscriberId,
      periodStart: p.start,
      periodEnd: p.end,
      ldMinutes: usage.ld ?? 0,
      intlMinutes: usage.intl ?? 0,
      unansweredCalls: usage.unanswered ?? 0,
      missedWhileBusy: usage.busy ?? 0,
    });
  }
  if (rows.length === 0) return;
  await db
    .insert(s.usagePeriods)
    .values(rows)
    .onConflictDoUpdate({
      target: [s.usagePeriods.subscriberId, s.usagePeriods.periodStart],
      set: {
        ldMinutes: sql`excluded.ld_minutes`,
        intlMinutes: sql`excluded.intl_minutes`,
        unansweredCalls: sql`excluded.unanswered_calls`,
        missedWhileBusy: sql`excluded.missed_while_busy`,
      },
    });
}

export async function subscriberIdOf(db: Db, email: string): Promise<number> {
  const r = (await db.select({ id: s.subscribers.id }).from(s.subscribers).where(eq(s.subscribers.email, email)))[0];
  if (!r) throw new Error(`no subscriber ${email}`);
  return r.id;
}

export async function subscriptionOf(db: Db, subscriberId: number) {
  const r = (await db.select().from(s.subscriptions).where(eq(s.subscriptions.subscriberId, subscriberId)))[0];
  if (!r) throw new Error(`no subscription for subscriber ${subscriberId}`);
  return r;
}

/** The stored configuration of a subscription. */
export async function configOf(db: Db, subscriptionId: number): Promise<Configuration> {
  const sub = (
    await db
      .select({ planCode: s.subscriptions.planCode })
      .from(s.subscriptions)
      .where(eq(s.subscriptions.id, subscriptionId))
  )[0]!;
  const addOns = await db
    .select({ code: s.subscriptionAddOns.addOnCode })
    .from(s.subscriptionAddOns)
    .where(eq(s.subscriptionAddOns.subscriptionId, subscriptionId));
  return normalize({ planCode: sub.planCode, addOns: addOns.map((a) => a.code) });
}

export async function ledgerOf(db: Db, subscriptionId: number) {
  return db
    .select()
    .from(s.ledgerLines)
    .where(eq(s.ledgerLines.subscriptionId, subscriptionId))
    .orderBy(s.ledgerLines.id);
}

export async function ordersOf(db: Db, subscriptionId: number) {
  return db.select().from(s.orders).where(eq(s.orders.subscriptionId, subscriptionId)).orderBy(s.orders.id);
}

export async function scheduledOf(db: Db, subscriptionId: number) {
  return db
    .select()
    .from(s.scheduledChanges)
    .where(eq(s.scheduledChanges.subscriptionId, subscriptionId))
    .orderBy(s.scheduledChanges.id);
}

export async function auditOf(db: Db, subscriberId: number) {
  return db.select().from(s.auditEvents).where(eq(s.auditEvents.subscriberId, subscriberId)).orderBy(s.auditEvents.id);
}

export async function offerEventsOf(
  db: Db,
  subscriberId: number,
  eventType?: 'impression' | 'accepted' | 'dismissed' | 'snoozed',
) {
  return db
    .select()
    .from(s.offerEvents)
    .where(
      eventType
        ? and(eq(s.offerEvents.subscriberId, subscriberId), eq(s.offerEvents.eventType, eventType))
        : eq(s.offerEvents.subscriberId, subscriberId),
    )
    .orderBy(s.offerEvents.id);
}

/**
 * Everything a change could write, across the whole database: row counts, the audit events by
 * outcome, and every subscription row (plan, period, version) with its add-ons.
 */
export async function snapshot(db: Db) {
  const count = async (q: ReturnType<typeof sql>) => {
    const r = await db.execute(q);
    return Number((r as unknown as { rows: { n: number | string }[] }).rows[0]!.n);
  };
  const [orders, ledger, scheduled, auditOk, auditRefused, auditAll, offerEvents] = await Promise.all([
    count(sql`select count(*) as n from orders`),
    count(sql`select count(*) as n from ledger_lines`),
    count(sql`select count(*) as n from scheduled_changes`),
    count(sql`select count(*) as n from audit_events where outcome = 'ok'`),
    count(sql`select count(*) as n from audit_events where outcome = 'refused'`),
    count(sql`select count(*) as n from audit_events`),
    count(sql`select count(*) as n from offer_events`),
  ]);
  const subscriptions = await db.execute(sql`
    select s.id, s.plan_code, s.period_start::text, s.period_end::text, s.version, s.updated_at::text,
      coalesce((select string_agg(a.add_on_code, ',' order by a.add_on_code) from subscription_add_ons a where a.subscription_id = s.id), '') as add_ons
    from subscriptions s order by s.id`);
  const scheduledRows = await db.execute(sql`select id, status::text, order_id from scheduled_changes order by id`);
  const orderRows = await db.execute(sql`select id, status::text from orders order by id`);
  return {
    orders,
    ledger,
    scheduled,
    auditOk,
    auditRefused,
    auditAll,
    offerEvents,
    subscriptions: (subscriptions as unknown as { rows: unknown[] }).rows,
    scheduledRows: (scheduledRows as unknown as { rows: unknown[] }).rows,
    orderRows: (orderRows as unknown as { rows: unknown[] }).rows,
  };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection, but it resolved');
}
