import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getActor } from '@/lib/server/actor';
import { loadSubscriberContext } from '@/lib/server/context';
import { buildDashboard } from '@/lib/server/dashboard';
import { AccountOverview } from '@/app/_components/account-overview';

export const metadata: Metadata = { title: 'Overview' };

export default async function DashboardPage() {
  const actor = await getActor();
  if (!actor) redirect('/login?callbackUrl=/dashboard');
  if (actor.role !== 'subscriber' || actor.subscriberId === null) redirect('/agent');
  const { catalog, state } = await loadSubscriberContext(actor, actor.subscriberId, 'view_dashboard');
  const view = buildDashboard(catalog, state, actor.today, actor.userId);
  return (
    <>
      <h1 className="mb-1 text-2xl font-bold">Hello, {view.name.split(' ')[0]}</h1>
      <p className="muted mb-6 text-sm">
        Account <span data-testid="account-number">{view.accountNumber}</span> · {view.phone}
      </p>
      <AccountOverview view={view} />
    </>
  );
}
