import { redirect } from 'next/navigation';
import { homeOf } from '@/app/_lib/urls';
import { getActor } from '@/lib/server/actor';

export default async function Home() {
  const actor = await getActor();
  if (!actor) redirect('/login');
  redirect(homeOf(actor.role));
}
