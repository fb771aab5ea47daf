import 'server-only';
import { cache } from 'react';
import { orNotFound, requirePageActor, subscriberIdOrNotFound } from '@/app/_lib/page';
import type { Actor } from '@/lib/server/actor';
import { getSubscriberSummary, type SubscriberSummary } from '@/lib/server/agents';

/**
 * The subscriber an agent or admin opened under /agent/subscribers/[id], for its layout and
 * pages (memoised per request). Signed out → sign-in; a subscriber → refused (audited) and sent
 * home; an id that is malformed or not an account → the "not found" page.
 */
export const agentSubject = cache(
  async (rawId: string): Promise<{ actor: Actor; subscriber: SubscriberSummary; param: string }> => {
    const actor = await requirePageActor('open_agent_area', '/login?callbackUrl=/agent');
    const id = subscriberIdOrNotFound(rawId);
    const subscriber = await orNotFound(() => getSubscriberSummary(actor, id));
    return { actor, subscriber, param: String(subscriber.id) };
  },
);

export type IdParams = { params: Promise<{ id: string }> };
