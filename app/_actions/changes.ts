'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireActor } from '@/lib/server/actor';
import { stepUp } from '@/lib/server/second-factor';
import { type ConfirmResult, changeIntentFields, checkIntent, toIntent } from '@/lib/contracts/changes';
import { cancelScheduledChange, confirmChange } from '@/lib/server/changes';
import type { ActionState } from '@/lib/contracts/action-state';
import { formObject, runAction } from '@/lib/server/action';
import { INT32_MAX, int32Id } from '@/lib/contracts/fields';
import { addOnList, bool, code, offerKey, reason, subscriberId } from './schemas';

const confirmSchema = z
  .object({
    subscriberId,
    ...changeIntentFields,
    version: z.coerce.number().int().min(0).max(INT32_MAX),
    idempotencyKey: z.string().uuid('not a valid request key'),
    applyNow: bool,
    reason,
    offerKey: offerKey.optional().or(z.literal('').transform(() => undefined)),
    // What the preview was planned from and when: only for the words of a stale confirm.
    basisPlan: code.optional(),
    basisAddOns: addOnList,
    previewedAt: z.string().datetime().optional(),
    /** Staff step-up (issue 21): the authenticator code, when the form asked for it again. */
    secondFactorCode: z.string().trim().max(64).optional(),
  })
  .superRefine(checkIntent);

export async function confirmChangeAction(
  _prev: ActionState<ConfirmResult>,
  form: FormData,
): Promise<ActionState<ConfirmResult>> {
  return runAction('confirmChange', confirmSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    if (input.secondFactorCode) await stepUp(actor, input.secondFactorCode);
    const result = await confirmChange(actor, {
      subscriberId: input.subscriberId,
      intent: toIntent(input),
      basis: input.basisPlan ? { planCode: input.basisPlan, addOns: input.basisAddOns } : undefined,
      previewedAt: input.previewedAt,
      version: input.version,
      idempotencyKey: input.idempotencyKey,
      applyNow: input.applyNow,
      reason: input.reason,
      offerKey: input.offerKey,
    });
    // Issue 15: what the change touched, and what Back shows, read fresh. The page re-renders
    // too; the success view stays (app/_components/change-flow.tsx keeps it above the page).
    revalidatePath('/', 'layout');
    return { message: result.message, data: result };
  });
}

const cancelSchema = z.object({ subscriberId, scheduledChangeId: int32Id, reason });

export async function cancelScheduledAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('cancelScheduled', cancelSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await cancelScheduledChange(actor, input);
    // Issue 15: the page it is on (the next-bill estimate) and what Back shows read the change
    // as cancelled at once. The scheduled-change card keeps saying "Cancelled" (cancel-scheduled.tsx).
    revalidatePath('/', 'layout');
    return r;
  });
}
