'use client';
import { useActionState, useEffect } from 'react';
import { signOutEverywhereAction } from '@/app/_actions/account';
import { idle } from '@/lib/contracts/action-state';
import { StatusMessage } from './status-message';

/** Ends every session of the account (other browsers and devices too), then opens the login page. */
export function SignOutEverywhere() {
  const [state, action, pending] = useActionState(signOutEverywhereAction, idle);
  useEffect(() => {
    if (state.status === 'success') window.location.assign('/login');
  }, [state.status]);
  return (
    <form action={action} className="space-y-3" data-testid="sign-out-everywhere-form">
      <button type="submit" className="btn-secondary" disabled={pending} aria-disabled={pending}>
        {pending ? 'Signing out everywhere…' : 'Sign out everywhere'}
      </button>
      <StatusMessage state={state} testId="sign-out-everywhere-message" />
    </form>
  );
}
