import 'server-only';
import { addOnStatus, addOnStatusText, getAddOn, selectablePlans, type Voice } from '@/lib/domain/catalog';
import { type ChangeIntent, planChange } from '@/lib/domain/changes';
import { monthlyRecurringCents } from '@/lib/domain/pricing';
import type { Catalog, Configuration } from '@/lib/domain/types';
import type { AccountState } from './account';
import type { Actor } from './actor';
import { openAccount } from './context';
import { formats } from './format';

export interface PlanCard {
  code: string;
  name: string;
  tier: number;
  monthlyCents: number;
  ldMinutes: number | null;
  included: { code: string; name: string }[];
  status: 'active' | 'retired';
  current: boolean;
  /** What the subscriber would hold on this plan (add-ons reconciled). */
  target: Configuration | null;
  /** The change to preview: move to this plan, keeping what can be kept. */
  intent: ChangeIntent | null;
  /** New monthly total − current monthly total, for this subscriber. */
  monthlyChangeCents: number | null;
  /** The monthly total (plan and add-ons) on this plan, for this subscriber. */
  newMonthlyCents: number | null;
  timing: 'now' | 'end_of_period' | null;
  /** Add-ons that go and take their feature with them (not offered, requirement lost). */
  removed: { name: string; reason: string }[];
  /** Paid add-ons this plan includes: the subscriber keeps the feature and stops paying for it separately (issue 15). */
  nowIncluded: { name: string }[];
  /** Features the subscriber has today and would not have on this plan (an included one too, e.g. leaving a plan that includes Caller ID). */
  featuresLost: { name: string }[];
  /** Features this plan adds. */
  featuresGained: { name: string }[];
  unavailable: string | null;
}

const NO_CHANGE: Pick<
  PlanCard,
  'target' | 'intent' | 'timing' | 'removed' | 'nowIncluded' | 'featuresLost' | 'featuresGained' | 'unavailable'
> = {
  target: null,
  intent: null,
  timing: null,
  removed: [],
  nowIncluded: [],
  featuresLost: [],
  featuresGained: [],
  unavailable: null,
};

/** Active tiers side by side (plus the subscriber's own retired plan), priced for this subscriber. */
export function buildPlanCards(catalog: Catalog, state: AccountState, today: string): PlanCard[] {
  const currentMonthly = monthlyRecurringCents(catalog, state.config);
  return selectablePlans(catalog, state.config.planCode)
    .sort((a, b) => a.tier - b.tier || a.monthlyCents - b.monthlyCents)
    .map((p): PlanCard => {
      const base = {
        code: p.code,
        name: p.name,
        tier: p.tier,
        monthlyCents: p.monthlyCents,
        ldMinutes: p.ldMinutes,
        included: p.includes.map((c) => ({ code: c, name: getAddOn(catalog, c).name })),
        status: p.status,
        current: p.code === state.config.planCode,
      };
      if (base.current) return { ...base, ...NO_CHANGE, monthlyChangeCents: 0, newMonthlyCents: currentMonthly };
      const r = planChange({
        catalog,
        current: state.config,
        requested: { planCode: p.code, addOns: state.config.addOns },
        billingDay: state.billingDay,
        today,
        pending: state.pending,
        formats: formats(),
      });
      if (!r.ok)
        return {
          ...base,
          ...NO_CHANGE,
          monthlyChangeCents: null,
          newMonthlyCents: null,
          unavailable: r.reasons.join(' '),
        };
      return {
        ...base,
        target: r.plan.target,
        intent: { plan: p.code, add: [], remove: [] },
        monthlyChangeCents: r.plan.newMonthlyCents - currentMonthly,
        newMonthlyCents: r.plan.newMonthlyCents,
        timing: r.plan.timing,
        removed: r.plan.removedAddOns
          .filter((a) => a.reason !== 'redundant')
          .map((a) => ({ name: a.name, reason: a.explanation })),
        nowIncluded: r.plan.removedAddOns.filter((a) => a.reason === 'redundant').map((a) => ({ name: a.name })),
        featuresLost: r.plan.featuresLost.map((f) => ({ name: f.name })),
        featuresGained: r.plan.featuresGained.map((f) => ({ name: f.name })),
        unavailable: null,
      };
    });
}

export interface AddOnRow {
  code: string;
  name: string;
  monthlyCents: number;
  kind: 'feature' | 'usage';
  status: 'held' | 'included' | 'available' | 'not_available' | 'needs' | 'excluded';
  statusText: string;
  /** The change to preview for the action on this row, if any. */
  action: { label: string; intent: ChangeIntent } | null;
}

/** One row per add-on, its status in the page's voice (staff read "On their line"). */
export function buildAddOnRows(catalog: Catalog, state: AccountState, voice: Voice = 'subscriber'): AddOnRow[] {
  const config = state.config;
  // A retired add-on is listed only for its holders (like a retired plan on the plans page).
  const listed = catalog.addOns.filter((a) => a.status !== 'retired' || config.addOns.includes(a.code));
  return listed.map((a) => {
    const st = addOnStatus(catalog, config, a.code);
    const row = {
      code: a.code,
      name: a.name,
      monthlyCents: a.monthlyCents,
      kind: a.kind,
      statusText: addOnStatusText(st, voice),
    };
    switch (st.status) {
      case 'held':
        return {
          ...row,
          status: st.status,
          action: {
            label: `Remove ${a.name}`,
            intent: { add: [], remove: [a.code] },
          },
        };
      case 'included':
        return { ...row, status: st.status, action: null };
      case 'available':
        return {
          ...row,
          status: st.status,
          action: {
            label: `Add ${a.name}`,
            intent: { add: [a.code], remove: [] },
          },
        };
      case 'not_available':
        return { ...row, status: st.status, action: null };
      case 'needs':
        return { ...row, status: st.status, action: null };
      case 'excluded': {
        // Offer the swap (e.g. Long Distance 300 ↔ Unlimited) as one change.
        const swap: ChangeIntent = { add: [a.code], remove: st.by.filter((c) => config.addOns.includes(c)) };
        return {
          ...row,
          status: st.status,
          action: { label: `Switch to ${a.name}`, intent: swap },
        };
      }
      default:
        throw new Error(`Unknown add-on status ${(st satisfies never as { status: string }).status}`);
    }
  });
}

/** The plans page of an account: the subscriber's name and the plan cards priced for them. */
export async function getPlanCards(actor: Actor, subscriberId: number): Promise<{ name: string; cards: PlanCard[] }> {
  const { catalog, state, today } = await openAccount(actor, 'view_plans', { subscriberId });
  return { name: state.name, cards: buildPlanCards(catalog, state, today) };
}

/** The add-ons page of an account: the subscriber's name and one row per add-on, in the page's voice. */
export async function getAddOnRows(
  actor: Actor,
  subscriberId: number,
  voice: Voice = 'subscriber',
): Promise<{ name: string; rows: AddOnRow[] }> {
  const { catalog, state } = await openAccount(actor, 'view_add_ons', { subscriberId });
  return { name: state.name, rows: buildAddOnRows(catalog, state, voice) };
}
