import { describe, expect, it } from 'vitest';
import { andList, capitalize, formatCents, formatCount, formatSignedCents, orList } from '@/lib/domain/text';

describe('list joiners (the one home of "a, b and c")', () => {
  it('joins with "and" without a serial comma', () => {
    expect(andList([])).toBe('');
    expect(andList(['Voicemail'])).toBe('Voicemail');
    expect(andList(['Caller ID', 'Call Waiting'])).toBe('Caller ID and Call Waiting');
    expect(andList(['Caller ID', 'Call Waiting', 'Voicemail'])).toBe('Caller ID, Call Waiting and Voicemail');
  });

  it('joins with "or" the same way', () => {
    expect(orList([])).toBe('');
    expect(orList(['Voicemail'])).toBe('Voicemail');
    expect(orList(['Long Distance 300', 'Long Distance Unlimited'])).toBe(
      'Long Distance 300 or Long Distance Unlimited',
    );
    expect(orList(['a', 'b', 'c', 'd'])).toBe('a, b, c or d');
  });

  it('capitalizes the first letter only', () => {
    expect(capitalize('switch from Basic Line to Plus and add Voicemail')).toBe(
      'Switch from Basic Line to Plus and add Voicemail',
    );
    expect(capitalize('')).toBe('');
  });
});

describe('numbers in words', () => {
  it('money: two decimals, a minus for negatives, a sign for changes', () => {
    expect(formatCents(1234)).toBe('12.34');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(-1234)).toBe('-12.34');
    expect(formatSignedCents(750)).toBe('+7.50');
    expect(formatSignedCents(-1000)).toBe('-10.00');
    expect(formatSignedCents(0)).toBe('0.00');
  });

  it('counts: integers as they are, averages to one decimal without a trailing .0', () => {
    expect(formatCount(240)).toBe('240');
    expect(formatCount(640 / 3)).toBe('213.3');
    expect(formatCount(2.96)).toBe('3');
    expect(formatCount(12.5)).toBe('12.5');
  });
});
