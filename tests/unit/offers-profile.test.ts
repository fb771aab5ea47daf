/**
 * The offer thresholds, the usage profile, offer kinds and best value (lib/domain/offers:
 * rules, profile, kinds, best-value), on the real catalog and the demo subscribers.
 */
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import type { PeriodUsage, UsageProfile } from '@/lib/domain/types';
import {
  BEST_VALUE_MIN_SAVING_CENTS,
  MAX_OFFERS,
  MIN_MONTHLY_SAVING_CENTS,
  MISSED_WHILE_BUSY_FOR_CALL_WAITING,
  UNANSWERED_CALLS_FOR_VOICEMAIL,
  bestValue,
  classifyOffer,
  offerKey,
  usageProfile,
} from '@/lib/domain/offers';
import { cfg, demo, periods } from './support/offers-fixtures';

describe('thresholds', () => {
  it('are named constants with the spec values', () => {
    expect(BEST_VALUE_MIN_SAVING_CENTS).toBe(100);
    expect(MIN_MONTHLY_SAVING_CENTS).toBe(100);
    expect(UNANSWERED_CALLS_FOR_VOICEMAIL).toBe(5);
    expect(MISSED_WHILE_BUSY_FOR_CALL_WAITING).toBe(3);
    expect(MAX_OFFERS).toBe(3);
  });
});

describe('usageProfile', () => {
  const rec = (periodStart: string, ldMinutes: number, extra: Partial<PeriodUsage> = {}): PeriodUsage => ({
    periodStart,
    ldMinutes,
    intlMinutes: 0,
    unansweredCalls: 0,
    missedWhileBusy: 0,
    ...extra,
  });

  it('is null without a complete period', () => {
    expect(usageProfile([])).toBeNull();
  });

  it('averages the last three periods by periodStart, whatever the input order', () => {
    const p = usageProfile([
      rec('2026-03-01', 300, { intlMinutes: 3, unansweredCalls: 1 }),
      rec('2025-12-01', 9999),
      rec('2026-01-01', 100, { intlMinutes: 1 }),
      rec('2025-11-01', 9999),
      rec('2026-02-01', 200, { intlMinutes: 2, missedWhileBusy: 4 }),
    ]);
    expect(p).toEqual({
      ldMinutes: 200,
      intlMinutes: 2,
      unansweredCalls: 1 / 3,
      missedWhileBusy: 4 / 3,
      periods: 3,
      sameEachPeriod: false,
    });
  });

  it('uses fewer periods when there are fewer, keeping fractional averages', () => {
    expect(usageProfile([rec('2026-02-01', 101), rec('2026-03-01', 100)])).toMatchObject({
      ldMinutes: 100.5,
      periods: 2,
    });
    expect(usageProfile([rec('2026-03-01', 7)])).toMatchObject({ ldMinutes: 7, periods: 1, sameEachPeriod: true });
  });

  it('says when every averaged period had the same usage', () => {
    expect(usageProfile(periods({ ldMinutes: 240, unansweredCalls: 12 }))).toEqual({
      ldMinutes: 240,
      intlMinutes: 0,
      unansweredCalls: 12,
      missedWhileBusy: 0,
      periods: 3,
      sameEachPeriod: true,
    });
  });

  it('counts a period once if it is given twice (the later record wins)', () => {
    expect(usageProfile([rec('2026-03-01', 10), rec('2026-03-01', 20)])).toMatchObject({ ldMinutes: 20, periods: 1 });
  });
});

describe('offerKey and classifyOffer', () => {
  it('keys offers by kind and canonical target', () => {
    expect(offerKey('cross_sell', { planCode: 'BASIC', addOns: ['ld_300'] })).toBe('cross_sell:BASIC+ld_300');
    expect(offerKey('up_sell', { planCode: 'PLUS', addOns: ['voicemail', 'ld_300'] })).toBe(
      'up_sell:PLUS+ld_300+voicemail',
    );
  });

  it('classifies by the target', () => {
    expect(classifyOffer(catalogData, cfg('BASIC'), cfg('BASIC', 'ld_300'))).toBe('cross_sell');
    expect(classifyOffer(catalogData, cfg('PLUS', 'ld_300'), cfg('PLUS', 'ld_unlimited'))).toBe('cross_sell');
    expect(classifyOffer(catalogData, cfg('PLUS', 'ld_300'), cfg('PLUS'))).toBe('right_size');
    expect(classifyOffer(catalogData, cfg('PREMIUM'), cfg('PLUS', 'voicemail'))).toBe('right_size');
    expect(classifyOffer(catalogData, cfg('LEGACY'), cfg('BASIC', 'caller_id'))).toBe('right_size');
    expect(classifyOffer(catalogData, cfg('BASIC'), cfg('PREMIUM'))).toBe('up_sell');
  });
});

describe('bestValue', () => {
  const bv = (name: keyof typeof demo) => bestValue(catalogData, demo[name].current, demo[name].usage!);

  it('finds the cheapest feature-keeping configuration for each demo subscriber', () => {
    expect(bv('ada')).toEqual({ config: cfg('BASIC', 'ld_300'), costCents: 2800 });
    expect(bv('ben')).toEqual({ config: cfg('PREMIUM', 'ld_300'), costCents: 4300 });
    expect(bv('carla')).toEqual({ config: cfg('PLUS', 'three_way', 'voicemail'), costCents: 3350 });
    expect(bv('dev')).toEqual({ config: cfg('UNLIMITED'), costCents: 5250 });
    expect(bv('eve')).toEqual({ config: cfg('PLUS', 'three_way', 'voicemail'), costCents: 3350 });
    expect(bv('finn')).toEqual({ config: cfg('LEGACY'), costCents: 2200 });
    expect(bv('gus')).toEqual({ config: cfg('BASIC', 'intl_saver'), costCents: 3300 });
  });

  it('never picks a retired plan that is not the subscriber’s own', () => {
    // LEGACY would be cheapest (22.00 with caller ID and 50 minutes) but is not selectable.
    const usage: UsageProfile = { ldMinutes: 40, intlMinutes: 0, unansweredCalls: 0, missedWhileBusy: 0, periods: 1 };
    expect(bestValue(catalogData, cfg('BASIC', 'caller_id'), usage)).toEqual({ config: cfg('PLUS'), costCents: 2500 });
  });

  it('prefers the current configuration on a tie, then the smaller change', () => {
    // 180 min: PLUS 25 + 8.00 = 33.00 = PLUS + ld_300 33.00 (PREMIUM 35.00).
    const usage: UsageProfile = { ldMinutes: 180, intlMinutes: 0, unansweredCalls: 0, missedWhileBusy: 0, periods: 1 };
    expect(bestValue(catalogData, cfg('PLUS'), usage)).toEqual({ config: cfg('PLUS'), costCents: 3300 });
    expect(bestValue(catalogData, cfg('PLUS', 'ld_300'), usage)).toEqual({
      config: cfg('PLUS', 'ld_300'),
      costCents: 3300,
    });
    // From PLUS + intl_saver (no international use): PLUS and PLUS + ld_300 both cost 33.00
    // and both are one add-on change away; the lower recurring price wins.
    expect(bestValue(catalogData, cfg('PLUS', 'intl_saver'), usage)).toEqual({ config: cfg('PLUS'), costCents: 3300 });
  });
});
