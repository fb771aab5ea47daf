/** Accounts and sign-in: the password policy, one-time links and the staff second factor (docs/security.md). */
export {
  checkPassword,
  normalizeForCommonCheck,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordCheck,
  type PasswordProblem,
} from './password-policy';
export {
  formatRecoveryCode,
  LINK_VALID_MINUTES,
  needsStepUp,
  normalizeRecoveryCode,
  RECOVERY_ALPHABET,
  RECOVERY_CODE_COUNT,
  STEP_UP_MAX_AGE_SECONDS,
  totpCodeOf,
} from './rules';
