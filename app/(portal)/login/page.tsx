import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getActor } from '@/lib/server/actor';
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
      <LoginForm callbackUrl={callbackUrl} />
    </div>
  );
}
