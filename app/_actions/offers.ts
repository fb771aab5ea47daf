'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireActor } from '@/lib/server/actor';
import { respondToOffer, undoOfferResponse } from '@/lib/server/offers';
import type { ActionState } from '@/lib/contracts/action-state';
import { formObject, runAction } from '@/lib/server/action';
import { offerKey, subscriberId } from './schemas';

const schema = z.object({
  subscriberId,
  offerKey,
  response: z.enum(['dismissed', 'snoozed', 'undone']),
});

/**
 * "Not for me", "Remind me later", and their undo. A response is recorded at once, but the page
 * is not re-rendered by it: the offer is replaced in place by "Undo" for 10 seconds, and the
 * page refreshes itself after that (app/_components/offer-shell.tsx). An undo re-renders it.
 */
export async function respondToOfferAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('respondToOffer', schema, formObject(form), async (input) => {
    const actor = await requireActor();
    if (input.response === 'undone') {
      const r = await undoOfferResponse(actor, input);
      revalidatePath('/', 'layout');
      return r;
    }
    return respondToOffer(actor, { ...input, response: input.response });
  });
}
