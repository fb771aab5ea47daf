import { describe, expect, it } from 'vitest';
import {
  formatRecoveryCode,
  needsStepUp,
  normalizeRecoveryCode,
  RECOVERY_ALPHABET,
  STEP_UP_MAX_AGE_SECONDS,
  totpCodeOf,
} from '@/lib/domain/accounts';

describe('accounts rules (issue 21)', () => {
  it.each([
    [null, true],
    [0, false],
    [STEP_UP_MAX_AGE_SECONDS, false],
    [STEP_UP_MAX_AGE_SECONDS + 1, true],
  ])('step-up after %s seconds: %s', (age, expected) => {
    expect(needsStepUp(age)).toBe(expected);
  });

  it('recovery codes: two groups of five from the alphabet, compared without dashes, spaces or case', () => {
    const code = formatRecoveryCode([0, 1, 2, 3, 4, 5, 6, 7, 8, 30]);
    expect(code).toBe(`23456-789A${RECOVERY_ALPHABET[30]}`);
    expect(normalizeRecoveryCode(` ${code.toLowerCase()} `)).toBe(code.replace('-', ''));
    expect(RECOVERY_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it('a 6-digit code is an authenticator code; anything else is tried as a recovery code', () => {
    expect(totpCodeOf('123 456')).toBe('123456');
    expect(totpCodeOf('12345')).toBeNull();
    expect(totpCodeOf('ABCDE-FGHJK')).toBeNull();
  });
});
