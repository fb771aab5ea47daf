/**
 * Support agents and admins (issue 6): search by every key, acting on behalf of a subscriber
 * with a reason (both identities recorded, the agent named in the history), the audit trail,
 * notes, offer analytics, and role refusals (refused, audited, nothing else written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Db } from '@/db/client';
import type { Day } from '@/lib/domain/types';
import { loadActor, type Actor } from '@/lib/server/actor';
import { getAuditTrail, getSubscriberSummary, parseSearchQuery, searchSubscribers } from '@/lib/server/agents';
import { offerAnalytics, resolveRange } from '@/lib/server/analytics';
import { forgetCatalog } from '@/lib/server/catalog';
import { confirmChange, previewChange } from '@/lib/server/changes';
import { moveClock } from '@/lib/server/clock-admin';
import { useDbHandleForTests } from '@/lib/server/db';
import { getHistory } from '@/lib/server/history';
import { getOffers } from '@/lib/server/offers';
import { addNote, listNotes } from '@/lib/server/notes';
import { createTestDb, drivers, type TestDb } from './support/db';

const TODAY: Day = '2026-11-16';

async function actorFor(db: Db, email: string, today: Day = TODAY): Promise<Actor> {
  const u = (await db.select({ id: s.users.id }).from(s.users).where(eq(s.users.email, email)))[0];
  if (!u) throw new Error(`no user ${email}`);
  const actor = await loadActor(db, u.id);
  if (!actor) throw new Error(`user ${email} is disabled`);
  return { ...actor, today, now: new Date(`${today}T10:00:00Z`) };
}

async function subscriberIdOf(db: Db, email: string): Promise<number> {
  const r = (await db.select({ id: s.subscribers.id }).from(s.subscribers).where(eq(s.subscribers.email, email)))[0];
  if (!r) throw new Error(`no subscriber ${email}`);
  return r.id;
}

async function rejection(
  p: Promise<unknown>,
): Promise<Error & { code?: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection, but it resolved');
}

/** Everything an agent or admin function could write, to prove a refusal wrote nothing else. */
async function state(db: Db) {
  const r = await db.execute(sql`
    select
      (select count(*) from agent_notes)::int as notes,
      (select count(*) from orders)::int as orders,
      (select count(*) from ledger_lines)::int as ledger,
      (select count(*) from scheduled_changes)::int as scheduled,
      (select count(*) from offer_events)::int as offer_events,
      (select count(*) from subscribers)::int as subscribers,
      (select count(*) from users)::int as users,
      (select count(*) from audit_events where outcome <> 'refused')::int as audit_other,
      (select count(*) from audit_events where outcome = 'refused')::int as audit_refused,
      (select coalesce(string_agg(key || '=' || value::text, ';' order by key), '') from app_settings) as settings,
      (select string_agg(id || ':' || plan_code || ':' || version, ',' order by id) from subscriptions) as subscriptions`);
  return (r as unknown as { rows: Record<string, unknown>[] }).rows[0]!;
}

async function lastAudit(db: Db) {
  return (await db.select().from(s.auditEvents).orderBy(sql`${s.auditEvents.id} desc`).limit(1))[0]!;
}

