import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AppLink } from '@/app/_components/app-link';
import { ChangePasswordForm } from '@/app/_components/account-forms';
import { SignOutEverywhere } from '@/app/_components/sign-out-everywhere';
import { getActor } from '@/lib/server/actor';
import { SESSION_MAX_AGE_SECONDS, STAFF_IDLE_SECONDS } from '@/lib/session-token';

export const metadata: Metadata = { title: 'Your account' };

const ROLE_NAMES = { subscriber: 'Subscriber', agent: 'Support agent', admin: 'Admin' } as const;

/** Who is signed in, and "Sign out everywhere" (every role). */
export default async function AccountPage() {
  const actor = await getActor();
  if (!actor) redirect('/login?callbackUrl=/account');
  const staff = actor.role !== 'subscriber';
  return (
    <div className="mx-auto max-w-2xl">
      <h1 className="mb-4 text-2xl font-bold">Your account</h1>
      <section aria-labelledby="who-heading" className="card mb-6">
        <h2 id="who-heading" className="mb-3 text-lg font-semibold">
          Signed in as
        </h2>
        {/* minmax(0, 1fr) and anywhere-wrapping: a long email (a test fixture's is 42 characters
            without a space) broke out of the card at 360 px. */}
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm [&_dd]:[overflow-wrap:anywhere]">
          <dt className="font-medium">Name</dt>
          <dd data-testid="account-name">{actor.name}</dd>
          <dt className="font-medium">Email</dt>
          <dd data-testid="account-email">{actor.email}</dd>
          <dt className="font-medium">Role</dt>
          <dd data-testid="account-role">{ROLE_NAMES[actor.role]}</dd>
        </dl>
      </section>
      <section aria-labelledby="sessions-heading" className="card">
        <h2 id="sessions-heading" className="mb-2 text-lg font-semibold">
          Sessions
        </h2>
        <p className="mb-2 text-sm">
          A sign-in lasts at most {SESSION_MAX_AGE_SECONDS / 3600} hours
          {staff ? `, and a staff session ends after ${STAFF_IDLE_SECONDS / 60} minutes without use` : ''}. Signing out
          ends this browser&apos;s session at once.
        </p>
        <p className="mb-4 text-sm">
          If you signed in somewhere you no longer trust, or left a session open on another device, sign out everywhere:
          every session of this account ends, this one included.
        </p>
        <SignOutEverywhere />
      </section>
      <section aria-labelledby="password-heading" className="card mt-6">
        <h2 id="password-heading" className="mb-2 text-lg font-semibold">
          Change password
        </h2>
        <p className="mb-4 text-sm">
          Changing your password signs out every other session of this account; this one stays.
        </p>
        <ChangePasswordForm />
      </section>
      {!staff && (
        <section aria-labelledby="emails-heading" className="card mt-6">
          <h2 id="emails-heading" className="mb-2 text-lg font-semibold">
            Offer emails
          </h2>
          <p className="text-sm">
            Whether we may email you offers is your choice, on your{' '}
            <AppLink href="/account/profile" className="underline">
              profile
            </AppLink>
            . Service messages (changes, bills, sign-in links) always go.
          </p>
        </section>
      )}
    </div>
  );
}
