import 'server-only';
import type { Queryable } from '@/db/client';
import type { Actor } from './actor';
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
  kind: 'test_clock';
}
export const TEST_CLOCK_ACTOR: TestClockActor = { kind: 'test_clock' };

/**
 * Everyone who can ask: a signed-in user (subscriber, agent, admin) or the test-clock token.
 * Another kind of caller (an API client with scopes, say) is one more member here, one more
 * key in the table's rows, and one more case in `kindOf`.
 */
export type Principal = Actor | TestClockActor;
export type PrincipalKind = Role | TestClockActor['kind'];

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
const CLOCK = { admin: 'any', test_clock: 'any' } as const;
const STAFF_KINDS = ['agent', 'admin'] as const;

export const CAPABILITIES = {
  // A subscriber's own account, or any account for support staff.
  view_dashboard: { who: ACCOUNT },
  view_plans: { who: ACCOUNT },
  view_add_ons: { who: ACCOUNT },
  view_history: { who: ACCOUNT },
  view_offers: { who: ACCOUNT },
  preview_change: { who: ACCOUNT, applyNow: STAFF_KINDS },
  confirm_change: { who: ACCOUNT, applyNow: STAFF_KINDS },
  cancel_scheduled_change: { who: ACCOUNT },
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
export function allows(p: Principal, operation: Operation, subject: { subscriberId?: number; applyNow?: boolean } = {}): boolean {
  return decide(p, operation, subject) === null;
}

type Refusal = { code: 'forbidden' | 'not_found'; message: string; detail: Record<string, unknown> };

function decide(p: Principal, operation: Operation, subject: { subscriberId?: number; applyNow?: boolean }, page = false): Refusal | null {
  const cap: Capability = CAPABILITIES[operation];
  const kind = kindOf(p);
  const reach = cap.who[kind];
  const about = subject.subscriberId === undefined ? {} : { subscriberId: subject.subscriberId };
  if (!reach) {
    // `required` names the roles that may (the test-clock token is not a role).
    const required = (Object.keys(cap.who) as PrincipalKind[]).filter((k): k is Role => k !== 'test_clock');
    return { code: 'forbidden', message: page ? REFUSAL.forbiddenPage : REFUSAL.forbidden, detail: { required, ...about } };
  }
  if (reach === 'own' && subject.subscriberId !== undefined && !('kind' in p) && p.subscriberId !== subject.subscriberId) {
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
  await recordAudit(opts.db ?? (await getDb()), { action: operation, outcome: 'refused', actor: principal, reason: refusal.message, detail: refusal.detail });
  throw new AppError(refusal.code, refusal.message);
}
