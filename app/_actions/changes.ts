'use server';
import { z } from 'zod';
import { requireActor } from '@/lib/server/actor';
import { cancelScheduledChange, confirmChange, type ConfirmResult } from '@/lib/server/changes';
import { formObject, runAction, type ActionState } from '@/lib/server/action';
import { addOnList, bool, code, reason, subscriberId } from './schemas';

const confirmSchema = z.object({
  subscriberId,
  plan: code,
  addOns: addOnList,
  version: z.coerce.number().int().min(0).max(2_147_483_647),
  idempotencyKey: z.string().uuid('not a valid request key'),
  applyNow: bool,
  reason,
  offerKey: z.string().max(200).regex(/^[a-z_]+:[A-Za-z0-9_+]+$/, 'not a valid offer').optional().or(z.literal('').transform(() => undefined)),
});

export async function confirmChangeAction(_prev: ActionState<ConfirmResult>, form: FormData): Promise<ActionState<ConfirmResult>> {
  return runAction('confirmChange', confirmSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const result = await confirmChange(actor, {
      subscriberId: input.subscriberId,
      target: { planCode: input.plan, addOns: input.addOns },
      version: input.version,
      idempotencyKey: input.idempotencyKey,
      applyNow: input.applyNow,
      reason: input.reason,
      offerKey: input.offerKey,
    });
    // No revalidation here: the preview page keeps showing the outcome; the pages it links to
    // are dynamic and read fresh data when visited.
    return { message: result.message, data: result };
  });
}

const cancelSchema = z.object({ subscriberId, scheduledChangeId: z.coerce.number().int().min(1).max(2_147_483_647), reason });

export async function cancelScheduledAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('cancelScheduled', cancelSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    return cancelScheduledChange(actor, input);
  });
}
