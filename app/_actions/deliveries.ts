'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireActor } from '@/lib/server/actor';
import { formObject, runAction, type ActionState } from '@/lib/server/action';
import { retryDelivery, setOfferEmailConsent } from '@/lib/server/deliveries';

const retrySchema = z.object({
  deliveryId: z
    .string()
    .trim()
    .regex(/^[1-9][0-9]{0,15}$/, 'Not a delivery.'),
});

export async function retryDeliveryAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('retryDelivery', retrySchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await retryDelivery(actor, { deliveryId: input.deliveryId });
    revalidatePath('/admin/deliveries');
    return r;
  });
}

const consentSchema = z.object({ offerEmails: z.enum(['on', 'off']) });

export async function setOfferEmailsAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('setOfferEmails', consentSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await setOfferEmailConsent(actor, input.offerEmails === 'on');
    revalidatePath('/account/profile');
    return r;
  });
}