describe.each(drivers)('agents and admins on %s', (driver) => {
  let t: TestDb;
  let agent: Actor;
  let admin: Actor;
  let ben: Actor;
  let benId: number;
  let eveId: number;

  beforeAll(async () => {
    t = await createTestDb(driver, { today: TODAY, generated: 60 });
    useDbHandleForTests(t);
    forgetCatalog();
    agent = await actorFor(t.db, 'agent@example.com');
    admin = await actorFor(t.db, 'admin@example.com');
    ben = await actorFor(t.db, 'ben@example.com');
    benId = await subscriberIdOf(t.db, 'ben@example.com');
    eveId = await subscriberIdOf(t.db, 'eve@example.com');
  });
  afterAll(async () => {
    useDbHandleForTests(undefined);
    forgetCatalog();
    await t?.destroy();
  });

  describe('search', () => {
    it('finds by name, case-insensitively, as a substring, exact matches first', async () => {
      for (const q of ['okafor', 'OKAFOR', 'Ben Oka', 'kafo']) {
        const r = await searchSubscribers(agent, { q });
        expect(
          r.rows.map((x) => x.id),
          q,
        ).toContain(benId);
      }
      const exact = await searchSubscribers(agent, { q: 'ben okafor' });
      expect(exact.rows[0]).toMatchObject({
        id: benId,
        name: 'Ben Okafor',
        accountNumber: 'SB-100002',
        phone: '+1 555-010-0002',
        email: 'ben@example.com',
        planCode: 'PLUS',
        planName: 'Plus',
        exact: true,
      });
    });

    it('finds by phone number in any common formatting (and by its last digits)', async () => {
      for (const q of [
        '555-010-0002',
        '(555) 010 0002',
        '+1 555 010 0002',
        '5550100002',
        '555 010 0002',
        '+1 (555) 010-0002',
        '15550100002',
        '555.010.0002',
        '0002',
      ]) {
        const r = await searchSubscribers(agent, { q });
        expect(
          r.rows.map((x) => x.id),
          q,
        ).toEqual([benId]);
        expect(r.matchedOn, q).toContain('phone number');
      }
    });

    it('asks for at least 4 digits of a phone number', async () => {
      const r = await searchSubscribers(agent, { q: '002' });
      expect(r.total).toBe(0);
      expect(r.hint).toMatch(/at least 4 digits/);
    });

    it('finds by email, exact or by its start, case-insensitively', async () => {
      for (const q of ['ben@example.com', 'BEN@Example.COM', 'ben@', 'ben@exa']) {
        const r = await searchSubscribers(agent, { q });
        expect(
          r.rows.map((x) => x.id),
          q,
        ).toEqual([benId]);
      }
      const byStart = await searchSubscribers(agent, { q: 'ben' });
      expect(byStart.rows.map((x) => x.id)).toContain(benId);
    });

    it('finds by account number, with or without its prefix', async () => {
      for (const q of ['SB-100002', 'sb-100002', 'SB100002', 'sb 100002', '100002']) {
        const r = await searchSubscribers(agent, { q });
        expect(r.rows[0]?.id, q).toBe(benId);
        expect(r.rows[0]?.exact, q).toBe(true);
      }
    });

    it('paginates 20 at a time with the total, ordered by name, and says when a page is past the end', async () => {
      const rows = Array.from({ length: 45 }, (_, i) => {
        const n = String(i).padStart(2, '0');
        return {
          accountNumber: `PG-${n}`,
          name: `Pagina Tester ${n}`,
          email: `pagina.${n}@example.org`,
          phone: `+1 555-777-00${n}`,
          phoneDigits: `155577700${n}`,
          billingDay: 3,
          joinedOn: '2026-01-03',
        };
      });
      await t.db.insert(s.subscribers).values([...rows].reverse());
      const pages = await Promise.all([1, 2, 3].map((page) => searchSubscribers(agent, { q: 'pagina', page })));
      expect(pages.map((p) => p.total)).toEqual([45, 45, 45]);
      expect(pages.map((p) => p.pageCount)).toEqual([3, 3, 3]);
      expect(pages.map((p) => p.rows.length)).toEqual([20, 20, 5]);
      const names = pages.flatMap((p) => p.rows.map((r) => r.name));
      expect(names).toEqual(rows.map((r) => r.name));
      // A subscriber without a subscription is still found (plan unknown).
      expect(pages[0]!.rows[0]!.planCode).toBeNull();
      const past = await searchSubscribers(agent, { q: 'pagina', page: 9 });
      expect(past).toMatchObject({ total: 45, pageCount: 3, rows: [] });
    });

    it('a query of several words finds exactly what one substring pattern would (asked word by word of the index)', async () => {
      const all = (
        (await t.db.execute(
          sql`select id, lower(name) as name, lower(email) as email, account_number from subscribers`,
        )) as unknown as { rows: { id: number; name: string; email: string | null; account_number: string }[] }
      ).rows;
      // Words in order, across a separator, in the wrong order (the words match, the text doesn't),
      // a word too short for the index, and wildcards inside words.
      for (const q of ['ben oka', 'en okaf', 'okafor ben', 'n oka', 'ben.oka', 'b%n oka']) {
        const want = all
          .filter((r) => r.name.includes(q) || r.email?.startsWith(q) || r.account_number === q.toUpperCase())
          .map((r) => r.id)
          .sort((a, b) => a - b);
        const got: number[] = [];
        for (let page = 1; ; page++) {
          const r = await searchSubscribers(agent, { q, page });
          got.push(...r.rows.map((x) => x.id));
          if (page >= r.pageCount) break;
        }
        expect(
          got.sort((a, b) => a - b),
          q,
        ).toEqual(want);
      }
      expect((await searchSubscribers(agent, { q: 'ben oka' })).rows.map((x) => x.id)).toContain(benId);
      expect((await searchSubscribers(agent, { q: 'okafor ben' })).total).toBe(0);
    });

    it('takes LIKE wildcards literally and finds nothing for nonsense', async () => {
      for (const q of ['%', '_', 'zzzzqqq', 'a\\%']) {
        const r = await searchSubscribers(agent, { q });
        expect(r.total, q).toBe(0);
      }
    });

    it('validates the query', async () => {
      expect((await rejection(searchSubscribers(agent, { q: '   ' }))).code).toBe('invalid');
      expect((await rejection(searchSubscribers(agent, { q: 'x'.repeat(101) }))).code).toBe('invalid');
      expect((await rejection(searchSubscribers(agent, { q: 'ben', page: 0 }))).code).toBe('invalid');
    });

    it('reads the shape of a query', () => {
      expect(parseSearchQuery('+1 (555) 010-0002')).toMatchObject({
        phoneDigits: '15550100002',
        name: null,
        email: null,
      });
      expect(parseSearchQuery('100002')).toMatchObject({ phoneDigits: '100002', accountNumbers: ['SB-100002'] });
      expect(parseSearchQuery('sb 100002').accountNumbers).toContain('SB-100002');
      expect(parseSearchQuery('Ben@Example.com')).toMatchObject({
        email: 'ben@example.com',
        name: null,
        phoneDigits: null,
      });
      expect(parseSearchQuery('  Ben   Okafor ')).toMatchObject({ name: 'ben okafor', email: 'ben okafor' });
    });
  });

  describe('acting on behalf of a subscriber', () => {
    it("an agent applies ben's best-value offer: the reason and both identities are recorded, and ben's history names the agent", async () => {
      const offers = await getOffers(agent, benId);
      expect(offers.status).toBe('offers');
      const best = offers.status === 'offers' ? offers.offers.find((o) => o.bestValue) : undefined;
      expect(best?.key).toBe('up_sell:PREMIUM+ld_300');
      expect(best!.talkingPoints.length).toBeGreaterThan(0);
      // Staff looking at the offers are not impressions.
      expect((await t.db.select().from(s.offerEvents).where(eq(s.offerEvents.subscriberId, benId))).length).toBe(0);

      const preview = await previewChange(agent, { subscriberId: benId, target: best!.target });
      const input = {
        subscriberId: benId,
        target: best!.target,
        version: preview.version,
        idempotencyKey: preview.idempotencyKey,
        offerKey: best!.key,
      };
      // No reason: refused, nothing written.
      const before = await state(t.db);
      const noReason = await rejection(confirmChange(agent, { ...input, reason: '   ' }));
      expect(noReason.code).toBe('invalid');
      expect(await state(t.db)).toEqual(before);

      const reason = 'Customer called about long-distance charges; agreed to Premium.';
      const result = await confirmChange(agent, { ...input, reason });
      expect(result.status).toBe('applied');

      const order = (await t.db.select().from(s.orders).where(eq(s.orders.id, result.orderId)))[0]!;
      expect(order).toMatchObject({ subscriberId: benId, actorUserId: agent.userId, reason });
      const audit = (
        await t.db
          .select()
          .from(s.auditEvents)
          .where(and(eq(s.auditEvents.subscriberId, benId), eq(s.auditEvents.action, 'change_applied')))
      )[0]!;
      expect(audit).toMatchObject({
        actorUserId: agent.userId,
        actorRole: 'agent',
        subscriberId: benId,
        outcome: 'ok',
        reason,
      });
      expect(audit.before).toEqual({ planCode: 'PLUS', addOns: ['ld_300', 'voicemail'] });
      expect(audit.after).toEqual({ planCode: 'PREMIUM', addOns: ['ld_300'] });
      const accepted = await t.db
        .select()
        .from(s.offerEvents)
        .where(and(eq(s.offerEvents.subscriberId, benId), eq(s.offerEvents.eventType, 'accepted')));
      expect(accepted).toHaveLength(1);
      expect(accepted[0]).toMatchObject({
        offerKey: 'up_sell:PREMIUM+ld_300',
        actorUserId: agent.userId,
        monthlyPriceChangeCents: 500,
        monthlySavingCents: 2000,
      });

      const history = await getHistory(ben, benId);
      expect(history[0]).toMatchObject({ by: 'Sam Rivera (support)', byStaff: true, reason, status: 'applied' });

      const trail = await getAuditTrail(agent, benId);
      expect(trail[0]).toMatchObject({
        who: 'Sam Rivera',
        whoRole: 'agent',
        action: 'change_applied',
        outcome: 'ok',
        reason,
        before: 'Plus + Long Distance 300 + Voicemail',
        after: 'Premium + Long Distance 300',
      });
      expect(trail[0]!.detail).toMatch(/on behalf of the subscriber/);

      const analytics = await offerAnalytics(admin, {});
      const row = analytics.rows.find((r) => r.offerKey === 'up_sell:PREMIUM+ld_300');
      expect(row).toMatchObject({
        kind: 'up_sell',
        acceptances: 1,
        impressions: 0,
        acceptanceRate: null,
        revenueChangeCents: 500,
        savingsCents: 2000,
        targetLabel: 'Premium + Long Distance 300',
      });
    });

    it('an agent may apply a lower-priced change now, with a reason (prorated credit)', async () => {
      const target = { planCode: 'PLUS', addOns: ['three_way', 'voicemail'] };
      const scheduled = await previewChange(agent, { subscriberId: eveId, target });
      expect(scheduled.plan.timing).toBe('end_of_period');
      const now = await previewChange(agent, { subscriberId: eveId, target, applyNow: true });
      expect(now.plan.timing).toBe('now');
      expect(now.plan.prorationTotalCents).toBeLessThan(0);
      const r = await confirmChange(agent, {
        subscriberId: eveId,
        target,
        applyNow: true,
        version: now.version,
        idempotencyKey: now.idempotencyKey,
        reason: 'Goodwill: move now',
      });
      expect(r.status).toBe('applied');
      const sub = (await t.db.select().from(s.subscriptions).where(eq(s.subscriptions.subscriberId, eveId)))[0]!;
      expect(sub.planCode).toBe('PLUS');
      const audit = await lastAudit(t.db);
      expect(audit).toMatchObject({
        action: 'change_applied',
        actorUserId: agent.userId,
        subscriberId: eveId,
        reason: 'Goodwill: move now',
      });
      expect((audit.detail as { applyNow: boolean }).applyNow).toBe(true);
    });
  });

  describe('notes and the audit trail', () => {
    it('an agent adds a note; it is listed with its author and audited', async () => {
      const { id } = await addNote(agent, { subscriberId: benId, body: '  Prefers email over phone calls.  ' });
      const notes = await listNotes(admin, benId);
      expect(notes[0]).toMatchObject({
        id,
        body: 'Prefers email over phone calls.',
        author: 'Sam Rivera',
        authorRole: 'agent',
      });
      const audit = await lastAudit(t.db);
      expect(audit).toMatchObject({
        action: 'note_added',
        outcome: 'ok',
        actorUserId: agent.userId,
        subscriberId: benId,
      });
      const trail = await getAuditTrail(admin, benId);
      expect(trail[0]).toMatchObject({ action: 'note_added', actionLabel: 'Note added', who: 'Sam Rivera' });
    });

    it('a note is 1 to 2000 characters, on an account that exists; otherwise nothing is written', async () => {
      const before = await state(t.db);
      const empty = await rejection(addNote(agent, { subscriberId: benId, body: '   ' }));
      expect(empty.code).toBe('invalid');
      expect(empty.fieldErrors?.body).toBeDefined();
      expect((await rejection(addNote(agent, { subscriberId: benId, body: 'x'.repeat(2001) }))).code).toBe('invalid');
      expect((await rejection(addNote(agent, { subscriberId: 2_000_000_000, body: 'hello' }))).code).toBe('not_found');
      expect((await rejection(getAuditTrail(agent, 2_000_000_000))).code).toBe('not_found');
      expect(await state(t.db)).toEqual(before);
      await addNote(agent, { subscriberId: benId, body: 'y'.repeat(2000) });
      expect((await listNotes(agent, benId))[0]!.body).toHaveLength(2000);
    });
  });

  describe('offer analytics', () => {
    it('counts each event type per kind and target over the range, with rates and money', async () => {
      const adaId = await subscriberIdOf(t.db, 'ada@example.com');
      const gusId = await subscriberIdOf(t.db, 'gus@example.com');
      const target = { planCode: 'BASIC', addOns: ['ld_300'] };
      const ev = (subscriberId: number, eventType: 'impression' | 'accepted' | 'dismissed' | 'snoozed', day: Day) => ({
        subscriberId,
        offerKey: 'cross_sell:BASIC+ld_300',
        kind: 'cross_sell',
        targetConfig: target,
        eventType,
        day,
        monthlyPriceChangeCents: 800,
        monthlySavingCents: 1600,
      });
      await t.db.insert(s.offerEvents).values([
        ev(adaId, 'impression', '2026-09-01'), // outside the default range
        ev(adaId, 'accepted', '2026-09-01'),
        ev(adaId, 'impression', '2026-11-01'),
        ev(adaId, 'impression', '2026-11-02'),
        ev(gusId, 'impression', '2026-11-02'),
        ev(gusId, 'impression', '2026-11-03'),
        ev(adaId, 'accepted', '2026-11-02'),
        ev(gusId, 'dismissed', '2026-11-03'),
        ev(gusId, 'snoozed', '2026-11-03'),
      ]);
      const a = await offerAnalytics(admin, {});
      expect(a).toMatchObject({ from: '2026-10-18', to: TODAY, days: 30 });
      const row = a.rows.find((r) => r.offerKey === 'cross_sell:BASIC+ld_300')!;
      expect(row).toMatchObject({
        kind: 'cross_sell',
        kindLabel: 'Add-on (cross-sell)',
        impressions: 4,
        acceptances: 1,
        dismissals: 1,
        snoozes: 1,
        acceptanceRate: 0.25,
        dismissalRate: 0.25,
        revenueChangeCents: 800,
        savingsCents: 1600,
      });
      expect(row.target).toEqual(target);
      const cross = a.byKind.find((k) => k.kind === 'cross_sell')!;
      expect(cross.impressions).toBe(4);
      expect(a.byKind.map((k) => k.kind)).toEqual(['cross_sell', 'up_sell', 'right_size']);
      expect(a.totals.acceptances).toBe(a.rows.reduce((n, r) => n + r.acceptances, 0));

      const wide = await offerAnalytics(admin, { from: '2026-08-01', to: '2026-11-30' });
      expect(wide.rows.find((r) => r.offerKey === 'cross_sell:BASIC+ld_300')).toMatchObject({
        impressions: 5,
        acceptances: 2,
        revenueChangeCents: 1600,
      });
      const oneDay = await offerAnalytics(admin, { from: '2026-11-03', to: '2026-11-03' });
      expect(oneDay.rows.find((r) => r.offerKey === 'cross_sell:BASIC+ld_300')).toMatchObject({
        impressions: 1,
        acceptances: 0,
        dismissals: 1,
        snoozes: 1,
      });
    });

    it('validates the range: real dates, from ≤ to, at most 366 days', async () => {
      expect(resolveRange(TODAY, { from: '2026-01-01', to: '2027-01-01' }).days).toBe(366);
      for (const bad of [
        { from: '2026-11-20', to: '2026-11-10' },
        { from: '2025-01-01', to: '2026-01-02' },
        { from: '2026-02-30' },
        { to: 'yesterday' },
      ]) {
        const e = await rejection(offerAnalytics(admin, bad));
        expect(e.code, JSON.stringify(bad)).toBe('invalid');
      }
    });
  });

  describe('roles are enforced on the server', () => {
    type Call = [string, (a: Actor) => Promise<unknown>];
    const agentCalls = (): Call[] => [
      ['search_subscribers', (a) => searchSubscribers(a, { q: 'okafor' })],
      ['view_subscriber', (a) => getSubscriberSummary(a, eveId)],
      ['view_audit_trail', (a) => getAuditTrail(a, eveId)],
      ['view_notes', (a) => listNotes(a, eveId)],
      ['add_note', (a) => addNote(a, { subscriberId: eveId, body: 'sneaky' })],
      ['add_note', (a) => addNote(a, { subscriberId: a.subscriberId ?? eveId, body: 'on my own account' })],
    ];
    const adminCalls = (): Call[] => [
      ['view_offer_analytics', (a) => offerAnalytics(a, {})],
      ['move_test_clock', (a) => moveClock(a, { advanceDays: 40 })],
    ];

    it('a subscriber calling any agent or admin function is refused, audited, and nothing else is written', async () => {
      for (const [action, call] of [...agentCalls(), ...adminCalls()]) {
        const before = await state(t.db);
        const e = await rejection(call(ben));
        expect(e.code, action).toBe('forbidden');
        const after = await state(t.db);
        expect(after, action).toEqual({ ...before, audit_refused: (before.audit_refused as number) + 1 });
        expect(await lastAudit(t.db), action).toMatchObject({
          action,
          outcome: 'refused',
          actorUserId: ben.userId,
          actorRole: 'subscriber',
        });
      }
    });

    it('an agent calling an admin function is refused, audited, and nothing else is written', async () => {
      for (const [action, call] of adminCalls()) {
        const before = await state(t.db);
        const e = await rejection(call(agent));
        expect(e.code, action).toBe('forbidden');
        expect(await state(t.db), action).toEqual({ ...before, audit_refused: (before.audit_refused as number) + 1 });
        expect(await lastAudit(t.db), action).toMatchObject({
          action,
          outcome: 'refused',
          actorUserId: agent.userId,
          actorRole: 'agent',
        });
      }
    });

    it('agents and admins may use the agent functions; admins the admin ones', async () => {
      expect((await searchSubscribers(admin, { q: 'eve' })).rows.map((r) => r.id)).toContain(eveId);
      expect((await getSubscriberSummary(admin, eveId)).name).toBe('Eve Martin');
      expect(Array.isArray(await listNotes(admin, eveId))).toBe(true);
      const clock = await moveClock(admin, { advanceDays: 1 });
      expect(clock.offsetMs).toBeGreaterThan(0);
      await moveClock(admin, { reset: true });
    });
  });
});
