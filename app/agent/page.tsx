import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getActor } from '@/lib/server/actor';

export const metadata: Metadata = { title: 'Agent home' };

export default async function AgentHome() {
  const actor = await getActor();
  if (!actor) redirect('/login?callbackUrl=/agent');
  if (actor.role === 'subscriber') redirect('/dashboard');
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Agent home</h1>
      <p className="muted">Signed in as {actor.name} ({actor.role}).</p>
    </>
  );
}
