import 'server-only';
import { auditEvents } from '@/db/schema';
import type { Queryable } from '@/db/client';
import type { Operation, Principal } from './policy';

/**
 * The audit trail's one writer. Every row names an action from this union: an operation of
 * the capability table (for refusals, see policy.ts) or one of the events below.
 */
export type AuditEvent =
  | 'change_applied'
  | 'change_scheduled'
  | 'scheduled_change_applied'
  | 'scheduled_change_cancelled'
  | 'note_added'
  | 'move_test_clock'
  /** Every session of the caller's account ended (the account page). */
  | 'sign_out_everywhere'
  /** A staff account created with npm run admin:create. */
  | 'create_staff_account'
  /** A failed sign-in (the throttle counts these). */
  | 'sign_in'
  | 'api_client.create'
  | 'api_client.rotate'
  | 'api_client.revoke'
  /** Test fixtures and test clocks (SPEC §12; the suite or an admin). */
  | 'test_fixture.create'
  | 'test_fixture.delete'
  | 'test_clock.create'
  | 'test_clock.advance'
  | 'test_clock.delete'
  /** A rated-usage file imported with npm run usage:import (issue 19). */
  | 'usage_import'
  /** Issue 21: online access activated and a password reset through a one-time link; a password changed on the account page. */
  | 'online_access_activated'
  | 'password_reset'
  | 'password_changed'
  /** A staff member's second factor set up at sign-in, and a recovery code used. */
  | 'second_factor_enrolled'
  | 'recovery_code_used'
  /** An API client's call to a TMF Open API ("tmf620.productOffering.create"), or its refusal for a missing scope. */
  | `tmf${number}.${string}`;

export type AuditAction = Operation | AuditEvent;

export interface AuditEntry {
  action: AuditAction;
  outcome: 'ok' | 'refused' | 'throttled';
  /** Who acted; null for the system (the billing job) or someone not signed in. */
  actor: Principal | null;
  /** The account acted on, when the row belongs in its trail. */
  subscriberId?: number | null;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
  detail?: Record<string, unknown> | null;
}

/** Who goes in the actor columns: a user with their role; an API client by its id; a test suite holding the clock token as "test-suite"; the command line. */
function actorColumns(actor: Principal | null): {
  actorUserId: number | null;
  actorClientId: string | null;
  actorRole: string | null;
} {
  if (!actor) return { actorUserId: null, actorClientId: null, actorRole: null };
  if (!('kind' in actor)) return { actorUserId: actor.userId, actorClientId: null, actorRole: actor.role };
  switch (actor.kind) {
    case 'api-client':
      return { actorUserId: null, actorClientId: actor.clientId, actorRole: 'api-client' };
    case 'test-clock':
      return { actorUserId: null, actorClientId: null, actorRole: 'test-suite' };
    case 'command-line':
      return { actorUserId: null, actorClientId: null, actorRole: 'command-line' };
  }
}

/** Appends one row to the audit trail (inside the caller's transaction when given one). */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({
    ...actorColumns(entry.actor),
    subscriberId: entry.subscriberId ?? null,
    action: entry.action,
    outcome: entry.outcome,
    reason: entry.reason ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    detail: entry.detail ?? null,
  });
}
