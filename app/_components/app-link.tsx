import Link from 'next/link';

/**
 * The portal's link: next/link without prefetching. Every page here is dynamic and about one
 * signed-in account, so a prefetch is a full server render per link per page view (the
 * dashboard alone set off 15 of them, 10 database queries, and their decoding on the browser's
 * main thread). Navigation stays client-side; the page is fetched when it is clicked.
 */
export function AppLink(props: React.ComponentProps<typeof Link>) {
  return <Link prefetch={false} {...props} />;
}
