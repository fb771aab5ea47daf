'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireActor } from '@/lib/server/actor';
import type { ActionState } from '@/lib/contracts/action-state';
import { formObject, runAction } from '@/lib/server/action';
import { addNote } from '@/lib/server/notes';
import { subscriberId } from './schemas';

// The body's length (1 to 2000 characters) is checked by addNote after the role check, so a
// subscriber posting here is refused and audited whatever they sent.
const schema = z.object({ subscriberId, body: z.string().max(20_000, 'At most 2000 characters.') });

export async function addNoteAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('addNote', schema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await addNote(actor, input);
    revalidatePath(`/agent/subscribers/${input.subscriberId}`, 'layout');
    return { message: r.message };
  });
}
