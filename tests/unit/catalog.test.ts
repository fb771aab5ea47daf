/**
 * Catalog rules (structured problems, add-on statuses, selectable plans) and their words,
 * on the real catalog (db/catalog-data.ts) and small variants of it.
 */
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import {
  addOnProblems,
  addOnStatus,
  addOnStatusReason,
  addOnStatusText,
  allConfigurations,
  checkAddOn,
  checkConfiguration,
  configurationLabel,
  configurationProblems,
  isSelectable,
  planSelectable,
  problemText,
  selectablePlans,
  type CatalogProblem,
} from '@/lib/domain/catalog';
import type { Catalog, Configuration } from '@/lib/domain/types';

const cfg = (planCode: string, ...addOns: string[]): Configuration => ({ planCode, addOns });
const vm = { code: 'voicemail', name: 'Voicemail' };
const ld300 = { code: 'ld_300', name: 'Long Distance 300' };
const ldUnl = { code: 'ld_unlimited', name: 'Long Distance Unlimited' };

describe('checkAddOn / checkConfiguration: structured problems', () => {
  it.each<[string, Configuration, CatalogProblem[]]>([
    ['valid', cfg('BASIC', 'voicemail', 'visual_voicemail', 'ld_300'), []],
    ['unknown plan', cfg('GOLD', 'voicemail'), [{ type: 'unknown_plan', code: 'GOLD' }]],
    ['unknown add-on', cfg('BASIC', 'fax'), [{ type: 'unknown_add_on', code: 'fax' }]],
    ['listed twice', cfg('BASIC', 'voicemail', 'voicemail'), [{ type: 'listed_twice', addOn: vm }]],
    [
      'already included',
      cfg('PREMIUM', 'voicemail'),
      [{ type: 'already_included', addOn: vm, plan: { code: 'PREMIUM', name: 'Premium' } }],
    ],
    [
      'not available',
      cfg('UNLIMITED', 'ld_300'),
      [{ type: 'not_available', addOn: ld300, plan: { code: 'UNLIMITED', name: 'Unlimited' } }],
    ],
    [
      'needs',
      cfg('BASIC', 'visual_voicemail'),
      [{ type: 'needs', addOn: { code: 'visual_voicemail', name: 'Visual Voicemail' }, missing: [vm] }],
    ],
    [
      'excluded both ways',
      cfg('BASIC', 'ld_300', 'ld_unlimited'),
      [
        { type: 'excluded', addOn: ld300, by: [ldUnl] },
        { type: 'excluded', addOn: ldUnl, by: [ld300] },
      ],
    ],
  ])('%s', (_label, config, expected) => {
    expect(checkConfiguration(catalogData, config)).toEqual(expected);
  });

  it('one add-on is judged against the rest of the configuration', () => {
    expect(checkAddOn(catalogData, cfg('BASIC'), 'visual_voicemail')).toEqual([
      { type: 'needs', addOn: { code: 'visual_voicemail', name: 'Visual Voicemail' }, missing: [vm] },
    ]);
    expect(checkAddOn(catalogData, cfg('BASIC', 'voicemail'), 'visual_voicemail')).toEqual([]);
    expect(checkAddOn(catalogData, cfg('GOLD'), 'voicemail')).toEqual([{ type: 'unknown_plan', code: 'GOLD' }]);
  });

  it('every configuration allConfigurations lists has no problem', () => {
    for (const c of allConfigurations(
      catalogData,
      catalogData.plans.map((p) => p.code),
    )) {
      expect(checkConfiguration(catalogData, c)).toEqual([]);
    }
  });
});

