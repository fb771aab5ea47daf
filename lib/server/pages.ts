import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { getActor, isStaff, type Actor } from './actor';
import { loadSubscriberContext, parseSubscriberId, type SubscriberContext } from './context';
import { AppError } from './errors';

/**
 * Resolves who a subscriber-area page is about: the signed-in subscriber themself, or, under
 * /agent/subscribers/[id], the subscriber an agent or admin opened. Signed-out → login.
 */
export async function resolvePageSubject(rawId?: string): Promise<{ actor: Actor; subscriberId: number; base: string; staff: boolean }> {
  const actor = await getActor();
  if (!actor) redirect('/login');
  if (rawId === undefined) {
    if (actor.role !== 'subscriber' || actor.subscriberId === null) redirect('/agent');
    return { actor, subscriberId: actor.subscriberId, base: '', staff: false };
  }
  if (!isStaff(actor)) redirect('/dashboard');
  let subscriberId: number;
  try {
    subscriberId = parseSubscriberId(rawId);
  } catch {
    notFound();
  }
  return { actor, subscriberId, base: `/agent/subscribers/${subscriberId}`, staff: true };
}

/** loadSubscriberContext for pages: an account that isn't there (or isn't yours) is a 404 page. */
export async function loadPageContext(actor: Actor, subscriberId: number, action: string): Promise<SubscriberContext> {
  try {
    return await loadSubscriberContext(actor, subscriberId, action);
  } catch (e) {
    if (e instanceof AppError && (e.code === 'not_found' || e.code === 'forbidden')) notFound();
    throw e;
  }
}
