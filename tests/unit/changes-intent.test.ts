/**
 * Change intents: what was asked for relative to what is held, planned against the account as
 * it is when planned. The case of the issue: an agent previews "add International Saver" for Gus
 * (BASIC); meanwhile Gus adds Caller ID; the same intent planned again keeps Caller ID.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';
import { changeIntentSchema } from '@/lib/contracts/changes';
import { allConfigurations, normalize } from '@/lib/domain/catalog';
import {
  type ChangeIntent,
  applyIntent,
  contradictions,
  driftBetween,
  driftText,
  hasDrift,
  intentBetween,
  isEmptyIntent,
  planChange,
} from '@/lib/domain/changes';
import type { Configuration } from '@/lib/domain/types';

const gus: Configuration = { planCode: 'BASIC', addOns: [] };
const gusWithCallerId: Configuration = { planCode: 'BASIC', addOns: ['caller_id'] };
const addSaver = { add: ['intl_saver'], remove: [] };

function plan(current: Configuration, requested: Configuration) {
  return planChange({
    catalog: catalogData,
    current,
    requested,
    billingDay: 10,
    today: '2026-11-20',
    pending: null,
  });
}

describe('applyIntent', () => {
  it.each([
    ['adds to what is held', gus, addSaver, { planCode: 'BASIC', addOns: ['intl_saver'] }],
    [
      'keeps an add-on added meanwhile',
      gusWithCallerId,
      addSaver,
      { planCode: 'BASIC', addOns: ['caller_id', 'intl_saver'] },
    ],
    [
      'removes only what was asked',
      { planCode: 'BASIC', addOns: ['caller_id', 'voicemail'] },
      { add: [], remove: ['voicemail'] },
      gusWithCallerId,
    ],
    [
      'moves the plan and keeps the add-ons (reconciled later)',
      { planCode: 'BASIC', addOns: ['voicemail'] },
      { plan: 'PLUS', add: [], remove: [] },
      { planCode: 'PLUS', addOns: ['voicemail'] },
    ],
    ['adding what is held is nothing', gusWithCallerId, { add: ['caller_id'], remove: [] }, gusWithCallerId],
    ['removing what is not held is nothing', gus, { add: [], remove: ['caller_id'] }, gus],
  ] as [string, Configuration, ChangeIntent, Configuration][])('%s', (_name, current, intent, expected) => {
    expect(applyIntent(current, intent)).toEqual(expected);
  });

  it('empty and contradictory intents are recognised', () => {
    expect(isEmptyIntent({ add: [], remove: [] })).toBe(true);
    expect(isEmptyIntent({ plan: 'PLUS', add: [], remove: [] })).toBe(false);
    expect(contradictions({ add: ['voicemail', 'ld_300'], remove: ['ld_300', 'voicemail'] })).toEqual([
      'ld_300',
      'voicemail',
    ]);
  });

  it('the intent between two configurations leads from one to the other (every pair of the catalog)', () => {
    const configs = allConfigurations(
      catalogData,
      catalogData.plans.map((p) => p.code),
    );
    fc.assert(
      fc.property(fc.constantFrom(...configs), fc.constantFrom(...configs), (a, b) => {
        const intent = intentBetween(a, b);
        expect(applyIntent(a, intent)).toEqual(normalize(b));
        expect(intent.plan === undefined).toBe(a.planCode === b.planCode);
        expect(contradictions(intent)).toEqual([]);
      }),
    );
  });
});

describe('a change someone else made in between is kept, not undone', () => {
  it('re-planning the same intent keeps Caller ID; replaying the previewed target would remove it', () => {
    const preview = plan(gus, applyIntent(gus, addSaver));
    expect(preview.ok && preview.plan.target).toEqual({ planCode: 'BASIC', addOns: ['intl_saver'] });

    const again = plan(gusWithCallerId, applyIntent(gusWithCallerId, addSaver));
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.plan.target).toEqual({ planCode: 'BASIC', addOns: ['caller_id', 'intl_saver'] });
    expect(again.plan.removedAddOns).toEqual([]);
    expect(again.plan.summary).toMatch(/^Add International Saver today/);

    // The old way (the previewed configuration replayed) — what the issue saw.
    const replayed = plan(gusWithCallerId, { planCode: 'BASIC', addOns: ['intl_saver'] });
    expect(replayed.ok && replayed.plan.removedAddOns.map((a) => a.code)).toEqual(['caller_id']);
  });

  it('says what changed meanwhile and what the request does with it', () => {
    const drift = driftBetween(catalogData, gus, gusWithCallerId);
    expect(hasDrift(drift)).toBe(true);
    const target = { planCode: 'BASIC', addOns: ['caller_id', 'intl_saver'] };
    expect(driftText(drift, target, '10:02 UTC')).toBe(
      'Since this preview (at 10:02 UTC): Caller ID was added; it stays.',
    );
    // A move to a plan that doesn't offer it: the request removes it, and says so.
    expect(driftText(drift, { planCode: 'PLUS', addOns: [] }, null)).toBe(
      'Since this preview: Caller ID was added; this change removes it.',
    );
    const other = driftBetween(
      catalogData,
      { planCode: 'BASIC', addOns: ['voicemail'] },
      { planCode: 'PLUS', addOns: [] },
    );
    expect(driftText(other, null, null)).toBe(
      'Since this preview: the plan changed from Basic Line to Plus; Voicemail was removed.',
    );
    expect(hasDrift(driftBetween(catalogData, gus, gus))).toBe(false);
    expect(driftText(driftBetween(catalogData, gus, gus), null, null)).toBe('');
  });
});

describe('an intent as a form or a URL carries it', () => {
  it.each([
    [{ plan: 'PLUS' }, true],
    [{ plan: 'PLUS', add: '', remove: '' }, true],
    [{ add: 'voicemail,ld_300' }, true],
    [{ add: 'ld_unlimited', remove: 'ld_300' }, true],
    [{ plan: '' }, false],
    [{}, false],
    [{ add: 'voicemail,' }, false],
    [{ add: ',' }, false],
    [{ add: 'voicemail', remove: 'voicemail' }, false],
    [{ plan: 'PLUS;--' }, false],
    [{ add: 'x,'.repeat(25).slice(0, -1) }, false],
  ])('%o valid: %s', (input, ok) => {
    expect(changeIntentSchema.safeParse(input).success).toBe(ok);
  });
});
