/**
 * Offer computation, in process and pure: every kind (cross-sell, up-sell, right-size) plus
 * best value over the whole configuration space, for generated subscribers (deterministic
 * configurations and usage).
 */
import { catalogData } from '../../db/catalog-data';
import { allConfigurations } from '../../lib/domain/catalog';
import { computeOffers, prepareCatalog, type OffersResult } from '../../lib/domain/offers';
import type { Catalog, Configuration, UsageProfile } from '../../lib/domain/types';
import { prng } from '../../db/seed';

interface Case {
  current: Configuration;
  usage: UsageProfile;
}

/** Subscribers on any valid configuration (retired plan included), with 1–3 periods of usage. */
export function generateCases(n: number, seed = 8_2026): Case[] {
  const rand = prng(seed);
  const configs = allConfigurations(
    catalogData,
    catalogData.plans.map((p) => p.code),
  );
  return Array.from({ length: n }, () => ({
    current: configs[Math.floor(rand() * configs.length)]!,
    usage: {
      ldMinutes: Math.floor(rand() * 1500),
      intlMinutes: rand() < 0.3 ? Math.floor(rand() * 250) : 0,
      unansweredCalls: Math.floor(rand() * 15),
      missedWhileBusy: Math.floor(rand() * 8),
      periods: 1 + Math.floor(rand() * 3),
    },
  }));
}

const TODAY = '2026-11-27';

function run(catalog: Catalog, c: Case): OffersResult {
  return computeOffers({ catalog, current: c.current, usage: c.usage, suppressed: [], today: TODAY });
}

export interface OffersBench {
  configurations: number;
  /** The first call of the process: enumerates and prices the configuration space (memoized per catalog). */
  firstCallMs: number;
  perSubscriber: { samples: number; meanMs: number; p50Ms: number; p99Ms: number; maxMs: number };
  batch: {
    subscribers: number;
    totalMs: number;
    perSubscriberMs: number;
    includesPrepare: boolean;
    withOffers: number;
    offersShown: number;
  };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Run first in the process: the batch includes preparing the catalog. */
export function benchOffers(samples = 2000, batchSize = 10_000): OffersBench {
  const catalog = structuredClone(catalogData);

  // The batch, cold: the first call prepares the catalog, as a job computing offers would.
  const batchCases = generateCases(batchSize, 2);
  let withOffers = 0;
  let offersShown = 0;
  let firstCallMs = 0;
  const b0 = performance.now();
  for (const c of batchCases) {
    const r = run(catalog, c);
    if (firstCallMs === 0) firstCallMs = performance.now() - b0;
    if (r.status === 'offers') {
      withOffers++;
      offersShown += r.offers.length;
    }
  }
  const totalMs = performance.now() - b0;

  // Per subscriber, warm: one call at a time.
  const cases = generateCases(samples, 1);
  for (const c of cases.slice(0, 200)) run(catalog, c);
  const times: number[] = [];
  for (const c of cases) {
    const s = performance.now();
    run(catalog, c);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!;
  return {
    configurations: prepareCatalog(catalog).configs.length,
    firstCallMs: round(firstCallMs, 2),
    perSubscriber: {
      samples,
      meanMs: round(times.reduce((a, b) => a + b, 0) / times.length),
      p50Ms: round(pct(50)),
      p99Ms: round(pct(99)),
      maxMs: round(times[times.length - 1]!),
    },
    batch: {
      subscribers: batchSize,
      totalMs: round(totalMs, 1),
      perSubscriberMs: round(totalMs / batchSize),
      includesPrepare: true,
      withOffers,
      offersShown,
    },
  };
}
