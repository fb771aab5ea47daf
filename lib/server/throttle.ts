import 'server-only';
import { and, eq, gt, sql } from 'drizzle-orm';
import { loginAttempts } from '@/db/schema';
import type { Queryable } from '@/db/client';
import { recordAudit } from './audit';

/** Failed sign-ins allowed per account, and per client address, within the window. */
export const MAX_FAILURES = 5;
export const WINDOW_MINUTES = 15;

/**
 * The client address for throttling. Next.js fills X-Forwarded-For with the socket's address
 * when the request has none; each trusted reverse proxy appends the address it saw. So the
 * entry TRUST_PROXY places from the end (default 1: the last) is the one no client can
 * choose once a proxy sits in front. Without a proxy a client can send its own header, so
 * the per-address limit is best effort there; the per-account limit holds regardless.
 */
export function clientAddressFrom(headers: Record<string, unknown> | Headers): string {
  const raw = headers instanceof Headers ? headers.get('x-forwarded-for') : (headers as Record<string, unknown>)['x-forwarded-for'];
  const value = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.join(',') : '';
  const entries = value.split(',').map((x) => x.trim()).filter(Boolean);
  const hops = Math.max(1, Math.min(10, Number(process.env.TRUST_PROXY ?? 1) || 1));
  return (entries[Math.max(0, entries.length - hops)] ?? 'unknown').slice(0, 64);
}

/** True when this account or this address has had too many failures recently. */
export async function checkLoginThrottle(db: Queryable, email: string, clientAddress: string): Promise<boolean> {
  const since = sql`now() - make_interval(mins => ${WINDOW_MINUTES})`;
  const rows = await db
    .select({
      byEmail: sql<number>`count(*) filter (where ${loginAttempts.email} = ${email})::int`,
      byAddress: sql<number>`count(*) filter (where ${loginAttempts.clientAddress} = ${clientAddress})::int`,
    })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.success, false), gt(loginAttempts.at, since)));
  const r = rows[0];
  return !!r && (r.byEmail >= MAX_FAILURES || r.byAddress >= MAX_FAILURES);
}

export async function recordLoginAttempt(db: Queryable, email: string, clientAddress: string, success: boolean): Promise<void> {
  await db.insert(loginAttempts).values({ email, clientAddress, success });
  if (!success) {
    await recordAudit(db, { actor: null, action: 'sign_in', outcome: 'refused', detail: { email, clientAddress } });
  }
}
