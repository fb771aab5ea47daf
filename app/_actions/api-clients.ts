'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { ALL_API_SCOPES } from '@/lib/api-scopes';
import { requireActor } from '@/lib/server/actor';
import { stepUp } from '@/lib/server/second-factor';
import type { ActionState } from '@/lib/contracts/action-state';
import type { ClientCredentials } from '@/lib/contracts/api-clients';
import { createApiClientFor, revokeApiClientFor, rotateApiClientSecretFor } from '@/lib/server/api-clients';
import { formObject, runAction } from '@/lib/server/action';

const scopeList = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.enum(ALL_API_SCOPES as [string, ...string[]])).min(1, 'Choose at least one scope.'),
);
const createSchema = z.object({
  name: z.string().trim().min(1, 'Give the client a name.').max(100, 'At most 100 characters.'),
  scopes: scopeList,
  /** Step-up (issue 21): the authenticator code, when the form asked for it again. */
  secondFactorCode: z.string().trim().max(64).optional(),
});
const clientSchema = z.object({ clientId: z.string().regex(/^sbc_[0-9a-f]{24}$/, 'Not an API client id.') });

/** Creates an API client; its secret is in the answer this once. */
export async function createApiClientAction(
  _prev: ActionState<ClientCredentials>,
  form: FormData,
): Promise<ActionState<ClientCredentials>> {
  return runAction('createApiClient', createSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    if (input.secondFactorCode) await stepUp(actor, input.secondFactorCode);
    const c = await createApiClientFor(actor, { name: input.name, scopes: input.scopes });
    revalidatePath('/admin/api-clients');
    return {
      message: `Created "${c.view.name}". Copy the secret now: it is not shown again.`,
      data: { clientId: c.clientId, clientSecret: c.clientSecret },
    };
  });
}

/** A new secret for a client; the old one and its tokens stop working. */
export async function rotateApiClientSecretAction(
  _prev: ActionState<ClientCredentials>,
  form: FormData,
): Promise<ActionState<ClientCredentials>> {
  return runAction('rotateApiClientSecret', clientSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const c = await rotateApiClientSecretFor(actor, input.clientId);
    revalidatePath('/admin/api-clients');
    return { message: 'New secret issued; the old one no longer works. Copy it now: it is not shown again.', data: c };
  });
}

/** Revokes a client for good. */
export async function revokeApiClientAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('revokeApiClient', clientSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    await revokeApiClientFor(actor, input.clientId);
    revalidatePath('/admin/api-clients');
    return { message: 'Client revoked: its tokens are refused from now on.' };
  });
}
