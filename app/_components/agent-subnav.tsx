'use client';
import { AppLink } from '@/app/_components/app-link';
import { usePathname } from 'next/navigation';

/** The sub-navigation of an account opened by an agent; the current page is marked for screen readers too. */
export function AgentSubnav({ base, label }: { base: string; label: string }) {
  const pathname = usePathname();
  const items = [
    { href: base, label: 'Overview' },
    { href: `${base}/plans`, label: 'Plans' },
    { href: `${base}/add-ons`, label: 'Add-ons' },
    { href: `${base}/history`, label: 'History' },
    { href: `${base}/bills`, label: 'Bills' },
    { href: `${base}/audit`, label: 'Audit trail & notes' },
  ];
  return (
    <nav aria-label={label} className="mb-6 border-b border-slate-200" data-testid="agent-subnav">
      <ul className="-mb-px flex flex-wrap gap-1 text-sm">
        {items.map((i) => {
          const current = pathname === i.href;
          return (
            <li key={i.href}>
              <AppLink
                href={i.href}
                aria-current={current ? 'page' : undefined}
                className={`inline-block border-b-2 px-3 py-2 font-medium no-underline hover:no-underline ${current ? 'border-blue-700 text-slate-900' : 'border-transparent text-blue-800 hover:border-slate-300'}`}
              >
                {i.label}
              </AppLink>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
