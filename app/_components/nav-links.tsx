'use client';
import Link, { useLinkStatus } from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavItem {
  href: string;
  label: string;
}

/** A small spinner while the link's page loads (next/link's useLinkStatus), so a slow click shows something at once. */
export function LinkPending() {
  const { pending } = useLinkStatus();
  return (
    <span
      aria-hidden="true"
      data-testid={pending ? 'link-pending' : undefined}
      className={`ml-1 inline-block h-3 w-3 rounded-full border-2 border-current border-r-transparent align-[-1px] ${pending ? 'animate-spin opacity-100' : 'opacity-0'}`}
    />
  );
}

/**
 * Whether a nav item is the page being shown: its own path, or a page below it
 * ("/admin/analytics" for itself; "/agent/subscribers/7/plans" under "Find a subscriber").
 * "/account" is not current on "/account/profile", which has its own item.
 */
export function isCurrent(pathname: string, href: string, all: readonly string[]): boolean {
  if (pathname === href) return true;
  if (!pathname.startsWith(`${href}/`)) return false;
  return !all.some((other) => other !== href && other.startsWith(`${href}/`) && pathname.startsWith(other));
}

/** The main navigation's links: the current page marked (aria-current and a bar), each with a pending sign. */
export function NavLinks({ items }: { items: readonly NavItem[] }) {
  const pathname = usePathname();
  const hrefs = items.map((i) => i.href);
  return (
    <ul className="flex gap-1 text-sm">
      {items.map((i) => {
        const current = isCurrent(pathname, i.href, hrefs);
        return (
          <li key={i.href} className="shrink-0">
            <Link
              prefetch={false}
              href={i.href}
              aria-current={current ? 'page' : undefined}
              className={`inline-flex items-center whitespace-nowrap border-b-2 px-2 py-2 font-medium no-underline hover:no-underline ${current ? 'border-blue-700 text-slate-900' : 'border-transparent text-blue-800 hover:border-slate-300'}`}
            >
              {i.label}
              <LinkPending />
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
