/**
 * Accounts and sign-in (SPEC §11), the rules without I/O: how long a one-time link lives, how a
 * recovery code is written and compared, and when a staff member must enter a code again.
 * Times are passed in (seconds); nothing here reads a clock.
 */

/** A one-time link (activation, password reset) is valid this long. */
export const LINK_VALID_MINUTES = 30;

/** Staff: applying a lower-priced change now and creating API clients ask for the code again after this. */
export const STEP_UP_MAX_AGE_SECONDS = 10 * 60;

/** How many single-use recovery codes an enrolment makes. */
export const RECOVERY_CODE_COUNT = 10;

/** A recovery code is 10 characters of this alphabet (no 0/O, 1/I/L), shown as two groups of five. */
export const RECOVERY_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** True when the second factor was passed too long ago (or never, in this session) for a sensitive step. */
export function needsStepUp(secondsSinceSecondFactor: number | null): boolean {
  return secondsSinceSecondFactor === null || secondsSinceSecondFactor > STEP_UP_MAX_AGE_SECONDS;
}

/** "ABCDE-FGHJK" from 10 alphabet indices (each 0–30). */
export function formatRecoveryCode(indices: readonly number[]): string {
  const chars = indices.map((i) => RECOVERY_ALPHABET[i % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5, 10)}`;
}

/** What a typed recovery code is compared as: spaces and dashes dropped, upper case. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.replace(/[\s-]+/g, '').toUpperCase();
}

/** A 6-digit authenticator code (spaces allowed between digits); anything else is treated as a recovery code. */
export function totpCodeOf(typed: string): string | null {
  const digits = typed.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}
