import 'server-only';
import { randomBytes } from 'node:crypto';
import { eq, inArray, or, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Tx } from '@/db/client';
import { issueBill, type IssueBillInput } from '@/db/bill-issuance';
import { recurringLedgerRows } from '@/db/ledger';
import { config } from '@/lib/config';
import { configurationProblems, findPlan, normalize } from '@/lib/domain/catalog';
import { addDays, dayOf, periodContaining } from '@/lib/domain/periods';
import { recurringLines } from '@/lib/domain/rollover';
import type { BillingPeriod, Configuration, Day } from '@/lib/domain/types';
import { recordAudit } from './audit';
import { readCatalog } from './catalog';
import { readNow } from './clock';
import { withTransaction } from './db';
import { AppError } from './errors';
import { hashPassword } from './passwords';
import { authorize, type Principal } from './policy';

/**
 * Test fixtures (SPEC §12; never in a deployment): a subscriber made to order for one UI test
 * (plan, add-ons, billing day, usage history, optionally a test clock), returned with its
 * credentials, and removed afterwards with every row it has. Made the way the demo seed makes
 * its subscribers (db/seed.ts): each past period booked in advance and billed at its start,
 * the opening bill first.
 */

export interface PeriodUsage {
  ldMinutes: number;
  intlMinutes: number;
  unansweredCalls: number;
  missedWhileBusy: number;
}

export interface FixtureInput {
  plan: string;
  addOns: string[];
  /** 1–31; default: the day of month of the fixture's today (a period that starts today). */
  billingDay?: number;
  /** One entry per complete past period, oldest first (none: joined this period). */
  history: PeriodUsage[];
  /** Usage so far in the current period. */
  currentUsage: PeriodUsage;
  name?: string;
  clockId?: number;
}

export interface FixtureView {
  subscriberId: number;
  userId: number;
  email: string;
  password: string;
  accountNumber: string;
  name: string;
  clockId: number | null;
  /** The fixture's day: its clock's, or the portal's. */
  today: Day;
  period: { start: Day; end: Day };
  bills: number;
}

export const NO_USAGE: PeriodUsage = { ldMinutes: 0, intlMinutes: 0, unansweredCalls: 0, missedWhileBusy: 0 };

function requireTestSupport(): void {
  // A deployment has no test fixtures: the routes answer 404 before this, and this holds for any other caller.
  if (!config().testClockEnabled) throw new AppError('not_found', 'Not found.');
}

/** The `count` periods before `current`, oldest first. */
function periodsBefore(billingDay: number, current: BillingPeriod, count: number): BillingPeriod[] {
  const out: BillingPeriod[] = [];
  let p = current;
  for (let i = 0; i < count; i++) {
    p = periodContaining(billingDay, addDays(p.start, -1));
    out.unshift(p);
  }
  return out;
}

