/**
 * Usage records in (issue 19, docs/usage.md): each field of a record checked before anything is
 * written, and late usage billed as the difference it makes to its period's charges.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { catalogData } from '@/db/catalog-data';
import { allConfigurations } from '@/lib/domain/catalog';
import { rateUsage } from '@/lib/domain/bills';
import { checkImportRow, checkQuantity, checkUsageTime, lateUsageAdjustment, missingColumns } from '@/lib/domain/usage';

const row = (over: Record<string, string>) => ({
  id: 'cdr-1',
  subscriber: 'SB-1000001',
  time: '2026-11-20T14:05:00Z',
  kind: 'long-distance',
  quantity: '12',
  ...over,
});

describe('an import row', () => {
  it.each([
    [{}, { ok: true }],
    [{ id: '' }, { ok: false, reason: 'no record id' }],
    [{ id: 'x'.repeat(201) }, { ok: false, reason: 'the record id is longer than 200 characters' }],
    [{ id: 'a\u0007b' }, { ok: false, reason: 'the record id contains control characters' }],
    [{ time: 'yesterday' }, { ok: false }],
    [{ time: '2026-02-30T10:00:00Z' }, { ok: false }],
    [{ time: '2026-11-20T14:05:00' }, { ok: false }],
    [{ quantity: '-3' }, { ok: false, reason: 'negative quantity -3' }],
    [{ quantity: '2.5' }, { ok: false, reason: 'quantity 2.5 is not a whole number' }],
    [{ quantity: 'ten' }, { ok: false }],
    [{ quantity: '1000001' }, { ok: false }],
  ])('%o → %o', (over, want) => {
    expect(checkImportRow(row(over as Record<string, string>))).toMatchObject(want);
  });

  it('keeps what can only be rejected later (no subscriber, time, quantity or kind) as nulls', () => {
    expect(checkImportRow(row({ subscriber: ' ', time: '', kind: '', quantity: '' }))).toEqual({
      ok: true,
      value: { id: 'cdr-1', subscriber: null, customerId: null, usageDate: null, kind: null, quantity: null },
    });
  });

  it('reads a time with its offset as the instant', () => {
    expect(checkUsageTime('2026-11-20T14:05:00+01:00')).toEqual({ ok: true, value: '2026-11-20T13:05:00.000Z' });
    expect(checkQuantity(0)).toEqual({ ok: true, value: 0 });
  });

  it('names the header columns that are missing', () => {
    expect(missingColumns(['ID', 'time', 'kind', 'quantity', 'extra'])).toEqual(['subscriber']);
  });
});

describe('late usage', () => {
  const period = { start: '2026-10-01', end: '2026-11-01' };

  it('bills 10 late long-distance minutes on Basic (240 already billed) as 10 × 0.10 = 1.00', () => {
    expect(
      lateUsageAdjustment(
        catalogData,
        { planCode: 'BASIC', addOns: [] },
        period,
        { ldMinutes: 240, intlMinutes: 0 },
        { ldMinutes: 10, intlMinutes: 0 },
      ),
    ).toEqual([
      {
        itemCode: 'ld_overage',
        quantity: 10,
        amountCents: 100,
        description:
          'Late usage for 2026-10-01 to 2026-10-31: 10 long-distance minutes beyond the allowance × 0.10 = 1.00',
      },
    ]);
  });

  it('books nothing for late minutes within the allowance (Premium: 500)', () => {
    expect(
      lateUsageAdjustment(
        catalogData,
        { planCode: 'PREMIUM', addOns: [] },
        period,
        { ldMinutes: 20, intlMinutes: 0 },
        { ldMinutes: 30, intlMinutes: 0 },
      ),
    ).toEqual([]);
  });

  it('rates late international minutes at the International Saver rate when it is held', () => {
    const lines = lateUsageAdjustment(
      catalogData,
      { planCode: 'BASIC', addOns: ['intl_saver'] },
      period,
      { ldMinutes: 0, intlMinutes: 120 },
      { ldMinutes: 0, intlMinutes: 20 },
    );
    expect(lines.map((l) => [l.itemCode, l.quantity, l.amountCents])).toEqual([['intl', 20, 100]]);
  });

  it('successive late records add up to what the whole period costs (property)', () => {
    const configs = allConfigurations(
      catalogData,
      catalogData.plans.map((p) => p.code),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...configs),
        fc.nat(2000),
        fc.nat(300),
        fc.array(fc.tuple(fc.nat(400), fc.nat(100)), { maxLength: 6 }),
        (config, ld, intl, late) => {
          let billed = { ldMinutes: ld, intlMinutes: intl };
          let sum = 0;
          for (const [l, i] of late) {
            sum += lateUsageAdjustment(catalogData, config, period, billed, { ldMinutes: l, intlMinutes: i }).reduce(
              (s, a) => s + a.amountCents,
              0,
            );
            billed = { ldMinutes: billed.ldMinutes + l, intlMinutes: billed.intlMinutes + i };
          }
          const whole = rateUsage(catalogData, config, billed).totalCents;
          const first = rateUsage(catalogData, config, { ldMinutes: ld, intlMinutes: intl }).totalCents;
          expect(sum).toBe(whole - first);
        },
      ),
    );
  });
});
