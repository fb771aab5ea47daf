import 'server-only';
import type { Queryable } from '@/db/client';
import type { Actor } from './actor';
import type { ApiClientActor } from './api-clients';
import type { Role } from './auth';
import { recordAudit } from './audit';
import { getDb } from './db';
import { AppError } from './errors';

/**
 * Who may do what: the one capability table, and `authorize()`, the one check every use case
 * runs before it reads or writes. A refusal is audited (actor, operation, message) and thrown
 * as an AppError; the caller decides what the person sees (a message, a 404, a redirect).
 */

/** A test suite holding the test-clock token (never in production): it may read and move the clock, nothing else. */
export interface TestClockActor {
  kind: 'test-clock';
}
export const TEST_CLOCK_ACTOR: TestClockActor = { kind: 'test-clock' };

/** Whoever runs a command-line script on the server (npm run api-client:create): trusted like the server itself. */
export interface CommandLineActor {
  kind: 'command-line';
}

/**
 * Everyone who can ask: a signed-in user (subscriber, agent, admin), the test-clock token,
 * the command line, or an API client (its scopes are checked by the TMF layer's
 * clientHoldsScope; in this table it may do nothing of the portal's). Another kind of caller is
 * one more member here and one more key in the table's rows.
 */
export type Principal = Actor | TestClockActor | CommandLineActor | ApiClientActor;
export type PrincipalKind = Role | TestClockActor['kind'] | CommandLineActor['kind'] | ApiClientActor['kind'];
const ROLES: readonly Role[] = ['subscriber', 'agent', 'admin'];

/** `any`: on every account; `own`: on the principal's own account only (a subscriber). */
export type Reach = 'any' | 'own';

export interface Capability {
  who: Partial<Record<PrincipalKind, Reach>>;
  /** Who may also apply a lower-priced change now rather than at the end of the period. */
  applyNow?: readonly PrincipalKind[];
}

const ACCOUNT = { subscriber: 'own', agent: 'any', admin: 'any' } as const;
const STAFF = { agent: 'any', admin: 'any' } as const;
const ADMIN = { admin: 'any' } as const;
const CLOCK = { admin: 'any', 'test-clock': 'any' } as const;
const API_CLIENTS = { admin: 'any', 'command-line': 'any' } as const;
const STAFF_KINDS = ['agent', 'admin'] as const;

export const CAPABILITIES = {
  // A subscriber's own account, or any account for support staff.
  view_dashboard: { who: ACCOUNT },
  view_plans: { who: ACCOUNT },
  view_add_ons: { who: ACCOUNT },
  view_history: { who: ACCOUNT },
  view_bills: { who: ACCOUNT },
  view_bill: { who: ACCOUNT },
  view_offers: { who: ACCOUNT },
  // API clients too (issue 19): TMF622 orders (scope orders.write, checked by the TMF layer), planned
  // by the same use case as the portal's; never "apply now".
  preview_change: { who: { ...ACCOUNT, 'api-client': 'any' }, applyNow: STAFF_KINDS },
  confirm_change: { who: { ...ACCOUNT, 'api-client': 'any' }, applyNow: STAFF_KINDS },
  cancel_scheduled_change: { who: { ...ACCOUNT, 'api-client': 'any' } },
  respond_to_offer: { who: ACCOUNT },
  // Support staff only.
  open_agent_area: { who: STAFF },
  search_subscribers: { who: STAFF },
  view_subscriber: { who: STAFF },
  view_audit_trail: { who: STAFF },
  view_notes: { who: STAFF },
  add_note: { who: STAFF },
  // Admins only (and the test suite for the clock).
  view_offer_analytics: { who: ADMIN },
  read_test_clock: { who: CLOCK },
  move_test_clock: { who: CLOCK },
  // The API clients of the TMF Open APIs: admins in the portal, or the command line.
  'api_client.list': { who: API_CLIENTS },
  'api_client.create': { who: API_CLIENTS },
  'api_client.rotate': { who: API_CLIENTS },
  'api_client.revoke': { who: API_CLIENTS },
  // The outbox (Admin → Deliveries, Admin → Mail) and a subscriber's own offer-email consent.
  view_deliveries: { who: ADMIN },
  retry_delivery: { who: ADMIN },
  view_mail: { who: ADMIN },
  set_offer_email_consent: { who: { subscriber: 'own' } },
  // Admin → Catalog (issue 20): admins manage it, agents read it.
  'catalog.view': { who: STAFF },
  'catalog.create_draft': { who: ADMIN },
  'catalog.edit_draft': { who: ADMIN },
  'catalog.launch': { who: ADMIN },
  'catalog.edit_rules': { who: ADMIN },
  'catalog.retire': { who: ADMIN },
  'catalog.change_price': { who: ADMIN },
  // Test fixtures and test clocks for UI test suites (SPEC §12; never in a deployment): like the test clock.
  manage_test_fixtures: { who: CLOCK },
  manage_test_clocks: { who: CLOCK },
  // Bills (issue 19): a bill's state (sent, on hold for a dispute, settled), by support staff
  // with a reason in the portal, or by an API client holding bills.write (TMF678 PATCH).
  change_bill_state: { who: { agent: 'any', admin: 'any', 'api-client': 'any' } },
  // Issue 21: Admin → Staff, and resetting another staff member's second factor.
  'staff.list': { who: ADMIN },
  'staff.reset_second_factor': { who: ADMIN },
} as const satisfies Record<string, Capability>;

