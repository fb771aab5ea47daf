import type { ChangeIntent } from '@/lib/domain/changes';

/**
 * The portal's URLs, built here in app/ (the data layer returns data, never links).
 * A subscriber's pages live at the root; the same pages for an agent or admin under
 * /agent/subscribers/[id] (the base).
 */

export function accountBase(subscriberId: number | null): string {
  return subscriberId === null ? '' : `/agent/subscribers/${subscriberId}`;
}

/**
 * The preview of a change intent under a base path ("" or "/agent/subscribers/12"):
 * "/change?plan=PREMIUM&add=ld_300", "/change?remove=caller_id". The URL carries what was asked
 * for, not a whole configuration, so opening it again after another change keeps that change.
 */
export function changeHref(base: string, intent: ChangeIntent, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (intent.plan) q.set('plan', intent.plan);
  if (intent.add.length > 0) q.set('add', intent.add.join(','));
  if (intent.remove.length > 0) q.set('remove', intent.remove.join(','));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return `${base}/change?${q.toString()}`;
}

/** Where a signed-in person starts: subscribers on their overview, staff on the agent home. */
export function homeOf(role: 'subscriber' | 'agent' | 'admin'): string {
  return role === 'subscriber' ? '/dashboard' : '/agent';
}
