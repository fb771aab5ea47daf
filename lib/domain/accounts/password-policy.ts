/**
 * The password policy of spec section 11, as a pure rule: 12 to 128 characters (counted as
 * Unicode code points, any characters allowed, none stripped), and not one of the commonly
 * used passwords. The list is passed in (lib/server/passwords.ts loads it), so sign-up,
 * password change and reset, and `npm run admin:create` all apply the same rule.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = 'empty' | 'too_short' | 'too_long' | 'common';

export type PasswordCheck = { ok: true } | { ok: false; problem: PasswordProblem; message: string };

/** How a password is compared with the list: case and surrounding spaces don't make it safe. */
export function normalizeForCommonCheck(password: string): string {
  return password.normalize('NFKC').trim().toLowerCase();
}

export function checkPassword(password: string, common: ReadonlySet<string>): PasswordCheck {
  const length = [...password].length;
  if (length === 0) return { ok: false, problem: 'empty', message: 'Enter a password.' };
  if (length < PASSWORD_MIN_LENGTH)
    return {
      ok: false,
      problem: 'too_short',
      message: `Use at least ${PASSWORD_MIN_LENGTH} characters (this one has ${length}).`,
    };
  if (length > PASSWORD_MAX_LENGTH)
    return { ok: false, problem: 'too_long', message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  if (common.has(normalizeForCommonCheck(password))) {
    return {
      ok: false,
      problem: 'common',
      message:
        'That password is on a list of commonly used passwords. Choose another: a few unrelated words make a good one.',
    };
  }
  return { ok: true };
}
