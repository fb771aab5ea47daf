import 'server-only';
import { hash, verify } from '@node-rs/argon2';
import { DEMO_PASSWORD } from '@/db/seed';
import { ARGON2_OPTIONS } from '@/lib/argon2';
import { checkPassword, normalizeForCommonCheck, type PasswordCheck } from '@/lib/domain/accounts';

/**
 * Passwords: the policy (lib/domain/accounts) with its list of common passwords,
 * and hashing with the explicit argon2id parameters of lib/argon2.ts.
 *
 * The list is the ranked common-password dictionary that zxcvbn-ts ships in
 * @zxcvbn-ts/language-common (about 49,000 passwords from public breach corpora, most common
 * first; maintained, MIT), plus the demo password this project publishes. The whole list is
 * used: it is a set lookup either way.
 */
/** Passwords this project itself publishes (the demo accounts' one, in the README): never a real account's. */
const PUBLISHED = [DEMO_PASSWORD];

let common: Promise<ReadonlySet<string>> | undefined;

/** Loaded on first use (not on the sign-in path: the package decompresses its list on import). */
export function commonPasswords(): Promise<ReadonlySet<string>> {
  common ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set([...dictionary['passwords-common'], ...PUBLISHED].map(normalizeForCommonCheck)),
  );
  return common;
}

/** The policy for a new password (admin:create today; password set and reset reuse it). */
export async function checkNewPassword(password: string): Promise<PasswordCheck> {
  return checkPassword(password, await commonPasswords());
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}
