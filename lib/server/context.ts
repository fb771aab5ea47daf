import 'server-only';
import type { Catalog } from '@/lib/domain/types';
import { closeEndedPeriods, readAccount, type AccountState } from './account';
import type { Actor } from './actor';
import type { ApiClientActor } from './api-clients';
import { getCatalog } from './catalog';
import { getDb } from './db';
import { AppError } from './errors';
import { authorize, type Operation } from './policy';

/** What a use case on one account starts from. No database handle: the use case opens its own. */
export interface SubscriberContext {
  catalog: Catalog;
  state: AccountState;
}

/**
 * The start of every use case on one account: authorize the actor for `operation` on it
 * (a refusal is audited), load the catalog and the account, and close the periods that have
 * ended by the actor's day first, so that everything after sees the current period.
 */
export async function openAccount(
  actor: Actor | ApiClientActor,
  operation: Operation,
  subject: { subscriberId: number; applyNow?: boolean },
): Promise<SubscriberContext> {
  const db = await getDb();
  await authorize(actor, operation, subject, { db });
  const catalog = await getCatalog(db);
  let state = await readAccount(db, subject.subscriberId, actor.today);
  if (state && (await closeEndedPeriods(db, catalog, state, actor.today)))
    state = await readAccount(db, subject.subscriberId, actor.today);
  if (!state) throw new AppError('not_found', 'That account was not found.');
  return { catalog, state };
}

/** Parses a subscriber id from a URL segment or form value; anything else is "not found". */
export function parseSubscriberId(raw: unknown): number {
  const s = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
  if (!/^[1-9][0-9]{0,9}$/.test(s) || Number(s) > 2_147_483_647)
    throw new AppError('not_found', 'That account was not found.');
  return Number(s);
}
