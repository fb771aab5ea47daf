/**
 * The capability table and authorize() (lib/server/policy.ts): who may do each operation, on
 * which accounts, with which refusal; every refusal is one audit row and nothing else; an
 * allowed call writes nothing. (An API client's scopes are checked by the TMF layer; see tmf-api.test.ts.) The expected answers are written out here by hand (from the
 * spec's roles), not derived from the table, so a change to the table must change this too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { recordAudit } from '@/lib/server/audit';
import { AppError } from '@/lib/server/errors';
import {
  CAPABILITIES,
  REFUSAL,
  TEST_CLOCK_ACTOR,
  allows,
  authorize,
  type Operation,
  type Principal,
} from '@/lib/server/policy';
import { actorFor, useTestDb } from './support/actors';
import { createTestDb, drivers, type TestDb } from './support/db';

type Who = 'subscriber' | 'agent' | 'admin' | 'test_clock' | 'command_line';
/** 'own': allowed on one's own account only (another's is "not found"); 'yes' / 'no' everywhere. */
type Answer = 'own' | 'yes' | 'no';

const ACCOUNT: Record<Who, Answer> = {
  subscriber: 'own',
  agent: 'yes',
  admin: 'yes',
  test_clock: 'no',
  command_line: 'no',
};
const STAFF: Record<Who, Answer> = {
  subscriber: 'no',
  agent: 'yes',
  admin: 'yes',
  test_clock: 'no',
  command_line: 'no',
};
const API_CLIENTS: Record<Who, Answer> = {
  subscriber: 'no',
  agent: 'no',
  admin: 'yes',
  test_clock: 'no',
  command_line: 'yes',
};
const EXPECTED: Record<Operation, Record<Who, Answer>> = {
  view_dashboard: ACCOUNT,
  view_plans: ACCOUNT,
  view_add_ons: ACCOUNT,
  view_history: ACCOUNT,
  view_bills: ACCOUNT,
  view_bill: ACCOUNT,
  view_offers: ACCOUNT,
  preview_change: ACCOUNT,
  confirm_change: ACCOUNT,
  cancel_scheduled_change: ACCOUNT,
  respond_to_offer: ACCOUNT,
  open_agent_area: STAFF,
  search_subscribers: STAFF,
  view_subscriber: STAFF,
  view_audit_trail: STAFF,
  view_notes: STAFF,
  add_note: STAFF,
  view_offer_analytics: { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  read_test_clock: { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'yes', command_line: 'no' },
  move_test_clock: { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'yes', command_line: 'no' },
  'api_client.list': API_CLIENTS,
  'api_client.create': API_CLIENTS,
  'api_client.rotate': API_CLIENTS,
  'api_client.revoke': API_CLIENTS,
  view_deliveries: { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  retry_delivery: { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  view_mail: { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  set_offer_email_consent: { subscriber: 'own', agent: 'no', admin: 'no', test_clock: 'no', command_line: 'no' },
  'catalog.view': STAFF,
  'catalog.create_draft': { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  'catalog.edit_draft': { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  'catalog.launch': { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  'catalog.edit_rules': { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  'catalog.retire': { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  'catalog.change_price': { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  manage_test_fixtures: { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'yes', command_line: 'no' },
  manage_test_clocks: { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'yes', command_line: 'no' },
  // Issue 19: staff in the portal; API clients too (with bills.write, checked by the TMF layer).
  change_bill_state: STAFF,
  // Issue 21: Admin → Staff and resetting a staff member's second factor.
  'staff.list': { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
  'staff.reset_second_factor': { subscriber: 'no', agent: 'no', admin: 'yes', test_clock: 'no', command_line: 'no' },
};

async function outcome(p: Promise<void>): Promise<'allowed' | { code: string; message: string }> {
  try {
    await p;
    return 'allowed';
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, message: e.message };
  }
}

describe.each(drivers)('policy on %s', (driver) => {
  let t: TestDb;
  let principals: Record<Who, Principal>;
  let own: number;
  let other: number;

  const auditCount = async () => (await t.db.select({ n: sql<number>`count(*)::int` }).from(s.auditEvents))[0]!.n;
  const lastAudit = async () =>
    (await t.db.select().from(s.auditEvents).orderBy(sql`${s.auditEvents.id} desc`).limit(1))[0]!;

  beforeAll(async () => {
    t = await createTestDb(driver);
    useTestDb(t);
    const ada = await actorFor(t.db, 'ada@example.com');
    principals = {
      subscriber: ada,
      agent: await actorFor(t.db, 'agent@example.com'),
      admin: await actorFor(t.db, 'admin@example.com'),
      test_clock: TEST_CLOCK_ACTOR,
      command_line: { kind: 'command-line' },
    };
    own = ada.subscriberId!;
    other = (
      await t.db.select({ id: s.subscribers.id }).from(s.subscribers).where(eq(s.subscribers.email, 'ben@example.com'))
    )[0]!.id;
  });
  afterAll(async () => t?.destroy());

  it('the table covers exactly the operations the spec names', () => {
    expect(Object.keys(CAPABILITIES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('answers each operation for each kind of principal as the spec says; each refusal is one audit row, an allowed call none', async () => {
    for (const operation of Object.keys(EXPECTED) as Operation[]) {
      for (const who of Object.keys(principals) as Who[]) {
        const p = principals[who];
        const expected = EXPECTED[operation][who];
        for (const subscriberId of [own, other]) {
          const before = await auditCount();
          const got = await outcome(authorize(p, operation, { subscriberId }));
          const label = `${who} ${operation} on ${subscriberId === own ? 'own' : 'another'} account`;
          if (expected === 'yes' || (expected === 'own' && subscriberId === own)) {
            expect(got, label).toBe('allowed');
            expect(await auditCount(), `${label}: nothing audited`).toBe(before);
            expect(allows(p, operation, { subscriberId }), label).toBe(true);
            continue;
          }
          const refusal =
            expected === 'own'
              ? { code: 'not_found', message: REFUSAL.notYours }
              : { code: 'forbidden', message: REFUSAL.forbidden };
          expect(got, label).toEqual(refusal);
          expect(allows(p, operation, { subscriberId }), label).toBe(false);
          expect(await auditCount(), `${label}: one audit row`).toBe(before + 1);
          const row = await lastAudit();
          expect(row, label).toMatchObject({
            action: operation,
            outcome: 'refused',
            reason: refusal.message,
            subscriberId: null,
          });
          expect(row.actorUserId, label).toBe('userId' in p ? p.userId : null);
          expect(row.actorRole, label).toBe(
            'role' in p ? p.role : who === 'test_clock' ? 'test-suite' : 'command-line',
          );
          expect((row.detail as { subscriberId?: number }).subscriberId, label).toBe(subscriberId);
        }
      }
    }
  });

  it('a role refusal names the roles that may (never the test-clock token or the command line), and a page refusal says "open that page"', async () => {
    await outcome(authorize(principals.agent, 'move_test_clock'));
    expect((await lastAudit()).detail).toEqual({ required: ['admin'] });
    await outcome(authorize(principals.subscriber, 'api_client.create'));
    expect(await lastAudit()).toMatchObject({
      action: 'api_client.create',
      reason: REFUSAL.forbidden,
      detail: { required: ['admin'] },
    });
    expect(await outcome(authorize(principals.subscriber, 'open_agent_area', {}, { page: true }))).toEqual({
      code: 'forbidden',
      message: REFUSAL.forbiddenPage,
    });
    expect(await lastAudit()).toMatchObject({
      action: 'open_agent_area',
      reason: REFUSAL.forbiddenPage,
      detail: { required: ['agent', 'admin'] },
    });
  });

  it('applying a lower-priced change now is an agent power, on preview and confirm only', async () => {
    for (const operation of ['preview_change', 'confirm_change'] as const) {
      expect(await outcome(authorize(principals.subscriber, operation, { subscriberId: own, applyNow: true }))).toEqual(
        { code: 'forbidden', message: REFUSAL.applyNow },
      );
      expect(await lastAudit()).toMatchObject({
        action: operation,
        outcome: 'refused',
        detail: { subscriberId: own, applyNow: true },
      });
      expect(await outcome(authorize(principals.agent, operation, { subscriberId: own, applyNow: true }))).toBe(
        'allowed',
      );
      expect(await outcome(authorize(principals.admin, operation, { subscriberId: own, applyNow: true }))).toBe(
        'allowed',
      );
    }
    expect(
      await outcome(authorize(principals.agent, 'cancel_scheduled_change', { subscriberId: own, applyNow: true })),
    ).toEqual({ code: 'forbidden', message: REFUSAL.applyNow });
  });

  it('recordAudit fills the actor columns from the principal: a user, the test suite, or the system', async () => {
    await recordAudit(t.db, {
      actor: principals.agent,
      action: 'note_added',
      outcome: 'ok',
      subscriberId: own,
      detail: { noteId: 0 },
    });
    expect(await lastAudit()).toMatchObject({
      actorUserId: (principals.agent as { userId: number }).userId,
      actorRole: 'agent',
      subscriberId: own,
      action: 'note_added',
      outcome: 'ok',
    });
    await recordAudit(t.db, { actor: TEST_CLOCK_ACTOR, action: 'move_test_clock', outcome: 'ok' });
    expect(await lastAudit()).toMatchObject({ actorUserId: null, actorRole: 'test-suite', detail: null });
    await recordAudit(t.db, { actor: null, action: 'scheduled_change_applied', outcome: 'ok', subscriberId: own });
    expect(await lastAudit()).toMatchObject({ actorUserId: null, actorRole: null });
  });
});
