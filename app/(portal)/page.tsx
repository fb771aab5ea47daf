import { redirect } from 'next/navigation';
import { getActor } from '@/lib/server/actor';

export default async function Home() {
  const actor = await getActor();
  if (!actor) redirect('/login');
  redirect(actor.role === 'subscriber' ? '/dashboard' : '/agent');
}