/** Creates a fixture subscriber (its account, sign-in, subscription, usage, ledger and bills) in one transaction. */
export async function createFixture(principal: Principal, input: FixtureInput): Promise<FixtureView> {
  requireTestSupport();
  await authorize(principal, 'manage_test_fixtures');
  const tag = randomBytes(6).toString('hex');
  const password = `fx-${randomBytes(18).toString('base64url')}`;
  // Hashed before the transaction: the embedded database runs one transaction at a time.
  const passwordHash = await hashPassword(password);
  return withTransaction(async (tx) => {
    const catalog = await readCatalog(tx);
    // A retired plan is allowed: a fixture may be grandfathered on it (like the demo's Finn).
    if (!findPlan(catalog, input.plan))
      throw new AppError('invalid', `${input.plan} is not a plan in the catalog.`, { plan: ['Unknown plan.'] });
    const cfg: Configuration = normalize({ planCode: input.plan, addOns: input.addOns });
    const problems = configurationProblems(catalog, cfg);
    if (problems.length) throw new AppError('invalid', problems.join(' '), { addOns: problems });

    let now: Date;
    if (input.clockId !== undefined) {
      const clock = (await tx.select().from(s.testClocks).where(eq(s.testClocks.id, input.clockId)).for('share'))[0];
      if (!clock)
        throw new AppError('invalid', `There is no test clock ${input.clockId}.`, { clockId: ['Unknown clock.'] });
      now = clock.frozenTime;
    } else now = await readNow(tx);
    const today = dayOf(now);
    const billingDay = input.billingDay ?? Number(today.slice(8, 10));
    const period = periodContaining(billingDay, today);
    const past = periodsBefore(billingDay, period, input.history.length);
    const joinedOn = past[0]?.start ?? period.start;

    const email = `fixture-${tag}@fixtures.example.test`;
    const [sub] = await tx
      .insert(s.subscribers)
      .values({
        accountNumber: `pending-${tag}`,
        name: input.name ?? `Fixture ${tag}`,
        email,
        billingDay,
        joinedOn,
      })
      .returning({ id: s.subscribers.id, name: s.subscribers.name });
    const subscriberId = sub!.id;
    // Account numbers of fixtures: SB-7xxxxxx (the seed's are SB-1xxxxx, the TMF API's SB-5xxxxx).
    const accountNumber = `SB-${7_000_000 + subscriberId}`;
    await tx.update(s.subscribers).set({ accountNumber }).where(eq(s.subscribers.id, subscriberId));
    const [user] = await tx
      .insert(s.users)
      .values({ email, name: sub!.name, passwordHash, role: 'subscriber', subscriberId })
      .returning({ id: s.users.id });
    const userId = user!.id;
    await tx.insert(s.testFixtures).values({ subscriberId, userId, clockId: input.clockId ?? null });
    const [subscription] = await tx
      .insert(s.subscriptions)
      .values({ subscriberId, planCode: cfg.planCode, periodStart: period.start, periodEnd: period.end })
      .returning({ id: s.subscriptions.id });
    const subscriptionId = subscription!.id;
    if (cfg.addOns.length)
      await tx
        .insert(s.subscriptionAddOns)
        .values(cfg.addOns.map((addOnCode) => ({ subscriptionId, addOnCode, addedOn: joinedOn })));
    const usage = (p: BillingPeriod, u: PeriodUsage) => ({
      subscriberId,
      periodStart: p.start,
      periodEnd: p.end,
      ldMinutes: u.ldMinutes,
      intlMinutes: u.intlMinutes,
      unansweredCalls: u.unansweredCalls,
      missedWhileBusy: u.missedWhileBusy,
    });
    await tx
      .insert(s.usagePeriods)
      .values([...past.map((p, i) => usage(p, input.history[i]!)), usage(period, input.currentUsage)]);
    const history = [...past, period];
    const bills: IssueBillInput[] = [];
    const ledger: (typeof s.ledgerLines.$inferInsert)[] = [];
    history.forEach((p, i) => {
      ledger.push(...recurringLedgerRows(recurringLines(catalog, cfg, p), subscriptionId, p.start));
      bills.push({
        subscriptionId,
        subscriberId,
        billDate: p.start,
        closedPeriod: i === 0 ? null : history[i - 1]!,
        nextPeriodEnd: p.end,
        config: cfg,
      });
    });
    await tx.insert(s.ledgerLines).values(ledger);
    for (const b of bills) await issueBill(tx, catalog, b);
    await recordAudit(tx, {
      actor: principal,
      action: 'test_fixture.create',
      outcome: 'ok',
      // Kept when the fixture is removed: the row names the subscriber in its detail only.
      detail: { subscriberId, accountNumber, clockId: input.clockId ?? null },
      after: cfg,
    });
    return {
      subscriberId,
      userId,
      email,
      password,
      accountNumber,
      name: sub!.name,
      clockId: input.clockId ?? null,
      today,
      period: { start: period.start, end: period.end },
      bills: bills.length,
    };
  });
}

/**
 * Removes fixtures with every row they have, in the caller's transaction. The bills and the
 * audit trail refuse deletes (migrations 0001, 0005); migration 0023 lets them through for the
 * subscriber named in `switchboard.purge_fixture` when it is a fixture, and for nothing else.
 * A table added later that references a subscriber makes this fail loudly (its foreign key)
 * until it is added here.
 */