export type Operation = keyof typeof CAPABILITIES;

export const REFUSAL = {
  forbidden: 'You do not have permission to do that.',
  forbiddenPage: 'You do not have permission to open that page.',
  /** A subscriber asking about another account: "not found", so that existence doesn't leak. */
  notYours: 'That account was not found.',
  applyNow: 'Only a support agent can apply a lower-priced change before the end of the period.',
} as const;

export function kindOf(p: Principal): PrincipalKind {
  return 'kind' in p ? p.kind : p.role;
}

export function isStaff(p: Principal): boolean {
  return kindOf(p) === 'agent' || kindOf(p) === 'admin';
}

/** What the table allows, without a side effect: for showing or hiding a link. Refusals go through `authorize`. */
export function allows(
  p: Principal,
  operation: Operation,
  subject: { subscriberId?: number; applyNow?: boolean } = {},
): boolean {
  return decide(p, operation, subject) === null;
}

type Refusal = { code: 'forbidden' | 'not_found'; message: string; detail: Record<string, unknown> };

function decide(
  p: Principal,
  operation: Operation,
  subject: { subscriberId?: number; applyNow?: boolean },
  page = false,
): Refusal | null {
  const cap: Capability = CAPABILITIES[operation];
  const kind = kindOf(p);
  const reach = cap.who[kind];
  const about = subject.subscriberId === undefined ? {} : { subscriberId: subject.subscriberId };
  if (!reach) {
    // `required` names the roles that may (the test-clock token, the command line are not roles).
    const required = ROLES.filter((r) => cap.who[r] !== undefined);
    return {
      code: 'forbidden',
      message: page ? REFUSAL.forbiddenPage : REFUSAL.forbidden,
      detail: { required, ...about },
    };
  }
  if (
    reach === 'own' &&
    subject.subscriberId !== undefined &&
    !('kind' in p) &&
    p.subscriberId !== subject.subscriberId
  ) {
    return { code: 'not_found', message: REFUSAL.notYours, detail: about };
  }
  if (subject.applyNow && !cap.applyNow?.includes(kind)) {
    return { code: 'forbidden', message: REFUSAL.applyNow, detail: { ...about, applyNow: true } };
  }
  return null;
}

/**
 * Checks `operation` for `principal` (on `subject.subscriberId`, and the apply-now power when
 * asked): returns when allowed; otherwise records the refusal in the audit trail and throws it.
 * `page: true` words a role refusal for a page ("…open that page").
 */
export async function authorize(
  principal: Principal,
  operation: Operation,
  subject: { subscriberId?: number; applyNow?: boolean } = {},
  opts: { page?: boolean; db?: Queryable } = {},
): Promise<void> {
  const refusal = decide(principal, operation, subject, opts.page);
  if (!refusal) return;
  await recordAudit(opts.db ?? (await getDb()), {
    action: operation,
    outcome: 'refused',
    actor: principal,
    reason: refusal.message,
    detail: refusal.detail,
  });
  throw new AppError(refusal.code, refusal.message);
}
