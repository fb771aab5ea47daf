import { withAuth } from 'next-auth/middleware';
import { config as appConfig } from './lib/config';

/**
 * Convenience only: signed-out visitors are sent to the login page. Every page, server
 * action and route handler checks the session, role and ownership itself.
 */
export default withAuth({
  pages: { signIn: '/login' },
  secret: appConfig().authSecret,
});

export const config = {
  matcher: ['/((?!login|api/|_next/|favicon.ico|robots.txt).*)'],
};