export async function purgeFixtures(tx: Tx, subscriberIds: number[]): Promise<void> {
  for (const subscriberId of subscriberIds) {
    const fixture = (await tx.select().from(s.testFixtures).where(eq(s.testFixtures.subscriberId, subscriberId)))[0];
    if (!fixture) continue;
    const userId = fixture.userId;
    await tx.execute(sql`select set_config('switchboard.purge_fixture', ${String(subscriberId)}, true)`);
    const subscriptionIds = tx
      .select({ id: s.subscriptions.id })
      .from(s.subscriptions)
      .where(eq(s.subscriptions.subscriberId, subscriberId));
    const events = tx
      .select({ id: s.outboxEvents.id })
      .from(s.outboxEvents)
      .where(eq(s.outboxEvents.subscriberId, subscriberId));
    const email = (await tx.select({ email: s.users.email }).from(s.users).where(eq(s.users.id, userId)))[0]?.email;
    await tx.delete(s.deliveries).where(inArray(s.deliveries.eventId, events));
    await tx.delete(s.outboxEvents).where(eq(s.outboxEvents.subscriberId, subscriberId));
    await tx.delete(s.ledgerLines).where(inArray(s.ledgerLines.subscriptionId, subscriptionIds));
    await tx.delete(s.bills).where(eq(s.bills.subscriberId, subscriberId));
    await tx.delete(s.priceNotices).where(inArray(s.priceNotices.subscriptionId, subscriptionIds));
    await tx.delete(s.scheduledChanges).where(inArray(s.scheduledChanges.subscriptionId, subscriptionIds));
    // TM Forum orders and bill requests naming the fixture (issue 19).
    const orderIds = tx.select({ id: s.orders.id }).from(s.orders).where(eq(s.orders.subscriberId, subscriberId));
    await tx.delete(s.productOrderCancellations).where(inArray(s.productOrderCancellations.orderId, orderIds));
    await tx.delete(s.productOrders).where(eq(s.productOrders.subscriberId, subscriberId));
    await tx.delete(s.customerBillRequests).where(eq(s.customerBillRequests.subscriberId, subscriberId));
    await tx.delete(s.orders).where(eq(s.orders.subscriberId, subscriberId));
    await tx.delete(s.subscriptionAddOns).where(inArray(s.subscriptionAddOns.subscriptionId, subscriptionIds));
    await tx.delete(s.usagePeriods).where(eq(s.usagePeriods.subscriberId, subscriberId));
    await tx.delete(s.usageRecords).where(eq(s.usageRecords.subscriberId, subscriberId));
    await tx
      .delete(s.offerEvents)
      .where(or(eq(s.offerEvents.subscriberId, subscriberId), eq(s.offerEvents.actorUserId, userId)));
    await tx.delete(s.agentNotes).where(eq(s.agentNotes.subscriberId, subscriberId));
    await tx.delete(s.notificationPreferences).where(eq(s.notificationPreferences.subscriberId, subscriberId));
    await tx.delete(s.sessions).where(eq(s.sessions.userId, userId));
    if (email) await tx.delete(s.loginAttempts).where(eq(s.loginAttempts.email, email));
    await tx
      .delete(s.auditEvents)
      .where(or(eq(s.auditEvents.subscriberId, subscriberId), eq(s.auditEvents.actorUserId, userId)));
    await tx.delete(s.subscriptions).where(eq(s.subscriptions.subscriberId, subscriberId));
    await tx.delete(s.testFixtures).where(eq(s.testFixtures.subscriberId, subscriberId));
    await tx.delete(s.users).where(eq(s.users.id, userId));
    await tx.delete(s.subscribers).where(eq(s.subscribers.id, subscriberId));
  }
  await tx.execute(sql`select set_config('switchboard.purge_fixture', '', true)`);
}

/** DELETE /api/v1/test/fixtures/{id}: a fixture and all its rows. Anything but a fixture is "not found". */
export async function deleteFixture(principal: Principal, subscriberId: number): Promise<{ deleted: number }> {
  requireTestSupport();
  await authorize(principal, 'manage_test_fixtures');
  return withTransaction(async (tx) => {
    const found = await tx
      .select({ id: s.testFixtures.subscriberId })
      .from(s.testFixtures)
      .where(eq(s.testFixtures.subscriberId, subscriberId))
      .for('update');
    if (found.length === 0) throw new AppError('not_found', 'There is no test fixture with that id.');
    await purgeFixtures(tx, [subscriberId]);
    await recordAudit(tx, {
      actor: principal,
      action: 'test_fixture.delete',
      outcome: 'ok',
      detail: { subscriberId },
    });
    return { deleted: subscriberId };
  });
}
