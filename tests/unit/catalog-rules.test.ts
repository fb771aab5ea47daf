/** Issue 20: the catalog validation rules, versions and price protection (lib/domain/catalog). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import {
  catalogProblems,
  earliestHolderDay,
  holderCatalog,
  priceChangeImpact,
  priceChangeProblems,
  requirementCycles,
  validateCatalog,
  versionOfDay,
  withItem,
  type CatalogVersion,
} from '@/lib/domain/catalog';
import type { AddOn, Catalog } from '@/lib/domain/types';

const addOn = (over: Partial<AddOn> & { code: string }): AddOn => ({
  name: over.code.toUpperCase(),
  monthlyCents: 100,
  kind: 'feature',
  availableOn: [],
  requires: [],
  excludes: [],
  ldMinutes: 0,
  ldUnlimited: false,
  intlRateCents: null,
  status: 'active',
  answersSignal: null,
  ...over,
});
const change = (f: (c: Catalog) => Catalog): Catalog => f(structuredClone(catalogData));

describe('catalog validation', () => {
  it('the seeded catalog is valid', () => {
    expect(validateCatalog(catalogData)).toEqual([]);
  });

  it.each<[string, Catalog, string]>([
    [
      'a requirement cycle',
      change((c) => ({
        ...c,
        addOns: [...c.addOns, addOn({ code: 'a', requires: ['b'] }), addOn({ code: 'b', requires: ['a'] })],
      })),
      'Requirements go round in a circle: A needs B needs A.',
    ],
    [
      'a longer cycle through a seeded add-on',
      change((c) => {
        c.addOns.find((a) => a.code === 'voicemail')!.requires = ['x'];
        return { ...c, addOns: [...c.addOns, addOn({ code: 'x', name: 'X', requires: ['visual_voicemail'] })] };
      }),
      'Requirements go round in a circle: Visual Voicemail needs Voicemail needs X needs Visual Voicemail.',
    ],
    [
      'an add-on included in and available on a plan',
      change((c) => {
        c.addOns.find((a) => a.code === 'voicemail')!.availableOn.push('PREMIUM');
        return c;
      }),
      'Voicemail is both included in Premium and available on it as an add-on: choose one.',
    ],
    [
      'an exclusion one way only',
      change((c) => {
        c.addOns.find((a) => a.code === 'ld_unlimited')!.excludes = [];
        return c;
      }),
      "Long Distance 300 can't be combined with Long Distance Unlimited, so Long Distance Unlimited must exclude Long Distance 300 too.",
    ],
    [
      'negative included minutes',
      change((c) => {
        c.plans.find((p) => p.code === 'PLUS')!.ldMinutes = -1;
        return c;
      }),
      'Plus: included minutes must be a whole number, 0 or more.',
    ],
    [
      'a negative price',
      change((c) => ({ ...c, addOns: [...c.addOns, addOn({ code: 'neg', name: 'Neg', monthlyCents: -5 })] })),
      'Neg: the monthly price must be a whole number of cents, 0 or more.',
    ],
    [
      'a fractional price',
      change((c) => ({ ...c, addOns: [...c.addOns, addOn({ code: 'half', name: 'Half', monthlyCents: 1.5 })] })),
      'Half: the monthly price must be a whole number of cents, 0 or more.',
    ],
    [
      'an add-on that requires itself',
      change((c) => ({ ...c, addOns: [...c.addOns, addOn({ code: 'me', name: 'Me', requires: ['me'] })] })),
      "Me can't require itself.",
    ],
    [
      'requires what it excludes',
      change((c) => ({
        ...c,
        addOns: [
          ...c.addOns.map((a) => (a.code === 'voicemail' ? { ...a, excludes: ['odd'] } : a)),
          addOn({ code: 'odd', name: 'Odd', requires: ['voicemail'], excludes: ['voicemail'] }),
        ],
      })),
      'Odd both requires and excludes Voicemail.',
    ],
    [
      'a reference to nothing',
      change((c) => ({ ...c, addOns: [...c.addOns, addOn({ code: 'ghost', name: 'Ghost', availableOn: ['GOLD'] })] })),
      'Ghost is available on "GOLD", which is not in the catalog.',
    ],
    [
      'a code used twice',
      change((c) => ({ ...c, addOns: [...c.addOns, addOn({ code: 'PLUS', name: 'Plus add-on' })] })),
      'The code "PLUS" is used twice: each plan and add-on needs its own code.',
    ],
    [
      'two features for one signal',
      change((c) => ({
        ...c,
        addOns: [...c.addOns, addOn({ code: 'vm2', name: 'Voicemail Two', answersSignal: 'unanswered_calls' })],
      })),
      'Only one feature can answer unanswered calls in offers; now Voicemail and Voicemail Two do.',
    ],
    [
      'a tier below 1',
      change((c) => {
        c.plans.find((p) => p.code === 'BASIC')!.tier = 0;
        return c;
      }),
      'Basic Line: the tier must be a whole number, 1 or more.',
    ],
  ])('refuses %s, in words', (_what, catalog, words) => {
    expect(catalogProblems(catalog)).toContain(words);
  });

  it('finds each cycle once', () => {
    const cycles = requirementCycles([
      addOn({ code: 'a', requires: ['b'] }),
      addOn({ code: 'b', requires: ['c'] }),
      addOn({ code: 'c', requires: ['a'] }),
      addOn({ code: 'd', requires: ['a'] }),
    ]);
    expect(cycles).toEqual([['a', 'b', 'c']]);
  });

  it('property: an add-on put in with any exclusions keeps exclusions both ways', () => {
    const codes = catalogData.addOns.map((a) => a.code);
    fc.assert(
      fc.property(fc.subarray(codes), fc.subarray(catalogData.plans.map((p) => p.code)), (excludes, on) => {
        const next = withItem(catalogData, {
          kind: 'addon',
          addOn: addOn({ code: 'new_one', excludes, availableOn: on }),
        });
        expect(validateCatalog(next).filter((p) => p.type === 'exclusion_one_way')).toEqual([]);
        for (const x of excludes) expect(next.addOns.find((a) => a.code === x)!.excludes).toContain('new_one');
      }),
    );
  });

  it("a plan's available add-ons become those add-ons' availability", () => {
    const next = withItem(catalogData, {
      kind: 'plan',
      plan: {
        code: 'GOLD',
        name: 'Gold',
        monthlyCents: 4000,
        tier: 3,
        ldMinutes: 800,
        includes: ['caller_id'],
        status: 'active',
      },
      availableAddOns: ['voicemail', 'intl_saver'],
    });
    expect(next.addOns.filter((a) => a.availableOn.includes('GOLD')).map((a) => a.code)).toEqual([
      'voicemail',
      'intl_saver',
    ]);
    expect(validateCatalog(next)).toEqual([]);
  });
});

describe('versions and price protection', () => {
  const v = (id: number, effectiveOn: string): CatalogVersion => ({
    id,
    effectiveOn,
    catalog: { ...catalogData, version: id },
  });

  it('the catalog of a day is the newest version in force that day', () => {
    const versions = [v(1, '2000-01-01'), v(2, '2026-11-16'), v(3, '2026-11-16'), v(4, '2026-12-01')];
    expect(versionOfDay(versions, '2026-11-15').id).toBe(1);
    expect(versionOfDay(versions, '2026-11-16').id).toBe(3);
    expect(versionOfDay(versions, '2026-11-30').id).toBe(3);
    expect(versionOfDay(versions, '2027-01-01').id).toBe(4);
    expect(versionOfDay(versions, '1999-01-01').id).toBe(1);
  });

  it("a holder keeps the old price until the change's day; the earlier of two overlapping changes wins", () => {
    const protections = [
      { priceChangeId: 1, itemType: 'addon' as const, code: 'voicemail', oldCents: 500, effectiveOn: '2026-12-16' },
      { priceChangeId: 2, itemType: 'addon' as const, code: 'voicemail', oldCents: 600, effectiveOn: '2027-01-10' },
    ];
    const now = {
      ...catalogData,
      addOns: catalogData.addOns.map((a) => (a.code === 'voicemail' ? { ...a, monthlyCents: 700 } : a)),
    };
    const price = (day: string) =>
      holderCatalog(now, protections, day).addOns.find((a) => a.code === 'voicemail')!.monthlyCents;
    expect(price('2026-12-01')).toBe(500);
    expect(price('2026-12-16')).toBe(600);
    expect(price('2027-01-10')).toBe(700);
    expect(holderCatalog(now, [], '2026-12-01')).toBe(now);
  });

  it('a price change: at least 30 days of notice, a real change, a price of 0 or more; its revenue change', () => {
    expect(earliestHolderDay('2026-11-16')).toBe('2026-12-16');
    const base = { name: 'Voicemail', oldCents: 500, noticeDay: '2026-11-16' };
    expect(priceChangeProblems({ ...base, newCents: 600, effectiveOn: '2026-12-16' })).toEqual([]);
    expect(priceChangeProblems({ ...base, newCents: 600, effectiveOn: '2026-12-15' })).toEqual([
      'Existing holders must be told at least 30 days ahead: the new price can reach them on 2026-12-16 at the earliest.',
    ]);
    expect(priceChangeProblems({ ...base, newCents: 500, effectiveOn: '2027-01-01' })).toEqual([
      'Voicemail already costs that.',
    ]);
    expect(priceChangeProblems({ ...base, newCents: -1, effectiveOn: '2027-01-01' })).toEqual([
      'The new price must be a whole number of cents, 0 or more.',
    ]);
    expect(priceChangeImpact(7, 500, 650)).toEqual({ holders: 7, monthlyRevenueChangeCents: 1050 });
    expect(priceChangeImpact(3, 500, 400)).toEqual({ holders: 3, monthlyRevenueChangeCents: -300 });
  });
});
