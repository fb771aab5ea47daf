import 'server-only';
import { cache } from 'react';
import { notFound } from 'next/navigation';
import type { Actor } from '@/lib/server/actor';
import { getSubscriberSummary, requirePageRole, type SubscriberSummary } from '@/lib/server/agents';
import { parseSubscriberId } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';

/**
 * The subscriber an agent or admin opened under /agent/subscribers/[id], for its layout and
 * pages (memoised per request). Signed out → sign-in; a subscriber → refused (audited) and sent
 * home; an id that is malformed or not an account → the "not found" page.
 */
export const agentSubject = cache(async (rawId: string): Promise<{ actor: Actor; subscriber: SubscriberSummary; param: string }> => {
  const actor = await requirePageRole(['agent', 'admin'], 'open_agent_area', '/login?callbackUrl=/agent');
  let id: number;
  try {
    id = parseSubscriberId(rawId);
  } catch {
    notFound();
  }
  try {
    const subscriber = await getSubscriberSummary(actor, id);
    return { actor, subscriber, param: String(subscriber.id) };
  } catch (e) {
    if (e instanceof AppError && e.code === 'not_found') notFound();
    throw e;
  }
});

export type IdParams = { params: Promise<{ id: string }> };
