import 'server-only';
import type { AppErrorCode } from '@/lib/contracts/action-state';

export type { AppErrorCode };
export { storableText } from '@/lib/contracts/fields';

/**
 * The one error type of the data layer. Its message is safe to show to the person who
 * asked; anything else thrown is logged and replaced by a generic message.
 */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

type ZodIssues = { issues: { path: PropertyKey[]; message: string }[] };

/** A zod failure's messages by field ("form" for the input as a whole). */
export function fieldErrorsOf(error: ZodIssues): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  return fieldErrors;
}

/** A zod failure as the data layer's error: the first message, and every message by field. */
export function invalidInput(error: ZodIssues, message?: string): AppError {
  return new AppError('invalid', message ?? error.issues[0]?.message ?? 'Invalid input.', fieldErrorsOf(error));
}

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  stale: 409,
  throttled: 429,
  step_up_required: 403,
};

/** A unique-index violation (PostgreSQL 23505), as pg or PGlite report it, possibly wrapped by drizzle. */
export function isUniqueViolation(e: unknown): boolean {
  for (let x = e, i = 0; x && typeof x === 'object' && i < 4; x = (x as { cause?: unknown }).cause, i++) {
    if ((x as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
