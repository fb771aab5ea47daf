/**
 * The change rule apart from its words: decideChange returns facts and typed refusals;
 * changes/copy.ts words them (the sentences themselves are asserted in changes.test.ts,
 * through planChange).
 */
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import {
  changeDescription,
  decideChange,
  refusalText,
  removalText,
  type ChangeInput,
  type ChangeRefusal,
} from '@/lib/domain/changes';
import type { Configuration } from '@/lib/domain/types';

const cfg = (planCode: string, ...addOns: string[]): Configuration => ({ planCode, addOns });

function decide(
  current: Configuration,
  requested: Configuration,
  opts: Partial<Omit<ChangeInput, 'current' | 'requested'>> = {},
) {
  return decideChange({
    catalog: catalogData,
    billingDay: 1,
    today: '2026-11-16',
    pending: null,
    ...opts,
    current,
    requested,
  });
}

function refusals(r: ReturnType<typeof decideChange>): ChangeRefusal[] {
  if (r.ok) throw new Error('expected a refusal');
  return r.refusals;
}

describe('decideChange: typed refusals', () => {
  it.each<[string, Configuration, Configuration, ChangeRefusal[]]>([
    [
      'unknown plan and add-on',
      cfg('BASIC'),
      cfg('GOLD', 'fax'),
      [
        { type: 'unknown_plan', code: 'GOLD' },
        { type: 'unknown_add_on', code: 'fax' },
      ],
    ],
    [
      'retired plan',
      cfg('BASIC'),
      cfg('LEGACY'),
      [{ type: 'plan_not_selectable', plan: { code: 'LEGACY', name: 'Classic Line' } }],
    ],
    [
      'already included on the new plan',
      cfg('BASIC'),
      cfg('PLUS', 'caller_id'),
      [
        {
          type: 'already_included',
          addOn: { code: 'caller_id', name: 'Caller ID' },
          plan: { code: 'PLUS', name: 'Plus' },
        },
      ],
    ],
    [
      'requirement being removed',
      cfg('BASIC', 'voicemail'),
      cfg('BASIC', 'visual_voicemail'),
      [
        {
          type: 'needs',
          addOn: { code: 'visual_voicemail', name: 'Visual Voicemail' },
          missing: [{ code: 'voicemail', name: 'Voicemail' }],
        },
      ],
    ],
    [
      'same configuration',
      cfg('PLUS', 'voicemail'),
      cfg('PLUS', 'voicemail', 'voicemail'),
      [{ type: 'no_change', pending: null }],
    ],
  ])('%s', (_label, current, requested, expected) => {
    expect(refusals(decide(current, requested))).toEqual(expected);
  });

  it('the change already scheduled, and the same plan with a change pending', () => {
    const pending = { target: cfg('BASIC'), effectiveDate: '2026-12-01' };
    expect(refusals(decide(cfg('PREMIUM'), cfg('BASIC'), { pending }))).toEqual([
      { type: 'already_scheduled', effectiveDate: '2026-12-01' },
    ]);
    expect(refusals(decide(cfg('PREMIUM'), cfg('PREMIUM'), { pending }))).toEqual([{ type: 'no_change', pending }]);
  });

  it('a planned change carries removals as facts, not sentences', () => {
    const r = decide(cfg('BASIC', 'caller_id', 'call_waiting'), cfg('PLUS'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.change.removals).toEqual([
      {
        reason: 'redundant',
        addOn: { code: 'call_waiting', name: 'Call Waiting' },
        plan: { code: 'PLUS', name: 'Plus' },
      },
      { reason: 'redundant', addOn: { code: 'caller_id', name: 'Caller ID' }, plan: { code: 'PLUS', name: 'Plus' } },
    ]);
    expect(r.change.timing).toBe('end_of_period');
    expect(Object.keys(r.change)).not.toContain('summary');
  });
});

describe('changes copy', () => {
  it('words every refusal', () => {
    expect(refusalText({ type: 'plan_not_selectable', plan: { code: 'LEGACY', name: 'Classic Line' } })).toBe(
      'Classic Line is no longer offered; only subscribers who already have it can keep it.',
    );
    expect(refusalText({ type: 'no_change', pending: null })).toBe('That is already your plan.');
    expect(refusalText({ type: 'already_scheduled', effectiveDate: '2026-12-01' })).toBe(
      'That change is already scheduled for 2026-12-01.',
    );
    expect(refusalText({ type: 'unknown_add_on', code: 'fax' })).toBe('"fax" is not an add-on we offer.');
  });

  it('words every removal', () => {
    const addOn = { code: 'ld_300', name: 'Long Distance 300' };
    const plan = { code: 'UNLIMITED', name: 'Unlimited' };
    expect(removalText({ reason: 'redundant', addOn, plan })).toBe(
      'Unlimited already includes Long Distance 300, so you no longer pay for it separately.',
    );
    expect(removalText({ reason: 'not_offered', addOn, plan, replacedBy: [] })).toBe(
      'Long Distance 300 is not available on Unlimited.',
    );
    expect(
      removalText({
        reason: 'not_offered',
        addOn,
        plan,
        replacedBy: [{ code: 'ld_unlimited', name: 'Long Distance Unlimited' }],
      }),
    ).toBe('Long Distance 300 is not available on Unlimited. Unlimited includes Long Distance Unlimited instead.');
    expect(removalText({ reason: 'requested', addOn })).toBe('You asked to remove Long Distance 300.');
    expect(
      removalText({
        reason: 'requirement_lost',
        addOn,
        missing: [
          { code: 'a', name: 'A' },
          { code: 'b', name: 'B' },
        ],
      }),
    ).toBe('Long Distance 300 needs A and B, which you will no longer have.');
  });

  it('describes a change for the history list', () => {
    expect(changeDescription(catalogData, cfg('BASIC', 'caller_id', 'call_waiting'), cfg('PLUS', 'voicemail'))).toBe(
      'Basic Line → Plus; added Voicemail; removed Caller ID, Call Waiting',
    );
    expect(changeDescription(catalogData, cfg('PLUS'), cfg('PLUS', 'ld_300', 'voicemail'))).toBe(
      'added Long Distance 300, Voicemail',
    );
    expect(changeDescription(catalogData, cfg('PLUS', 'voicemail'), cfg('PLUS', 'voicemail'))).toBe('PLUS+voicemail');
    expect(changeDescription(catalogData, cfg('GOLD'), cfg('PLUS'))).toBe('GOLD → Plus');
  });
});
