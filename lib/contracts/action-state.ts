/**
 * What every server action returns to `useActionState`, shared by the actions (server) and
 * the forms (client components). No server code here.
 */

/** The kinds of error the data layer reports (AppError codes). */
export type AppErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'invalid'
  | 'conflict'
  | 'stale'
  | 'throttled'
  /** Staff: enter the authenticator code again before this step (issue 21). */
  | 'step_up_required';

/**
 * What a form may be told went wrong: a data-layer code, `internal` (logged, nothing changed),
 * or `unreachable` (the browser got no answer: offline, or the connection dropped; whether the
 * server acted is unknown).
 */
export type ActionErrorCode = AppErrorCode | 'internal' | 'unreachable';

export type ActionState<T = undefined> = {
  status: 'idle' | 'success' | 'error';
  message: string;
  fieldErrors?: Record<string, string[]>;
  /** Error kind, for the UI to offer the right next step (e.g. a fresh preview). */
  code?: ActionErrorCode;
  data?: T;
};

/** The state of a form before its first submit. */
export const idle: ActionState<never> = { status: 'idle', message: '' };
