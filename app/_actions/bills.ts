'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { BILL_STATES } from '@/lib/domain/bills';
import { requireActor } from '@/lib/server/actor';
import type { ActionState } from '@/lib/contracts/action-state';
import { formObject, runAction } from '@/lib/server/action';
import { setBillState } from '@/lib/server/bills';
import { reason, subscriberId } from './schemas';

// Support staff set a bill's state (sent, on hold for a dispute, settled) with a reason; the
// role, the transition and the reason are checked by setBillState (policy, audit, event).
const schema = z.object({
  subscriberId,
  billNumber: z.coerce.number().int().min(1).max(999_999_999_999_999),
  state: z.enum(BILL_STATES as [string, ...string[]]),
  reason,
});

export async function changeBillStateAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('changeBillState', schema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await setBillState(
      actor,
      input.billNumber,
      input.state as (typeof BILL_STATES)[number],
      input.reason ?? null,
      input.subscriberId,
    );
    revalidatePath(`/agent/subscribers/${input.subscriberId}`, 'layout');
    return {
      message: r.changed
        ? `Bill ${input.billNumber} is now ${r.label}.`
        : `Bill ${input.billNumber} was already ${r.label}.`,
    };
  });
}
