import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { changeDescription } from '@/lib/domain/changes';
import { monthlyRecurringCents } from '@/lib/domain/pricing';
import type { Actor } from './actor';
import { openAccount } from './context';
import { getDb } from './db';

export interface HistoryEntry {
  orderId: number;
  createdAt: string;
  status: 'applied' | 'scheduled' | 'cancelled' | 'replaced';
  effectiveDate: string;
  description: string;
  /** "You", or the agent's name. */
  by: string;
  byStaff: boolean;
  reason: string | null;
  prorationCents: number;
  monthlyFromCents: number;
  monthlyToCents: number;
  lines: { description: string; amountCents: number }[];
}

/** Orders and scheduled changes, newest first, with who made each. */
export async function getHistory(actor: Actor, subscriberId: number): Promise<HistoryEntry[]> {
  const { catalog } = await openAccount(actor, 'view_history', { subscriberId });
  const db = await getDb();
  const rows = await db
    .select({
      id: s.orders.id,
      createdAt: s.orders.createdAt,
      status: s.orders.status,
      effectiveDate: s.orders.effectiveDate,
      from: s.orders.fromConfig,
      to: s.orders.toConfig,
      reason: s.orders.reason,
      total: s.orders.totalCents,
      actorName: s.users.name,
      actorRole: s.users.role,
      actorId: s.users.id,
      // TMF622 (issue 19): an order placed by an operator's system names its API client.
      clientName: sql<
        string | null
      >`(select c.name from product_orders po join api_clients c on c.id = po.client_id where po.order_id = ${s.orders.id})`,
      lines: sql<
        { description: string; amount_cents: number }[] | null
      >`(select json_agg(json_build_object('description', l.description, 'amount_cents', l.amount_cents) order by l.id) from ledger_lines l where l.order_id = ${s.orders.id} and l.kind = 'proration')`,
    })
    .from(s.orders)
    .leftJoin(s.users, eq(s.users.id, s.orders.actorUserId))
    .where(eq(s.orders.subscriberId, subscriberId))
    .orderBy(desc(s.orders.createdAt), desc(s.orders.id))
    .limit(200);
  return rows.map((r) => {
    const byStaff = r.actorRole === 'agent' || r.actorRole === 'admin';
    return {
      orderId: r.id,
      createdAt: r.createdAt.toISOString(),
      status: r.status,
      effectiveDate: r.effectiveDate,
      description: changeDescription(catalog, r.from, r.to),
      by: byStaff
        ? `${r.actorName} (support)`
        : r.clientName
          ? `${r.clientName} (operator system)`
          : r.actorId === actor.userId
            ? 'You'
            : (r.actorName ?? 'System'),
      byStaff,
      reason: r.reason,
      prorationCents: r.total,
      monthlyFromCents: monthlyRecurringCents(catalog, r.from),
      monthlyToCents: monthlyRecurringCents(catalog, r.to),
      lines: (r.lines ?? []).map((l) => ({ description: l.description, amountCents: l.amount_cents })),
    };
  });
}
