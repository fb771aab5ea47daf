import type { Catalog, Configuration, Day, UsageProfile } from '../types';
import type { UsageSignal } from './rules';
import type { LastBilledMonth } from '../bills';
import type { ChangeIntent } from '../changes';

export type OfferKind = 'cross_sell' | 'up_sell' | 'right_size';

export type OfferEvidence =
  | { type: 'saving'; monthlySavingCents: number }
  | { type: 'signal'; signal: UsageSignal; perMonth: number; feature: string };

export interface Offer {
  /** Stable: `${kind}:${configKey(target)}`; used for dismiss/snooze and analytics. */
  key: string;
  kind: OfferKind;
  target: Configuration;
  /** The change to preview for this offer, relative to what the subscriber holds. */
  intent: ChangeIntent;
  title: string;
  explanation: string;
  evidence: OfferEvidence;
  /** recurring(target) − recurring(current). */
  monthlyPriceChangeCents: number;
  /** cost(current) − cost(target) for the usage profile, exactly (≤ 0 for some signal offers). */
  monthlySavingCents: number;
  currentCostCents: number;
  targetCostCents: number;
  bestValue: boolean;
  /** Feature add-on codes gained (held or included by the target plan). */
  addsFeatures: string[];
  /** Add-on codes held now and not held in the target. */
  removes: string[];
  /** Add-on codes held in the target and not held now. */
  adds: string[];
  talkingPoints: string[];
}

export type OffersResult =
  | { status: 'no_usage'; message: string }
  | { status: 'none'; message: string; currentCostCents: number }
  | { status: 'offers'; offers: Offer[]; currentCostCents: number };

export interface OfferSuppression {
  key: string;
  /** Suppressed while until > today. */
  until: Day;
}

export interface ComputeOffersInput {
  catalog: Catalog;
  current: Configuration;
  usage: UsageProfile | null;
  suppressed: OfferSuppression[];
  today: Day;
  /**
   * The change already scheduled, if any: it is not offered again (the subscriber already chose
   * it; its confirm would be refused as "already scheduled"). Other offers still show.
   */
  scheduled?: { target: Configuration; effectiveDate: Day } | null;
  /**
   * Bills (issue 16): what the last bill charged for the plan, add-ons and usage of the latest
   * complete period (bills/lastBilledMonth). When the wording speaks of "last month", its
   * figures are these, so they agree with the bill; savings stay cost(current) − cost(target)
   * for the usage profile.
   */
  lastMonth?: LastBilledMonth | null;
}

/** A usage profile as built by `usageProfile`: also says whether every period was alike. */
export interface AveragedUsageProfile extends UsageProfile {
  /** True when the averaged periods all had the same usage (always true for one period). */
  sameEachPeriod: boolean;
}
