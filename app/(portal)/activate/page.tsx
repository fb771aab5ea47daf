import type { Metadata } from 'next';
import { AppLink } from '@/app/_components/app-link';
import { ActivationForm } from '@/app/_components/account-forms';

export const metadata: Metadata = { title: 'Activate online access' };

/** SPEC §11: account number and the email on file → a one-time link by email. Says nothing about whether they match. */
export default function ActivatePage() {
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-2 text-2xl font-bold">Activate online access</h1>
      <p className="muted mb-6">
        Enter your account number and the email address we have on file. We send a link to that address to choose a
        password; it works once, for 30 minutes.
      </p>
      <ActivationForm />
      <p className="mt-4 text-sm">
        Already have a password?{' '}
        <AppLink href="/login" className="underline">
          Sign in
        </AppLink>
      </p>
    </div>
  );
}
