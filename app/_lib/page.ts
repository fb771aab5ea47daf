import 'server-only';
import { notFound, redirect } from 'next/navigation';
import type { AppErrorCode } from '@/lib/contracts/action-state';
import { getActor, type Actor } from '@/lib/server/actor';
import { pageActor } from '@/lib/server/agents';
import { parseSubscriberId } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';
import type { Operation } from '@/lib/server/policy';
import { accountBase, homeOf } from './urls';

/**
 * What pages do with who is asking and with the data layer's errors: the redirects and 404s
 * are decided here, in app/ (lib/server only throws AppError codes).
 */

export type PageResult<T> = { ok: true; data: T } | { ok: false; code: AppErrorCode; problem: string };

/**
 * Runs a page's use case. An AppError whose code is in `show` (default: invalid) comes back
 * as a problem for the page to explain; an account that isn't there or isn't the asker's
 * (not_found, forbidden) is the "not found" page; anything else goes to the error boundary,
 * which logs it and shows no details.
 */
export async function pageData<T>(
  load: () => Promise<T>,
  show: readonly AppErrorCode[] = ['invalid'],
): Promise<PageResult<T>> {
  try {
    return { ok: true, data: await load() };
  } catch (e) {
    if (e instanceof AppError && show.includes(e.code)) return { ok: false, code: e.code, problem: e.message };
    pageError(e);
  }
}

/** pageData for a use case with nothing to explain: its data, or the "not found" page, or the error boundary. */
export async function orNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    pageError(e);
  }
}

function pageError(e: unknown): never {
  if (e instanceof AppError && (e.code === 'not_found' || e.code === 'forbidden')) notFound();
  throw e;
}

/**
 * For pages of the agent and admin areas: signed out → sign-in (then back); a role the
 * capability table refuses → the refusal is audited and the person is sent to their home page.
 */
export async function requirePageActor(operation: Operation, loginPath = '/login'): Promise<Actor> {
  let actor: Actor | null;
  try {
    actor = await pageActor(operation);
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'forbidden') throw e;
    const me = await getActor();
    redirect(me ? homeOf(me.role) : loginPath);
  }
  if (!actor) redirect(loginPath);
  return actor;
}

export interface PageSubject {
  actor: Actor;
  subscriberId: number;
  /** "" for the subscriber's own pages, "/agent/subscribers/12" for staff. */
  base: string;
  staff: boolean;
}

/**
 * Who a subscriber-area page is about: the signed-in subscriber themself, or, under
 * /agent/subscribers/[id], the subscriber an agent or admin opened. Signed out → sign-in;
 * staff on a subscriber's own page → the agent home; a subscriber under /agent → their overview.
 */
export async function resolvePageSubject(rawId?: string): Promise<PageSubject> {
  const actor = await getActor();
  if (!actor) redirect('/login');
  if (rawId === undefined) {
    if (actor.role !== 'subscriber' || actor.subscriberId === null) redirect('/agent');
    return { actor, subscriberId: actor.subscriberId, base: accountBase(null), staff: false };
  }
  if (actor.role === 'subscriber') redirect('/dashboard');
  const subscriberId = subscriberIdOrNotFound(rawId);
  return { actor, subscriberId, base: accountBase(subscriberId), staff: true };
}

/** A subscriber id from a URL segment, or the "not found" page. */
export function subscriberIdOrNotFound(rawId: string): number {
  try {
    return parseSubscriberId(rawId);
  } catch {
    notFound();
  }
}
