import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import type { ActionState } from '@/lib/contracts/action-state';
import { AppError, fieldErrorsOf } from './errors';
import { log } from './log';

export type { ActionState };

/** Turns zod issues into field errors and one readable message. */
export function invalid(error: z.ZodError): ActionState<never> {
  const first = error.issues[0];
  // Messages that end a sentence themselves ("At most 2000 characters.") don't get a second period.
  const detail = first
    ? `${first.path.join('.') || 'input'}: ${first.message.replace(/[.!?]+$/, '')}`
    : 'invalid input';
  return {
    status: 'error',
    code: 'invalid',
    message: `Please check the form: ${detail}.`,
    fieldErrors: fieldErrorsOf(error),
  };
}

/**
 * Runs an action body: parses input with zod, maps the data layer's AppError to a message
 * the user can act on, logs anything unexpected with context and shows no stack.
 */
export async function runAction<I, T>(
  name: string,
  schema: z.ZodType<I>,
  raw: unknown,
  body: (input: I) => Promise<{ message: string; data?: T }>,
): Promise<ActionState<T>> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  try {
    const r = await body(parsed.data);
    return { status: 'success', message: r.message, data: r.data };
  } catch (e) {
    if (e instanceof AppError) return { status: 'error', code: e.code, message: e.message, fieldErrors: e.fieldErrors };
    // Next's own control flow (redirect, notFound, dynamic rendering bail-outs) goes through.
    unstable_rethrow(e);
    log.error(`[action ${name}] failed`, e);
    return {
      status: 'error',
      code: 'internal',
      message: 'Something went wrong on our side and nothing was changed. Please try again.',
    };
  }
}

/**
 * FormData → plain object (repeated keys become arrays). A server action is a public POST
 * endpoint: a hand-made request can pass any argument in place of the form, and that is
 * refused as invalid input (null fails every schema) rather than thrown as a TypeError (a 500).
 * The object has no prototype, so field names like "__proto__" are plain keys.
 */
export function formObject(form: unknown): Record<string, unknown> | null {
  if (!(form instanceof FormData)) return null;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of form.entries()) {
    if (typeof v !== 'string') continue;
    if (k.startsWith('$ACTION')) continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
