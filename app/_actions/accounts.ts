'use server';
import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import type { ActionState } from '@/lib/contracts/action-state';
import { requireActor } from '@/lib/server/actor';
import { requestActivation, requestPasswordReset, redeemLink } from '@/lib/server/account-links';
import { formObject, runAction } from '@/lib/server/action';
import { startEnrollment } from '@/lib/server/auth';
import { changePassword } from '@/lib/server/password-change';
import { resetSecondFactor, type Enrollment } from '@/lib/server/second-factor';
import { setSessionCookie } from '@/lib/server/sessions';
import { clientAddressFrom } from '@/lib/server/throttle';

/** Accounts (issue 21): activation, "Forgot password", the one-time link, password change, staff second factor. */

const email = z.string().trim().toLowerCase().email('Enter an email address.').max(254);
// Any characters (SPEC §11): only the length is checked here; the policy itself is the server's.
const password = z.string().max(1024, 'At most 128 characters.');

const activationSchema = z.object({
  accountNumber: z
    .string()
    .trim()
    .min(1, 'Enter your account number.')
    .max(32, 'An account number is at most 32 characters.')
    .regex(/^[A-Za-z0-9-]+$/, 'An account number has letters, digits and dashes only.'),
  email,
});

/** "Activate online access": the same answer whether or not the details match an account. */
export async function requestActivationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('requestActivation', activationSchema, formObject(form), async (input) =>
    requestActivation(input, clientAddressFrom(await headers())),
  );
}

/** "Forgot password": the same answer whether or not the address has an account. */
export async function requestPasswordResetAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('requestPasswordReset', z.object({ email }), formObject(form), async (input) =>
    requestPasswordReset(input, clientAddressFrom(await headers())),
  );
}

const setPasswordSchema = z
  .object({
    token: z
      .string()
      .min(20)
      .max(100)
      .regex(/^[A-Za-z0-9_-]+$/),
    password,
    confirm: password,
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords are not the same.' });

/**
 * Sets the password from a one-time link; a subscriber is then signed in (the session cookie is
 * set on this answer), staff go to sign-in (password and code). `data.next` says where the form
 * goes next.
 */
export async function setPasswordAction(
  _prev: ActionState<{ next: string }>,
  form: FormData,
): Promise<ActionState<{ next: string }>> {
  return runAction('setPassword', setPasswordSchema, formObject(form), async (input) => {
    const r = await redeemLink(input.token, input.password);
    if (r.session) await setSessionCookie(r.session);
    return {
      message: r.session ? 'Your password is set. Opening your account…' : 'Your password is set. Sign in with it.',
      data: { next: r.session ? '/dashboard' : '/login?passwordSet=1' },
    };
  });
}

const changePasswordSchema = z
  .object({ current: z.string().min(1, 'Enter your current password.').max(1024), password, confirm: password })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two new passwords are not the same.' });

/** The account page's "Change password": the other sessions end, this one goes on. */
export async function changePasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('changePassword', changePasswordSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await changePassword(actor, input, await headers());
    await setSessionCookie(r.session);
    return { message: r.message };
  });
}

/** Sign-in, staff not yet enrolled: the password again, then a new secret, its QR code and recovery codes. */
export async function startEnrollmentAction(
  _prev: ActionState<Enrollment>,
  form: FormData,
): Promise<ActionState<Enrollment>> {
  return runAction(
    'startEnrollment',
    z.object({ email, password: z.string().min(1).max(1024) }),
    formObject(form),
    async (input) => ({
      message: 'Scan the code, save the recovery codes, then enter a code.',
      data: await startEnrollment(input, await headers()),
    }),
  );
}

/** Admin → Staff: reset another staff member's second factor. */
export async function resetSecondFactorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(
    'resetSecondFactor',
    z.object({ userId: z.coerce.number().int().min(1).max(2_147_483_647) }),
    formObject(form),
    async (input) => {
      const actor = await requireActor();
      const r = await resetSecondFactor(actor, input.userId);
      revalidatePath('/admin/staff');
      return r;
    },
  );
}
