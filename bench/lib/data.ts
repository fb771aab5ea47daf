/**
 * The benchmark's database: created, migrated and seeded in this process (exactly what the
 * server's first start does), read for the subscribers to sign in as and the changes to
 * preview and confirm, then closed before the server takes it.
 */
import { asc, like } from 'drizzle-orm';
import { openReady } from '../../db/bootstrap';
import { catalogData } from '../../db/catalog-data';
import * as s from '../../db/schema';
import { allConfigurations, configKey, normalize } from '../../lib/domain/catalog';
import { intentBetween, planChange } from '../../lib/domain/changes';
import { intentPath } from './http';
import { dayOf } from '../../lib/domain/periods';
import { monthlyRecurringCents } from '../../lib/domain/pricing';
import type { Configuration, Day } from '../../lib/domain/types';

/** The PostgreSQL server the benchmark and the profiler create their throwaway database on. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface DbTarget {
  dataDir?: string;
  databaseUrl?: string;
}

export interface BenchSubscriber {
  id: number;
  email: string;
  billingDay: number;
  config: Configuration;
  /** A change worth previewing (another tier, add-ons kept where the new plan allows). */
  previewTarget: Configuration;
  /** Another configuration at the same monthly price: both directions take effect now. */
  swapTarget: Configuration | null;
}

export interface PreparedData {
  seedMs: number;
  today: Day;
  subscribers: BenchSubscriber[];
}

/** The change preview page for a subscriber's preview target. */
export function previewPath(s: BenchSubscriber): string {
  return intentPath(intentBetween(s.config, s.previewTarget));
}

function previewTargetFor(config: Configuration, billingDay: number, today: Day): Configuration {
  // Highest tier first: an upgrade takes effect now, so the preview has proration lines.
  const plans = catalogData.plans
    .filter((p) => p.status === 'active' && p.code !== config.planCode)
    .sort((a, b) => b.tier - a.tier);
  for (const p of plans) {
    const r = planChange({
      catalog: catalogData,
      current: config,
      requested: { planCode: p.code, addOns: config.addOns },
      billingDay,
      today,
      pending: null,
    });
    if (r.ok) return { planCode: p.code, addOns: config.addOns };
  }
  throw new Error(`No plan to preview for ${configKey(config)}`);
}

function swapTargetFor(config: Configuration, billingDay: number, today: Day): Configuration | null {
  const price = monthlyRecurringCents(catalogData, config);
  const key = configKey(config);
  for (const candidate of allConfigurations(catalogData, [config.planCode])) {
    if (configKey(candidate) === key || monthlyRecurringCents(catalogData, candidate) !== price) continue;
    const there = planChange({
      catalog: catalogData,
      current: config,
      requested: candidate,
      billingDay,
      today,
      pending: null,
    });
    const back = planChange({
      catalog: catalogData,
      current: candidate,
      requested: config,
      billingDay,
      today,
      pending: null,
    });
    if (
      there.ok &&
      back.ok &&
      there.plan.timing === 'now' &&
      back.plan.timing === 'now' &&
      configKey(there.plan.target) === configKey(candidate) &&
      configKey(back.plan.target) === key
    ) {
      return candidate;
    }
  }
  return null;
}

export async function prepareDatabase(target: DbTarget): Promise<PreparedData> {
  const today = dayOf(new Date());
  const t0 = performance.now();
  const handle = await openReady({ ...target, command: 'npm run bench (preparing)', today, seedDemo: true });
  const seedMs = performance.now() - t0;
  try {
    const db = handle.db;
    const subs = await db
      .select({ id: s.subscribers.id, email: s.subscribers.email, billingDay: s.subscribers.billingDay })
      .from(s.subscribers)
      .where(like(s.subscribers.email, '%@example.net'))
      .orderBy(asc(s.subscribers.id));
    const plans = await db
      .select({
        subscriberId: s.subscriptions.subscriberId,
        id: s.subscriptions.id,
        planCode: s.subscriptions.planCode,
      })
      .from(s.subscriptions);
    const addOns = await db
      .select({ subscriptionId: s.subscriptionAddOns.subscriptionId, code: s.subscriptionAddOns.addOnCode })
      .from(s.subscriptionAddOns);
    const planBySubscriber = new Map(plans.map((p) => [p.subscriberId, p]));
    const addOnsBySubscription = new Map<number, string[]>();
    for (const a of addOns)
      addOnsBySubscription.set(a.subscriptionId, [...(addOnsBySubscription.get(a.subscriptionId) ?? []), a.code]);
    const subscribers = subs.flatMap((row): BenchSubscriber[] => {
      const sub = planBySubscriber.get(row.id);
      if (!sub || !row.email) return [];
      const config = normalize({ planCode: sub.planCode, addOns: addOnsBySubscription.get(sub.id) ?? [] });
      return [
        {
          id: row.id,
          email: row.email,
          billingDay: row.billingDay,
          config,
          previewTarget: previewTargetFor(config, row.billingDay, today),
          swapTarget: swapTargetFor(config, row.billingDay, today),
        },
      ];
    });
    return { seedMs, today, subscribers };
  } finally {
    await handle.close();
  }
}
