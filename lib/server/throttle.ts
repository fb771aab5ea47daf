import 'server-only';
import { and, eq, gt, sql } from 'drizzle-orm';
import { auditEvents, loginAttempts } from '@/db/schema';
import type { Queryable } from '@/db/client';

/** Failed sign-ins allowed per account, and per client address, within the window. */
export const MAX_FAILURES = 5;
export const WINDOW_MINUTES = 15;

/**
 * The client address as the server saw it. Behind a proxy, set TRUST_PROXY=1 and the first
 * X-Forwarded-For entry is used; otherwise the header is ignored (a client could forge it).
 */
export function clientAddressFrom(headers: Record<string, unknown> | Headers): string {
  const get = (k: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(k) ?? undefined;
    const v = (headers as Record<string, unknown>)[k];
    return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : undefined;
  };
  const trustProxy = process.env.TRUST_PROXY === '1';
  const forwarded = trustProxy ? get('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
  return (forwarded || get('x-real-ip') || 'local').slice(0, 64);
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
    await db.insert(auditEvents).values({
      action: 'sign_in',
      outcome: 'refused',
      detail: { email, clientAddress },
    });
  }
}
