import { AppLink } from '@/app/_components/app-link';
import { getActor } from '@/lib/server/actor';
import { allows } from '@/lib/server/policy';
import { SignOutButton } from './sign-out-button';

export async function SiteHeader() {
  const actor = await getActor().catch(() => null);
  const links =
    actor?.role === 'subscriber'
      ? [
          { href: '/dashboard', label: 'Overview' },
          { href: '/plans', label: 'Plans' },
          { href: '/add-ons', label: 'Add-ons' },
          { href: '/history', label: 'History' },
          { href: '/bills', label: 'Bills' },
          { href: '/account/profile', label: 'Profile' },
        ]
      : actor
        ? [
            ...(allows(actor, 'open_agent_area') ? [{ href: '/agent', label: 'Find a subscriber' }] : []),
            ...(allows(actor, 'view_offer_analytics') ? [{ href: '/admin/analytics', label: 'Offer analytics' }] : []),
            ...(allows(actor, 'api_client.list') ? [{ href: '/admin/api-clients', label: 'API clients' }] : []),
            ...(allows(actor, 'staff.list') ? [{ href: '/admin/staff', label: 'Staff' }] : []),
            ...(allows(actor, 'read_test_clock') ? [{ href: '/admin/clock', label: 'Test clock' }] : []),
            ...(allows(actor, 'view_deliveries')
              ? [
                  { href: '/admin/deliveries', label: 'Deliveries' },
                  { href: '/admin/mail', label: 'Mail' },
                ]
              : []),
          ]
        : [];
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <AppLink href="/" className="text-lg font-bold text-slate-900 no-underline">
          Switchboard
        </AppLink>
        {actor && (
          <nav aria-label="Main" className="flex flex-wrap items-center gap-4 text-sm">
            {links.map((l) => (
              <AppLink key={l.href} href={l.href} className="font-medium">
                {l.label}
              </AppLink>
            ))}
            <AppLink href="/account" className="font-medium">
              Account
            </AppLink>
            <span className="muted" data-testid="signed-in-as">
              {actor.name}
              {actor.role !== 'subscriber' ? ` (${actor.role})` : ''}
            </span>
            <SignOutButton />
          </nav>
        )}
      </div>
    </header>
  );
}
