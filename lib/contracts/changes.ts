import { z } from 'zod';
import { type ChangeIntent, contradictions, isEmptyIntent } from '@/lib/domain/changes';
import { code } from './fields';

/** What confirming a change returns: the server's result, shown by the confirm form (a client component). */
export interface ConfirmResult {
  status: 'applied' | 'scheduled';
  orderId: number;
  effectiveDate: string;
  message: string;
  /** True when this was a repeat of an earlier confirm with the same key. */
  replayed: boolean;
}

/**
 * A change intent as a form or a URL carries it (`/change?plan=PLUS&add=voicemail&remove=caller_id`):
 * the plan to move to (optional) and comma-separated add-on codes to add and to remove.
 */
const codeList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  // An empty field is no codes; an empty element ("voicemail,") is a malformed list.
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : v === '' ? [] : v.split(',')))
  .pipe(z.array(code).max(20, 'at most 20 add-ons'));

export const changeIntentFields = {
  plan: z
    .union([z.literal('').transform(() => undefined), code])
    .optional()
    .transform((v) => v ?? undefined),
  add: codeList,
  remove: codeList,
};

/** Adds the intent's own rules to a schema holding `changeIntentFields`. */
export function checkIntent(
  v: { plan?: string | undefined; add: string[]; remove: string[] },
  ctx: z.RefinementCtx,
): void {
  const intent = { ...(v.plan ? { plan: v.plan } : {}), add: v.add, remove: v.remove };
  if (isEmptyIntent(intent)) {
    ctx.addIssue({ code: 'custom', path: ['plan'], message: 'Choose a plan, or an add-on to add or remove.' });
  }
  const both = contradictions(intent);
  if (both.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['add'], message: `Can't both add and remove ${both.join(', ')}.` });
  }
}

export const changeIntentSchema = z.object(changeIntentFields).superRefine(checkIntent);

/** The intent of a parsed form or query. */
export function toIntent(v: { plan?: string | undefined; add: string[]; remove: string[] }): ChangeIntent {
  return { ...(v.plan ? { plan: v.plan } : {}), add: v.add, remove: v.remove };
}
