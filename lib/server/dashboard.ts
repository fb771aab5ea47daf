import 'server-only';
import { configurationLabel, getAddOn, getPlan, features } from '@/lib/domain/catalog';
import { ldAllowance, monthlyRecurringCents } from '@/lib/domain/pricing';
import { daysRemaining, lastDayOf, nextPeriod } from '@/lib/domain/periods';
import { recurringLines } from '@/lib/domain/rollover';
import { rateUsage } from '@/lib/domain/bills';
import type { OffersResult } from '@/lib/domain/offers';
import type { Catalog, Day } from '@/lib/domain/types';
import { currentUsage, type AccountState } from './account';
import type { Actor } from './actor';
import { catalogForHolder, getCatalogVersions, usageCatalogForHolder } from './catalog';
import { openAccount } from './context';
import { getDb } from './db';
import { offersFor, recordImpressions } from './offers';

export interface DashboardView {
  subscriberId: number;
  name: string;
  accountNumber: string;
  phone: string | null;
  plan: { code: string; name: string; tier: number; monthlyCents: number; retired: boolean };
  addOns: { code: string; name: string; monthlyCents: number }[];
  includedFeatures: { code: string; name: string }[];
  allFeatures: { code: string; name: string }[];
  monthlyTotalCents: number;
  period: { start: string; lastDay: string; end: string; days: number; daysLeft: number };
  usage: {
    ldMinutes: number;
    ldAllowance: number | null;
    intlMinutes: number;
    unansweredCalls: number;
    missedWhileBusy: number;
  };
  /** Long-distance minutes of the last complete periods and this one so far, oldest first (the dashboard's small chart). */
  ldHistory: { periodStart: string; ldMinutes: number; current: boolean }[];
  /** `label`: what the change moves to, e.g. "Plus + Voicemail". */
  pending: { id: number; effectiveDate: string; label: string; monthlyCents: number; byName: string | null } | null;
  nextBill: {
    periodStart: string;
    lines: { description: string; amountCents: number; kind: 'recurring' | 'proration' | 'usage' }[];
    totalCents: number;
    /** Usage charges so far this period (rated as the bill will rate them, on the usage to date). */
    usageCents: number;
  };
  version: number;
}

/**
 * The subscriber's overview, computed from the account state (no further reads). `catalog`: what
 * the holder pays today; `catalogOn`: what they pay on a day (issue 20: the catalog version of the
 * day at their price protections), so the next-bill estimate is priced as the rollover will bill
 * it: the next period's charges at the boundary's prices. `usageCatalog`: what this period's usage
 * is rated with (the catalog of its last day at the rates the holder had on its first, as the
 * rollover rates it). Absent: `catalog` on every day.
 */
export function buildDashboard(
  catalog: Catalog,
  state: AccountState,
  today: string,
  viewerUserId: number,
  catalogOn: (day: Day) => Catalog = () => catalog,
  usageCatalog: Catalog = catalogOn(lastDayOf(state.period)),
): DashboardView {
  const plan = getPlan(catalog, state.config.planCode);
  const usage = currentUsage(state);
  const next = nextPeriod(state.billingDay, state.period);
  const nextConfig =
    state.pending && state.pending.effectiveDate <= state.period.end ? state.pending.target : state.config;
  const recurring = recurringLines(catalogOn(next.start), nextConfig, next).map((l) => ({
    description: l.description,
    amountCents: l.amountCents,
    kind: 'recurring' as const,
  }));
  const proration = state.prorationThisPeriod.map((p) => ({ ...p, kind: 'proration' as const }));
  // Bills (issue 16): this period's usage so far, rated as its bill will rate it (on the configuration held now).
  const usageSoFar = rateUsage(usageCatalog, state.config, {
    ldMinutes: usage?.ldMinutes ?? 0,
    intlMinutes: usage?.intlMinutes ?? 0,
  }).lines.map((l) => ({
    description: `${l.description} (so far this period)`,
    amountCents: l.amountCents,
    kind: 'usage' as const,
  }));
  const lines = [...recurring, ...proration, ...usageSoFar];
  const pendingPlan = state.pending ? getPlan(catalog, state.pending.target.planCode) : null;
  return {
    subscriberId: state.subscriberId,
    name: state.name,
    accountNumber: state.accountNumber,
    phone: state.phone,
    plan: {
      code: plan.code,
      name: plan.name,
      tier: plan.tier,
      monthlyCents: plan.monthlyCents,
      retired: plan.status === 'retired',
    },
    addOns: state.config.addOns.map((code) => {
      const a = getAddOn(catalog, code);
      return { code, name: a.name, monthlyCents: a.monthlyCents };
    }),
    includedFeatures: plan.includes.map((code) => ({ code, name: getAddOn(catalog, code).name })),
    allFeatures: features(catalog, state.config).map((code) => ({ code, name: getAddOn(catalog, code).name })),
    monthlyTotalCents: monthlyRecurringCents(catalog, state.config),
    period: {
      start: state.period.start,
      lastDay: lastDayOf(state.period),
      end: state.period.end,
      days: state.period.days,
      daysLeft: daysRemaining(state.period, today),
    },
    usage: {
      ldMinutes: usage?.ldMinutes ?? 0,
      ldAllowance: ldAllowance(catalog, state.config),
      intlMinutes: usage?.intlMinutes ?? 0,
      unansweredCalls: usage?.unansweredCalls ?? 0,
      missedWhileBusy: usage?.missedWhileBusy ?? 0,
    },
    ldHistory: [...state.usage]
      .filter((u) => u.periodStart <= state.period.start)
      .sort((a, b) => (a.periodStart < b.periodStart ? -1 : 1))
      .slice(-4)
      .map((u) => ({
        periodStart: u.periodStart,
        ldMinutes: u.ldMinutes,
        current: u.periodStart === state.period.start,
      })),
    pending:
      state.pending && pendingPlan
        ? {
            id: state.pending.id,
            effectiveDate: state.pending.effectiveDate,
            label: configurationLabel(catalog, state.pending.target),
            monthlyCents: monthlyRecurringCents(catalog, state.pending.target),
            byName:
              state.pending.createdBy && state.pending.createdBy !== viewerUserId ? state.pending.createdByName : null,
          }
        : null,
    nextBill: {
      periodStart: next.start,
      lines,
      totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
      usageCents: usageSoFar.reduce((s, l) => s + l.amountCents, 0),
    },
    version: state.version,
  };
}

/**
 * The overview page of an account: the dashboard and the offers, from one read of the account.
 * The offers the subscriber is shown are recorded as impressions after the response is sent.
 */
export async function getDashboard(
  actor: Actor,
  subscriberId: number,
): Promise<{ view: DashboardView; offers: OffersResult }> {
  const { catalog, state, today } = await openAccount(actor, 'view_dashboard', { subscriberId });
  // The versions openAccount read (cached): the next bill is priced on its own day.
  const versions = await getCatalogVersions(await getDb());
  const view = buildDashboard(
    catalog,
    state,
    today,
    actor.userId,
    (day) => catalogForHolder(versions, state.protections, day),
    usageCatalogForHolder(versions, state.protections, state.period),
  );
  const offers = offersFor(catalog, state, today);
  await recordImpressions(actor, subscriberId, offers, state.impressedToday, 'after_response', today);
  return { view, offers };
}
