import 'server-only';
import type { Db } from '@/db/client';
import type { Catalog } from '@/lib/domain/types';
import { loadAccount, type AccountState } from './account';
import { authorizeSubscriber, type Actor } from './actor';
import { getCatalog } from './catalog';
import { getDb } from './db';
import { AppError } from './errors';

export interface SubscriberContext {
  db: Db;
  catalog: Catalog;
  state: AccountState;
}

/** Authorize the actor on a subscriber, then load the catalog and the account (rolled over if due). */
export async function loadSubscriberContext(actor: Actor, subscriberId: number, action: string): Promise<SubscriberContext> {
  const db = await getDb();
  await authorizeSubscriber(db, actor, subscriberId, action);
  const catalog = await getCatalog(db);
  const state = await loadAccount(db, catalog, subscriberId, actor.today);
  if (!state) throw new AppError('not_found', 'That account was not found.');
  return { db, catalog, state };
}

/** Parses a subscriber id from a URL segment or form value; anything else is "not found". */
export function parseSubscriberId(raw: unknown): number {
  const s = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
  if (!/^[1-9][0-9]{0,9}$/.test(s) || Number(s) > 2_147_483_647) throw new AppError('not_found', 'That account was not found.');
  return Number(s);
}
