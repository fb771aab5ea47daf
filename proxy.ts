import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import { config as appConfig } from './lib/config';
import { decodeSessionToken } from './lib/session-token';

/**
 * Two jobs, both conveniences on top of the server's own checks:
 * 1. Signed-out visitors to portal pages are sent to the login page (every page, server
 *    action and route handler checks session, role and ownership itself).
 * 2. Security headers on every page, with a fresh nonce for Next.js's scripts (CSP), and in a
 *    deployment Strict-Transport-Security.
 *
 * The session check here is the token's own (signature, 8-hour absolute lifetime, session
 * claims: lib/session-token.ts). Whether the session was revoked is known only to the database:
 * a signed-out cookie gets past this point, and the page's own check (lib/server/actor.ts
 * getActor → null) then shows the login page, an API route answers 401.
 */
// /floor (the benchmark's baseline) is a signed-in page like the others and goes through the same check.
// Issue 21: activating online access, "Forgot password" and the one-time link's page are for people not signed in.
const PUBLIC_PAGES = ['/login', '/activate', '/forgot-password', '/set-password'];

function isPublic(pathname: string): boolean {
  // API routes (the portal's JSON, OAuth, the TMF Open APIs) answer 401/403 themselves rather than redirecting.
  return (
    pathname.startsWith('/api/') ||
    pathname.startsWith('/tmf-api/') ||
    PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`))
  );
}

export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? ` 'unsafe-eval'` : ''}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'${dev ? ' ws:' : ''}`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

function withSecurityHeaders(req: NextRequest, res?: NextResponse): NextResponse {
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, appConfig().nextDev);
  const headers = new Headers(req.headers);
  headers.set('x-nonce', nonce);
  // Next.js reads the CSP from the request to put the nonce on its own scripts.
  headers.set('content-security-policy', csp);
  const out = res ?? NextResponse.next({ request: { headers } });
  out.headers.set('content-security-policy', csp);
  // Only a deployment is served over HTTPS; a demo on http://localhost must not pin HSTS.
  if (appConfig().deployment) out.headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
  return out;
}

/**
 * Next.js refuses a server-action body over 1 MB (its default bodySizeLimit) by throwing, which
 * answers 500. Refused here first, with a clear 413, when the declared length says so.
 */
const ACTION_BODY_LIMIT = 1024 * 1024;

export default async function proxy(req: NextRequest): Promise<NextResponse> {
  const { pathname, search } = req.nextUrl;
  if (
    req.method === 'POST' &&
    req.headers.has('next-action') &&
    Number(req.headers.get('content-length') ?? 0) > ACTION_BODY_LIMIT
  ) {
    return withSecurityHeaders(
      req,
      NextResponse.json(
        { error: { code: 'too_large', message: 'The request is too large (at most 1 MB).' } },
        { status: 413 },
      ),
    );
  }
  if (!isPublic(pathname)) {
    const c = appConfig();
    const token = await getToken({ req, secret: c.authSecret, secureCookie: c.deployment, decode: decodeSessionToken });
    if (!token) {
      const login = new URL('/login', req.url);
      login.searchParams.set('callbackUrl', `${pathname}${search}`);
      return withSecurityHeaders(req, NextResponse.redirect(login));
    }
  }
  return withSecurityHeaders(req);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)'],
};