describe('catalog copy: the same sentences as before the split', () => {
  it.each<[Configuration, string[]]>([
    [cfg('GOLD'), ['"GOLD" is not a plan we offer.']],
    [cfg('BASIC', 'fax'), ['"fax" is not an add-on we offer.']],
    [cfg('BASIC', 'voicemail', 'voicemail'), ['Voicemail is listed twice.']],
    [cfg('PREMIUM', 'voicemail'), ['Voicemail is already included in Premium.']],
    [cfg('UNLIMITED', 'ld_300'), ['Long Distance 300 is not available on Unlimited.']],
    [cfg('BASIC', 'visual_voicemail'), ['Visual Voicemail needs Voicemail first.']],
    [
      cfg('BASIC', 'ld_300', 'ld_unlimited'),
      [
        "Long Distance 300 can't be combined with Long Distance Unlimited.",
        "Long Distance Unlimited can't be combined with Long Distance 300.",
      ],
    ],
  ])('%j', (config, expected) => {
    expect(configurationProblems(catalogData, config)).toEqual(expected);
  });

  it('several missing requirements or clashes are joined with "or"', () => {
    const variant: Catalog = {
      ...catalogData,
      addOns: [
        ...catalogData.addOns,
        {
          code: 'combo',
          name: 'Combo',
          monthlyCents: 100,
          kind: 'feature',
          availableOn: ['BASIC'],
          requires: ['voicemail', 'three_way'],
          excludes: ['ld_300', 'ld_unlimited', 'intl_saver'],
          ldMinutes: 0,
          ldUnlimited: false,
          intlRateCents: null,
        },
      ],
    };
    expect(addOnProblems(variant, cfg('BASIC', 'ld_300', 'intl_saver'), 'combo')).toEqual([
      'Combo needs Voicemail or Three-Way Calling first.',
      "Combo can't be combined with Long Distance 300 or International Saver.",
    ]);
  });

  it('the add-ons page reasons', () => {
    const reason = (config: Configuration, code: string) => {
      const s = addOnStatus(catalogData, config, code);
      return 'problem' in s ? addOnStatusReason(s) : s.status;
    };
    expect(reason(cfg('UNLIMITED'), 'ld_300')).toBe('Long Distance 300 is not available on Unlimited.');
    expect(reason(cfg('BASIC'), 'visual_voicemail')).toBe('Needs Voicemail first.');
    expect(reason(cfg('BASIC', 'ld_300'), 'ld_unlimited')).toBe("Can't be combined with Long Distance 300.");
    expect(reason(cfg('BASIC', 'ld_300'), 'ld_300')).toBe('held');
    expect(reason(cfg('PLUS'), 'caller_id')).toBe('included');
    expect(reason(cfg('BASIC'), 'voicemail')).toBe('available');
    expect(addOnStatus(catalogData, cfg('BASIC', 'ld_300'), 'ld_unlimited')).toMatchObject({
      status: 'excluded',
      by: ['ld_300'],
    });
    expect(addOnStatus(catalogData, cfg('BASIC'), 'visual_voicemail')).toMatchObject({
      status: 'needs',
      needs: ['voicemail'],
    });
  });

  it('the add-ons status line speaks to the subscriber, and of the subscriber to staff (issue 15)', () => {
    const text = (config: Configuration, code: string, voice?: 'subscriber' | 'staff') =>
      addOnStatusText(addOnStatus(catalogData, config, code), voice);
    expect(text(cfg('BASIC', 'voicemail'), 'voicemail')).toBe('On your line');
    expect(text(cfg('PLUS'), 'caller_id')).toBe('Included in your plan');
    expect(text(cfg('BASIC', 'voicemail'), 'voicemail', 'staff')).toBe('On their line');
    expect(text(cfg('PLUS'), 'caller_id', 'staff')).toBe('Included in their plan');
    for (const voice of ['subscriber', 'staff'] as const) {
      expect(text(cfg('BASIC'), 'voicemail', voice)).toBe('Available');
      expect(text(cfg('BASIC'), 'visual_voicemail', voice)).toBe('Needs Voicemail first.');
    }
    // No status line addresses anyone as "you" on a staff page, whatever the configuration.
    for (const config of allConfigurations(
      catalogData,
      catalogData.plans.map((p) => p.code),
    )) {
      for (const a of catalogData.addOns) {
        expect(text(config, a.code, 'staff')).not.toMatch(/\byou(r)?\b/i);
      }
    }
  });

  it('problemText words every problem kind', () => {
    expect(problemText({ type: 'listed_twice', addOn: { code: 'x', name: 'x' } })).toBe('x is listed twice.');
  });
});

describe('selectable plans: a retired plan only for its holder', () => {
  const codes = (current: string | null) => selectablePlans(catalogData, current).map((p) => p.code);

  it('active plans for everyone, in catalog order; the retired plan only for whoever holds it', () => {
    expect(codes('BASIC')).toEqual(['BASIC', 'PLUS', 'PREMIUM', 'UNLIMITED']);
    expect(codes(null)).toEqual(['BASIC', 'PLUS', 'PREMIUM', 'UNLIMITED']);
    expect(codes('LEGACY')).toEqual(['BASIC', 'LEGACY', 'PLUS', 'PREMIUM', 'UNLIMITED']);
  });

  it('planSelectable and isSelectable say the same', () => {
    for (const current of [null, ...catalogData.plans.map((p) => p.code)]) {
      for (const plan of catalogData.plans) {
        const expected = plan.status === 'active' || plan.code === current;
        expect(isSelectable(plan, current)).toBe(expected);
        expect(planSelectable(catalogData, current, plan.code)).toBe(expected);
      }
    }
    expect(planSelectable(catalogData, 'BASIC', 'GOLD')).toBe(false);
  });
});

describe('configurationLabel (the one home of "Plan + Add-on + …")', () => {
  it('names the plan, then the add-ons in the order given', () => {
    expect(configurationLabel(catalogData, cfg('PLUS'))).toBe('Plus');
    expect(configurationLabel(catalogData, cfg('PLUS', 'ld_300', 'voicemail'))).toBe(
      'Plus + Long Distance 300 + Voicemail',
    );
    expect(configurationLabel(catalogData, cfg('PLUS', 'voicemail', 'ld_300'))).toBe(
      'Plus + Voicemail + Long Distance 300',
    );
  });

  it('codes the catalog lacks stand for themselves (old audit rows, analytics)', () => {
    expect(configurationLabel(catalogData, cfg('GOLD', 'fax', 'voicemail'))).toBe('GOLD + fax + Voicemail');
  });
});
