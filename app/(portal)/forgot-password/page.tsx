import type { Metadata } from 'next';
import { AppLink } from '@/app/_components/app-link';
import { ForgotPasswordForm } from '@/app/_components/account-forms';

export const metadata: Metadata = { title: 'Forgot password' };

/** SPEC §11: the sign-in email → a one-time link to choose a new password. Says nothing about whether it has an account. */
export default function ForgotPasswordPage() {
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-2 text-2xl font-bold">Forgot your password?</h1>
      <p className="muted mb-6">
        Enter the email address you sign in with. We send a link to choose a new password; it works once, for 30
        minutes.
      </p>
      <ForgotPasswordForm />
      <p className="mt-4 text-sm">
        <AppLink href="/login" className="underline">
          Back to sign-in
        </AppLink>
      </p>
    </div>
  );
}
