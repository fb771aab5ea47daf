import type { Configuration } from '@/lib/domain/types';

/**
 * The portal's URLs, built here in app/ (the data layer returns data, never links).
 * A subscriber's pages live at the root; the same pages for an agent or admin under
 * /agent/subscribers/[id] (the base).
 */

export function accountBase(subscriberId: number | null): string {
  return subscriberId === null ? '' : `/agent/subscribers/${subscriberId}`;
}

/** "/change?plan=PREMIUM&addOns=ld_300" under a base path ("" or "/agent/subscribers/12"). */
export function changeHref(base: string, target: Configuration, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ plan: target.planCode, addOns: target.addOns.join(','), ...extra });
  return `${base}/change?${q.toString()}`;
}

/** Where a signed-in person starts: subscribers on their overview, staff on the agent home. */
export function homeOf(role: 'subscriber' | 'agent' | 'admin'): string {
  return role === 'subscriber' ? '/dashboard' : '/agent';
}
