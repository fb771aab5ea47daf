'use client';
import { useState } from 'react';

/**
 * Signs out through next-auth's own endpoint (CSRF token first, then POST /api/auth/signout),
 * then opens the login page. Two plain fetches instead of next-auth/react's signOut(): that
 * library is ~12 KiB of gzipped JavaScript on every portal page, for a button (no page here
 * uses its session hooks).
 */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);
  async function signOut() {
    setPending(true);
    setFailed(false);
    try {
      const csrf = await fetch('/api/auth/csrf', { cache: 'no-store' });
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const res = await fetch('/api/auth/signout', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrfToken, callbackUrl: '/login', json: 'true' }),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      window.location.href = '/login';
    } catch {
      setPending(false);
      setFailed(true);
    }
  }
  return (
    <>
      <button
        type="button"
        className="btn-secondary shrink-0 whitespace-nowrap"
        disabled={pending}
        onClick={() => void signOut()}
      >
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
      {failed && (
        <span role="alert" className="text-sm text-red-800">
          Could not sign out. Please try again.
        </span>
      )}
    </>
  );
}
