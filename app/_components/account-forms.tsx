'use client';
import { useActionState, useEffect } from 'react';
import {
  changePasswordAction,
  requestActivationAction,
  requestPasswordResetAction,
  resetSecondFactorAction,
  setPasswordAction,
} from '@/app/_actions/accounts';
import { idle } from '@/lib/contracts/action-state';
import { StatusMessage } from './status-message';

/** The forms of issue 21 (accounts). Each posts to one server action and shows its answer. */

function Field({
  id,
  label,
  type = 'text',
  autoComplete,
  hint,
  error,
}: {
  id: string;
  label: string;
  type?: string;
  autoComplete?: string;
  hint?: string;
  error?: string[];
}) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="muted mb-1 text-sm">
          {hint}
        </p>
      )}
      <input
        id={id}
        name={id}
        type={type}
        autoComplete={autoComplete}
        required
        className="field"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-800">
          {error.join(' ')}
        </p>
      )}
    </div>
  );
}

const PASSWORD_HINT =
  '12 to 128 characters, any characters; not a commonly used password. A few unrelated words work well.';

/** The new password, typed twice (setting one from a link, changing one on the account page). */
function NewPasswordFields({ errors }: { errors?: Record<string, string[] | undefined> }) {
  return (
    <>
      <Field
        id="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint={PASSWORD_HINT}
        error={errors?.password}
      />
      <Field
        id="confirm"
        label="New password again"
        type="password"
        autoComplete="new-password"
        error={errors?.confirm}
      />
    </>
  );
}

export function ActivationForm() {
  const [state, action, pending] = useActionState(requestActivationAction, idle);
  return (
    <form action={action} className="card space-y-4" data-testid="activation-form">
      <Field
        id="accountNumber"
        label="Account number"
        hint="On your bill, for example SB-100001."
        error={state.fieldErrors?.accountNumber}
      />
      <Field
        id="email"
        label="Email address on file"
        type="email"
        autoComplete="email"
        error={state.fieldErrors?.email}
      />
      <button type="submit" className="btn-primary" disabled={pending}>
        {pending ? 'Sending…' : 'Send me a link'}
      </button>
      <StatusMessage state={state} testId="activation-message" />
    </form>
  );
}

export function ForgotPasswordForm() {
  const [state, action, pending] = useActionState(requestPasswordResetAction, idle);
  return (
    <form action={action} className="card space-y-4" data-testid="forgot-form">
      <Field id="email" label="Email" type="email" autoComplete="username" error={state.fieldErrors?.email} />
      <button type="submit" className="btn-primary" disabled={pending}>
        {pending ? 'Sending…' : 'Send me a link'}
      </button>
      <StatusMessage state={state} testId="forgot-message" />
    </form>
  );
}

export function SetPasswordForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState(setPasswordAction, idle);
  const next = state.status === 'success' ? state.data?.next : undefined;
  useEffect(() => {
    if (next) window.location.assign(next);
  }, [next]);
  return (
    <form action={action} className="card space-y-4" data-testid="set-password-form">
      <input type="hidden" name="token" value={token} />
      <NewPasswordFields errors={state.fieldErrors} />
      <button type="submit" className="btn-primary" disabled={pending}>
        {pending ? 'Saving…' : 'Set password'}
      </button>
      <StatusMessage state={state} testId="set-password-message" />
    </form>
  );
}

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, idle);
  return (
    <form action={action} className="space-y-4" data-testid="change-password-form">
      <Field
        id="current"
        label="Current password"
        type="password"
        autoComplete="current-password"
        error={state.fieldErrors?.current}
      />
      <NewPasswordFields errors={state.fieldErrors} />
      <button type="submit" className="btn-secondary" disabled={pending}>
        {pending ? 'Changing…' : 'Change password'}
      </button>
      <StatusMessage state={state} testId="change-password-message" />
    </form>
  );
}

export function ResetSecondFactorButton({ userId, name }: { userId: number; name: string }) {
  const [state, action, pending] = useActionState(resetSecondFactorAction, idle);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="userId" value={userId} />
      <button type="submit" className="btn-secondary" disabled={pending} aria-label={`Reset second factor of ${name}`}>
        {pending ? 'Resetting…' : 'Reset second factor'}
      </button>
      <StatusMessage state={state} testId="reset-second-factor-message" />
    </form>
  );
}
