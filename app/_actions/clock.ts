'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireActor } from '@/lib/server/actor';
import { moveClock } from '@/lib/server/clock-admin';
import type { ActionState } from '@/lib/contracts/action-state';
import { formObject, runAction } from '@/lib/server/action';

const schema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), at: z.string().trim().min(10).max(40) }),
  z.object({ op: z.literal('advance'), days: z.coerce.number().int().min(-3650).max(3650) }),
  z.object({ op: z.literal('reset') }),
]);

export async function moveClockAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('moveClock', schema, formObject(form), async (input) => {
    const actor = await requireActor();
    const state = await moveClock(
      actor,
      input.op === 'set' ? { set: input.at } : input.op === 'advance' ? { advanceDays: input.days } : { reset: true },
    );
    revalidatePath('/', 'layout');
    return { message: `The clock now reads ${state.now}.` };
  });
}
