/** The demo subscribers of the offers tests (derived by hand in tests/unit/offers.test.ts), and helpers. */
import { catalogData } from '@/db/catalog-data';
import { computeOffers, usageProfile, type Offer, type OfferSuppression, type OffersResult } from '@/lib/domain/offers';
import type { Configuration, PeriodUsage, UsageProfile } from '@/lib/domain/types';

export const TODAY = '2026-04-05';

export function periods(u: Partial<Omit<PeriodUsage, 'periodStart'>>, count = 3): PeriodUsage[] {
  return ['2026-01-01', '2026-02-01', '2026-03-01'].slice(3 - count).map((periodStart) => ({
    periodStart,
    ldMinutes: u.ldMinutes ?? 0,
    intlMinutes: u.intlMinutes ?? 0,
    unansweredCalls: u.unansweredCalls ?? 0,
    missedWhileBusy: u.missedWhileBusy ?? 0,
  }));
}

export function cfg(planCode: string, ...addOns: string[]): Configuration {
  return { planCode, addOns: [...addOns].sort() };
}

export function offersFor(
  current: Configuration,
  usage: UsageProfile | null,
  suppressed: OfferSuppression[] = [],
): OffersResult {
  return computeOffers({ catalog: catalogData, current, usage, suppressed, today: TODAY });
}

export function offersOf(r: OffersResult): Offer[] {
  if (r.status !== 'offers') throw new Error(`expected offers, got ${r.status}`);
  return r.offers;
}

export const demo = {
  ada: { current: cfg('BASIC'), usage: usageProfile(periods({ ldMinutes: 240, unansweredCalls: 12 })) },
  ben: { current: cfg('PLUS', 'voicemail', 'ld_300'), usage: usageProfile(periods({ ldMinutes: 650 })) },
  carla: { current: cfg('PREMIUM'), usage: usageProfile(periods({ ldMinutes: 20 })) },
  dev: { current: cfg('UNLIMITED'), usage: usageProfile(periods({ ldMinutes: 1400, intlMinutes: 10 })) },
  eve: {
    current: cfg('BASIC', 'voicemail', 'caller_id', 'call_waiting', 'three_way'),
    usage: usageProfile(periods({ ldMinutes: 80 })),
  },
  finn: { current: cfg('LEGACY'), usage: usageProfile(periods({ ldMinutes: 30, missedWhileBusy: 6 })) },
  gus: { current: cfg('BASIC'), usage: usageProfile(periods({ ldMinutes: 10, intlMinutes: 120 })) },
  hana: { current: cfg('PLUS'), usage: usageProfile([]) },
};

export function demoOffers(name: keyof typeof demo, suppressed: OfferSuppression[] = []): OffersResult {
  const d = demo[name];
  return offersFor(d.current, d.usage, suppressed);
}
