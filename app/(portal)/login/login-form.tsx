'use client';
import { signIn } from 'next-auth/react';
import { useRef, useState } from 'react';
import { startEnrollmentAction } from '@/app/_actions/accounts';
import { idle } from '@/lib/contracts/action-state';

/** What the enrolment step shows (lib/server/second-factor.ts Enrollment). */
type Enrollment = { secret: string; otpauthUri: string; qrSvg: string; recoveryCodes: string[] };

type Step = { kind: 'password' } | { kind: 'code' } | { kind: 'enroll'; enrollment: Enrollment };

const MESSAGES: Record<string, string> = {
  throttled:
    'Too many failed sign-in attempts from here. For your security, sign-in from this address is paused for 15 minutes.',
  address_throttled:
    'Too many failed sign-in attempts from here. For your security, sign-in from this address is paused for 15 minutes.',
  account_locked:
    'This account has had too many failed sign-in attempts from several places, so sign-in to it is paused for 15 minutes. If that was not you, contact support.',
  second_factor_invalid:
    'That code is not right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes.',
};
const WRONG = 'That email and password combination is not right. Check both and try again.';

/**
 * Sign-in: email and password; for staff (issue 21) then the authenticator code, or at the
 * first sign-in the enrolment (QR code, the secret as text, 10 recovery codes) and its first
 * code. No session exists until the code passes: each step sends the password again to
 * next-auth's credentials sign-in, which checks both.
 */
export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const creds = useRef({ email: '', password: '' });

  async function enroll() {
    const fd = new FormData();
    fd.set('email', creds.current.email);
    fd.set('password', creds.current.password);
    const r = await startEnrollmentAction(idle, fd);
    if (r.status === 'success' && r.data) {
      setStep({ kind: 'enroll', enrollment: r.data });
      setError(null);
    } else setError(r.message || WRONG);
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    if (step.kind === 'password') {
      creds.current = {
        email: String(form.get('email') ?? '').trim(),
        password: String(form.get('password') ?? ''),
      };
    }
    const { email, password } = creds.current;
    const code = step.kind === 'password' ? undefined : String(form.get('code') ?? '').trim();
    if (!email || !password) {
      setError('Enter your email and password.');
      return;
    }
    if (code !== undefined && !code) {
      setError('Enter the code from your authenticator app.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      const res = await signIn('credentials', { email, password, ...(code ? { code } : {}), redirect: false });
      if (!res || res.error) {
        if (res?.error === 'second_factor_required') {
          setStep({ kind: 'code' });
        } else if (res?.error === 'second_factor_enroll') {
          await enroll();
        } else {
          setError(MESSAGES[res?.error ?? ''] ?? WRONG);
          if (res?.error !== 'second_factor_invalid') setStep({ kind: 'password' });
        }
        setPending(false);
        return;
      }
      window.location.assign(callbackUrl);
    } catch {
      setError('Sign-in is not available right now. Please try again in a moment.');
      setPending(false);
    }
  }

  const errorBox = error && (
    <p
      id="login-error"
      role="alert"
      className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900"
      data-testid="login-error"
    >
      {error}
    </p>
  );

  if (step.kind !== 'password') {
    return (
      <form
        onSubmit={onSubmit}
        className="card space-y-4"
        noValidate
        aria-describedby={error ? 'login-error' : undefined}
        data-testid="second-factor-form"
      >
        {step.kind === 'enroll' ? (
          <EnrollmentPanel enrollment={step.enrollment} />
        ) : (
          <p className="text-sm">
            Staff accounts sign in with a second factor. Enter the 6-digit code your authenticator app shows for
            Switchboard. Lost your phone? Enter one of your recovery codes instead (each works once).
          </p>
        )}
        <div>
          <label htmlFor="code" className="label">
            Authenticator code
          </label>
          <input
            id="code"
            name="code"
            type="text"
            inputMode="text"
            autoComplete="one-time-code"
            required
            className="field"
            // biome-ignore lint/a11y/noAutofocus: the only field of this step, right after the password step
            autoFocus
          />
        </div>
        {errorBox}
        <button type="submit" className="btn-primary w-full" disabled={pending}>
          {pending ? 'Checking…' : step.kind === 'enroll' ? 'Confirm and sign in' : 'Verify and sign in'}
        </button>
      </form>
    );
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
      {errorBox}
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function EnrollmentPanel({ enrollment }: { enrollment: Enrollment }) {
  return (
    <div className="space-y-3 text-sm" data-testid="enrollment">
      <h2 className="text-lg font-semibold">Set up your second factor</h2>
      <p>
        Staff accounts sign in with a code from an authenticator app. Scan this QR code with the app (or type the secret
        below into it), then enter the code it shows.
      </p>
      <div
        role="img"
        aria-label="QR code of your authenticator secret"
        className="mx-auto w-48"
        // The SVG is made on the server by the qrcode library from our own otpauth URI: no outside input.
        // biome-ignore lint/security/noDangerouslySetInnerHtml: generated SVG, see above
        dangerouslySetInnerHTML={{ __html: enrollment.qrSvg }}
      />
      <p>
        Secret:{' '}
        <code className="font-mono break-all" data-testid="totp-secret">
          {enrollment.secret}
        </code>
      </p>
      <div>
        <p className="font-medium">Recovery codes</p>
        <p>
          Each works once, in place of a code, if you lose your phone. They are shown only now: save them somewhere
          safe.
        </p>
        <ul className="mt-2 grid grid-cols-2 gap-1 font-mono" data-testid="recovery-codes">
          {enrollment.recoveryCodes.map((c) => (
            <li key={c} data-testid="recovery-code">
              {c}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
