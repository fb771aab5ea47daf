import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getActor } from '@/lib/server/actor';
import { AppLink } from '@/app/_components/app-link';
import { SetPasswordForm } from '@/app/_components/account-forms';
import { LINK_INVALID_MESSAGE, linkPurpose } from '@/lib/server/account-links';

export const metadata: Metadata = { title: 'Choose a password' };

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** The one-time link's page: the form while the link is usable (opening it uses nothing up), else why not. */
export default async function SetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' && TOKEN.test(raw) ? raw : null;
  const purpose = token ? await linkPurpose(token) : null;
  // Just used by this browser (the action signed the subscriber in and re-renders this page): go home.
  if (!purpose && (await getActor().catch(() => null))) redirect('/');
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-2 text-2xl font-bold">
        {purpose === 'activate' ? 'Choose your password' : 'Choose a new password'}
      </h1>
      {token && purpose ? (
        <SetPasswordForm token={token} />
      ) : (
        <div className="card space-y-3" data-testid="link-invalid">
          <p role="alert">{LINK_INVALID_MESSAGE}</p>
          <p className="text-sm">
            <AppLink href="/forgot-password" className="underline">
              Forgot password
            </AppLink>{' '}
            ·{' '}
            <AppLink href="/activate" className="underline">
              Activate online access
            </AppLink>
          </p>
        </div>
      )}
    </div>
  );
}
