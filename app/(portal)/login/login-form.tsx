'use client';
import { signIn } from 'next-auth/react';
import { useState } from 'react';

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      setError('Enter your email and password.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      const res = await signIn('credentials', { email, password, redirect: false });
      if (!res || res.error) {
        setError(
          res?.error === 'throttled' || res?.error === 'address_throttled'
            ? 'Too many failed sign-in attempts from here. For your security, sign-in from this address is paused for 15 minutes.'
            : res?.error === 'account_locked'
              ? 'This account has had too many failed sign-in attempts from several places, so sign-in to it is paused for 15 minutes. If that was not you, contact support.'
              : 'That email and password combination is not right. Check both and try again.',
        );
        setPending(false);
        return;
      }
      window.location.assign(callbackUrl);
    } catch {
      setError('Sign-in is not available right now. Please try again in a moment.');
      setPending(false);
    }
  }

  return (
    <form
      onSubmit={onSubmit}
      className="card space-y-4"
      noValidate
      aria-describedby={error ? 'login-error' : undefined}
    >
      <div>
        <label htmlFor="email" className="label">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required className="field" />
      </div>
      <div>
        <label htmlFor="password" className="label">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="field"
        />
      </div>
      {error && (
        <p
          id="login-error"
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900"
          data-testid="login-error"
        >
          {error}
        </p>
      )}
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
