import { notFound } from 'next/navigation';

/**
 * Every URL no route matches lands here, so its 404 is rendered per request inside the portal
 * layout (the site header, and Next.js's scripts carrying this request's CSP nonce), instead of
 * the root not-found page that the build prerenders once: that static HTML carries no nonce, so
 * the nonce CSP blocked its scripts. The root app/not-found.tsx stays header-less on purpose
 * (every page's payload carries it; see there).
 */
export default function Missing(): never {
  notFound();
}
