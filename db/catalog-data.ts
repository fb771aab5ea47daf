/**
 * The catalog of spec section 1, as data. The seed writes it to the database; the
 * application reads it back from there. Tests may import it as a fixture.
 */
import type { Catalog } from '../lib/domain/types';

const ALL_PLANS = ['BASIC', 'LEGACY', 'PLUS', 'PREMIUM', 'UNLIMITED'];

export const catalogData: Catalog = {
  rates: { ldOverageCentsPerMinute: 10, intlCentsPerMinute: 25 },
  plans: [
    { code: 'BASIC', name: 'Basic Line', monthlyCents: 2000, tier: 1, ldMinutes: 0, includes: [], status: 'active' },
    { code: 'LEGACY', name: 'Classic Line', monthlyCents: 2200, tier: 1, ldMinutes: 50, includes: ['caller_id'], status: 'retired' },
    { code: 'PLUS', name: 'Plus', monthlyCents: 2500, tier: 2, ldMinutes: 100, includes: ['caller_id', 'call_waiting'], status: 'active' },
    {
      code: 'PREMIUM', name: 'Premium', monthlyCents: 3500, tier: 3, ldMinutes: 500,
      includes: ['caller_id', 'call_waiting', 'voicemail', 'three_way'], status: 'active',
    },
    {
      code: 'UNLIMITED', name: 'Unlimited', monthlyCents: 5000, tier: 4, ldMinutes: null,
      includes: ['caller_id', 'call_waiting', 'voicemail', 'three_way', 'visual_voicemail', 'ld_unlimited'], status: 'active',
    },
  ],
  addOns: [
    { code: 'voicemail', name: 'Voicemail', monthlyCents: 500, kind: 'feature', availableOn: ['BASIC', 'LEGACY', 'PLUS'], requires: [], excludes: [], ldMinutes: 0, ldUnlimited: false, intlRateCents: null },
    { code: 'visual_voicemail', name: 'Visual Voicemail', monthlyCents: 300, kind: 'feature', availableOn: ['BASIC', 'LEGACY', 'PLUS', 'PREMIUM'], requires: ['voicemail'], excludes: [], ldMinutes: 0, ldUnlimited: false, intlRateCents: null },
    { code: 'caller_id', name: 'Caller ID', monthlyCents: 400, kind: 'feature', availableOn: ['BASIC'], requires: [], excludes: [], ldMinutes: 0, ldUnlimited: false, intlRateCents: null },
    { code: 'call_waiting', name: 'Call Waiting', monthlyCents: 300, kind: 'feature', availableOn: ['BASIC', 'LEGACY'], requires: [], excludes: [], ldMinutes: 0, ldUnlimited: false, intlRateCents: null },
    { code: 'three_way', name: 'Three-Way Calling', monthlyCents: 350, kind: 'feature', availableOn: ['BASIC', 'LEGACY', 'PLUS'], requires: [], excludes: [], ldMinutes: 0, ldUnlimited: false, intlRateCents: null },
    { code: 'ld_300', name: 'Long Distance 300', monthlyCents: 800, kind: 'usage', availableOn: ['BASIC', 'LEGACY', 'PLUS', 'PREMIUM'], requires: [], excludes: ['ld_unlimited'], ldMinutes: 300, ldUnlimited: false, intlRateCents: null },
    { code: 'ld_unlimited', name: 'Long Distance Unlimited', monthlyCents: 1500, kind: 'usage', availableOn: ['BASIC', 'LEGACY', 'PLUS', 'PREMIUM'], requires: [], excludes: ['ld_300'], ldMinutes: 0, ldUnlimited: true, intlRateCents: null },
    { code: 'intl_saver', name: 'International Saver', monthlyCents: 600, kind: 'usage', availableOn: ALL_PLANS, requires: [], excludes: [], ldMinutes: 0, ldUnlimited: false, intlRateCents: 5 },
  ],
};
