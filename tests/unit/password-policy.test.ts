import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@/lib/domain/accounts';
import { hasVisibleText } from '@/lib/domain/text';

const common = new Set(['password1234', 'qwertyuiop12', '123456789012']);

describe('password policy (SPEC §11)', () => {
  it('takes 12 to 128 characters of anything', () => {
    expect(checkPassword('a'.repeat(PASSWORD_MIN_LENGTH), common)).toEqual({ ok: true });
    expect(checkPassword('🙂'.repeat(PASSWORD_MIN_LENGTH), common)).toEqual({ ok: true }); // code points, not UTF-16 units
    expect(checkPassword(`  spaces  and\ttabs\u00e9\u0000x`, common)).toEqual({ ok: true });
    expect(checkPassword('x'.repeat(PASSWORD_MAX_LENGTH), common)).toEqual({ ok: true });
  });

  it('refuses empty, short and long ones, saying why', () => {
    expect(checkPassword('', common)).toMatchObject({ ok: false, problem: 'empty' });
    expect(checkPassword('a'.repeat(PASSWORD_MIN_LENGTH - 1), common)).toMatchObject({
      ok: false,
      problem: 'too_short',
      message: expect.stringContaining('at least 12'),
    });
    expect(checkPassword('🙂'.repeat(6), common)).toMatchObject({ ok: false, problem: 'too_short' }); // 12 UTF-16 units, 6 characters
    expect(checkPassword('x'.repeat(PASSWORD_MAX_LENGTH + 1), common)).toMatchObject({
      ok: false,
      problem: 'too_long',
    });
  });

  it('refuses a common password whatever its case or surrounding spaces', () => {
    for (const p of ['password1234', 'PASSWORD1234', ' Password1234 ', 'ｐａｓｓｗｏｒｄ１２３４']) {
      expect(checkPassword(p, common), p).toMatchObject({ ok: false, problem: 'common' });
    }
    expect(checkPassword('password12345', common)).toEqual({ ok: true });
  });
});

describe('visible text', () => {
  it('needs something visible after whitespace and format characters are removed', () => {
    for (const t of [
      '',
      ' ',
      '\u200b',
      '\u200b\u200c\u200d\u2060\ufeff',
      '\u00a0\t\n',
      '\u200e\u200f\u202a\u202e',
      '\u2066\u2069',
    ])
      expect(hasVisibleText(t), JSON.stringify(t)).toBe(false);
    for (const t of ['a', ' ok ', '\u200bx', '…', '☎', '1']) expect(hasVisibleText(t), JSON.stringify(t)).toBe(true);
  });
});
