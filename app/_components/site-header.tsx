import { AppLink } from '@/app/_components/app-link';
import { getActor } from '@/lib/server/actor';
import { allows } from '@/lib/server/policy';
import { type NavItem, NavLinks } from './nav-links';
import { SignOutButton } from './sign-out-button';

/**
 * The header: the name and who is signed in on one row; below it the navigation, one row that
 * scrolls sideways on a narrow phone instead of wrapping into three (issue 15). The current
 * page is marked.
 */
export async function SiteHeader() {
  const actor = await getActor().catch(() => null);
  const links: NavItem[] =
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
            ...(allows(actor, 'catalog.view') ? [{ href: '/admin/catalog', label: 'Catalog' }] : []),
          ]
        : [];
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl items-center justify-between gap-3 px-4 pt-2">
        <AppLink href="/" className="py-1 text-lg font-bold text-slate-900 no-underline">
          Switchboard
        </AppLink>
        {actor && (
          <div className="flex min-w-0 items-center gap-3 text-sm">
            <span className="muted max-w-[40vw] truncate" data-testid="signed-in-as">
              {actor.name}
              {actor.role !== 'subscriber' ? ` (${actor.role})` : ''}
            </span>
            <SignOutButton />
          </div>
        )}
      </div>
      {actor && (
        <nav aria-label="Main" className="mx-auto max-w-5xl overflow-x-auto px-2" data-testid="main-nav" data-scrolls>
          <NavLinks items={[...links, { href: '/account', label: 'Account' }]} />
        </nav>
      )}
    </header>
  );
}
