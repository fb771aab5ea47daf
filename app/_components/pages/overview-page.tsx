import { orNotFound, resolvePageSubject } from '@/app/_lib/page';
import { getDashboard } from '@/lib/server/dashboard';
import { AccountOverview } from '../account-overview';
import { OffersSection } from '../offers-section';
import { PendingChange } from '../pending-change';

export async function OverviewPage({ subscriberParam }: { subscriberParam?: string }) {
  const { actor, subscriberId, base, staff } = await resolvePageSubject(subscriberParam);
  const { view, offers } = await orNotFound(() => getDashboard(actor, subscriberId));
  return (
    <>
      <h1 className="mb-1 text-2xl font-bold">{staff ? view.name : `Hello, ${view.name.split(' ')[0]}`}</h1>
      <p className="muted mb-6 text-sm">
        Account <span data-testid="account-number">{view.accountNumber}</span> ·{' '}
        <span data-testid="phone" className="whitespace-nowrap">
          {view.phone ?? 'no phone number on file'}
        </span>
      </p>
      <div className="grid gap-5">
        <PendingChange view={view} staff={staff} />
        <AccountOverview view={view} staff={staff} />
        <OffersSection result={offers} subscriberId={subscriberId} base={base} staff={staff} />
      </div>
    </>
  );
}
