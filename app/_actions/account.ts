'use server';
import { cookies } from 'next/headers';
import { z } from 'zod';
import { config } from '@/lib/config';
import { sessionCookieName } from '@/lib/session-token';
import { requireActor } from '@/lib/server/actor';
import type { ActionState } from '@/lib/contracts/action-state';
import { formObject, runAction } from '@/lib/server/action';
import { endAllSessions } from '@/lib/server/sessions';

// No input: it acts on the caller's own account only.
const schema = z.object({}).strip();

/** "Sign out everywhere": ends every session of the signed-in account, this browser's included. */
export async function signOutEverywhereAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('signOutEverywhere', schema, formObject(form), async () => {
    const actor = await requireActor();
    const r = await endAllSessions(actor);
    // This browser's cookie is dead already; drop it so the next page is plainly signed out.
    (await cookies()).delete(sessionCookieName(config().deployment));
    return { message: r.message };
  });
}
