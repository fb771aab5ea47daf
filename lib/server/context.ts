import 'server-only';
import { dayOf } from '@/lib/domain/periods';
import type { Catalog, Day } from '@/lib/domain/types';
import { closeEndedPeriods, readAccount, type AccountState } from './account';
import type { Actor } from './actor';
import type { ApiClientActor } from './api-clients';
import { catalogForHolder, getCatalogVersions } from './catalog';
import { subscriberNow } from './clock';
import { getDb } from './db';
import { AppError } from './errors';
import { authorize, type Operation } from './policy';

/** What a use case on one account starts from. No database handle: the use case opens its own. */
export interface SubscriberContext {
  catalog: Catalog;
  state: AccountState;
  /** The time of this subscription: its test clock's when it has one, else the actor's (lib/server/clock.ts subscriberNow). */
  now: Date;
  today: Day;
}

/**
 * The start of every use case on one account: authorize the actor for `operation` on it
 * (a refusal is audited), load the catalog and the account, and close the periods that have
 * ended by the account's day first, so that everything after sees the current period. The
 * account's day is its test clock's when it has one (SPEC §12), else the actor's.
 */
export async function openAccount(
  actor: Actor | ApiClientActor,
  operation: Operation,
  subject: { subscriberId: number; applyNow?: boolean },
): Promise<SubscriberContext> {
  const db = await getDb();
  await authorize(actor, operation, subject, { db });
  // The catalog of the account's day, with this subscriber's price protections (issue 20); the
  // account's day is its test clock's when it has one (issue 22).
  const versions = await getCatalogVersions(db);
  // A subscriber's own account time came with the session; anyone else's is looked up.
  const own = 'role' in actor && actor.subscriberId === subject.subscriberId ? actor.ownNow : undefined;
  const now = own ?? (await subscriberNow(db, subject.subscriberId, actor.now));
  const today = dayOf(now);
  let state = await readAccount(db, subject.subscriberId, today);
  if (state && (await closeEndedPeriods(db, versions, state, today)))
    state = await readAccount(db, subject.subscriberId, today);
  if (!state) throw new AppError('not_found', 'That account was not found.');
  return { catalog: catalogForHolder(versions, state.protections, today), state, now, today };
}

/** Parses a subscriber id from a URL segment or form value; anything else is "not found". */
export function parseSubscriberId(raw: unknown): number {
  const s = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
  if (!/^[1-9][0-9]{0,9}$/.test(s) || Number(s) > 2_147_483_647)
    throw new AppError('not_found', 'That account was not found.');
  return Number(s);
}
