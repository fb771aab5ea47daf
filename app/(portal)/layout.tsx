import { SiteHeader } from '../_components/site-header';

/**
 * The portal's pages (a route group: URLs are unchanged): skip link, site header (who is
 * signed in: it reads the database) and the main landmark. The benchmark's floor page
 * (app/floor) is outside the group and pays for none of it.
 */
export default function PortalLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <SiteHeader />
      <main id="main" className="mx-auto w-full max-w-5xl px-4 py-6 sm:py-8">
        {children}
      </main>
    </>
  );
}
