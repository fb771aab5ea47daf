import 'server-only';
import { redirect } from 'next/navigation';
import { getActor, isStaff, type Actor } from './actor';
import { parseSubscriberId } from './context';

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
  const subscriberId = parseSubscriberId(rawId);
  return { actor, subscriberId, base: `/agent/subscribers/${subscriberId}`, staff: true };
}
