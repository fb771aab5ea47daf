'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireActor } from '@/lib/server/actor';
import { respondToOffer } from '@/lib/server/offers';
import { formObject, runAction, type ActionState } from '@/lib/server/action';
import { subscriberId } from './schemas';

const schema = z.object({
  subscriberId,
  offerKey: z.string().min(3).max(200).regex(/^[a-z_]+:[A-Za-z0-9_+]+$/, 'not a valid offer'),
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
