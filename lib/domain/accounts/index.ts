/** Accounts and sign-in: the password policy (docs/security.md). */
export {
  checkPassword,
  normalizeForCommonCheck,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordCheck,
  type PasswordProblem,
} from './password-policy';
