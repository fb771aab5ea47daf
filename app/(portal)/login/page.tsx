import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getActor } from '@/lib/server/actor';
import { AppLink } from '@/app/_components/app-link';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

/** Only same-site relative paths are followed after sign-in. */
function safeCallback(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')
    ? value
    : '/';
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  if (await getActor().catch(() => null)) redirect('/');
  const raw = params.callbackUrl;
  let callbackUrl = '/';
  if (typeof raw === 'string') {
    try {
      const u = new URL(raw, 'http://local');
      callbackUrl =
        u.origin === 'http://local' ? safeCallback(u.pathname + u.search) : safeCallback(new URL(raw).pathname);
    } catch {
      callbackUrl = '/';
    }
  }
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-2 text-2xl font-bold">Sign in to Switchboard</h1>
      <p className="muted mb-6">See your plan and usage, and change your plan yourself.</p>
      {params.passwordSet === '1' && (
        <p
          role="status"
          className="mb-4 rounded-lg border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900"
        >
          Your password is set. Sign in with it (and your authenticator code).
        </p>
      )}
      <LoginForm callbackUrl={callbackUrl} />
      <p className="mt-4 text-sm">
        <AppLink href="/forgot-password" className="underline">
          Forgot your password?
        </AppLink>
      </p>
      <p className="mt-1 text-sm">
        A subscriber without a password yet?{' '}
        <AppLink href="/activate" className="underline">
          Activate online access
        </AppLink>
      </p>
    </div>
  );
}
