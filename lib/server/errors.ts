import 'server-only';

export type AppErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'invalid'
  | 'conflict'
  | 'stale'
  | 'throttled';

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

/** A zod failure as the data layer's error: the first message, and every message by field. */
export function invalidInput(error: { issues: { path: PropertyKey[]; message: string }[] }, message?: string): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) (fieldErrors[issue.path.map(String).join('.') || 'form'] ??= []).push(issue.message);
  return new AppError('invalid', message ?? error.issues[0]?.message ?? 'Invalid input.', fieldErrors);
}

/** PostgreSQL text can't hold NUL: free text is checked with this and refused as input, rather than failing its insert. */
export function storableText(text: string): boolean {
  return !text.includes('\u0000');
}

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  stale: 409,
  throttled: 429,
};
