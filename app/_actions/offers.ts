'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireActor } from '@/lib/server/actor';
import { respondToOffer } from '@/lib/server/offers';
import type { ActionState } from '@/lib/contracts/action-state';
import { formObject, runAction } from '@/lib/server/action';
import { offerKey, subscriberId } from './schemas';

const schema = z.object({
  subscriberId,
  offerKey,
  response: z.enum(['dismissed', 'snoozed']),
});

export async function respondToOfferAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('respondToOffer', schema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await respondToOffer(actor, input);
    revalidatePath('/', 'layout');
    return r;
  });
}
