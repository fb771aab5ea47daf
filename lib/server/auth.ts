import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/db/schema';
import { config } from '@/lib/config';
import { decodeSessionToken, encodeSessionToken, SESSION_MAX_AGE_SECONDS } from '@/lib/session-token';
import { getDb } from './db';
import { log } from './log';
import { hashPassword, verifyPassword } from './passwords';
import { createSession, revokeSession } from './sessions';
import { beginLoginAttempt, clientAddressFrom, finishLoginAttempt, THROTTLE_ERRORS } from './throttle';

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});

/** A real argon2 hash of a random string: unknown accounts cost the same time as known ones. */
let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(`no-such-account-${Math.random()}`);
  return dummyHash;
}

export type Role = 'subscriber' | 'agent' | 'admin';

type SignedInUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  subscriberId: number | null;
  sid: string;
  sv: number;
};

/**
 * next-auth's `req` in authorize() carries the request's headers (no socket): the client
 * address is the X-Forwarded-For that instrumentation.ts rewrote from the socket (see
 * clientAddressFrom), so a client-set header counts only behind TRUST_PROXY.
 */
export async function authorizeCredentials(
  raw: unknown,
  headers: Record<string, unknown>,
): Promise<SignedInUser | null> {
  const parsed = credentialsSchema.safeParse(raw ?? {});
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const clientAddress = clientAddressFrom(headers);
  const db = await getDb();
  // Counted before the password is looked at: N parallel guesses verify at most the limit.
  const attempt = await beginLoginAttempt(db, email, clientAddress);
  if (!attempt.allowed) throw new Error(THROTTLE_ERRORS[attempt.reason]);
  const row = (await db.select().from(users).where(eq(users.email, email)).limit(1))[0];
  let ok = false;
  try {
    ok = await verifyPassword(row?.passwordHash ?? (await getDummyHash()), password);
  } catch (e) {
    log.warn('[auth] password verification failed', e);
  }
  ok = ok && !!row && !row.disabled;
  await finishLoginAttempt(db, attempt.attemptId, ok, { email, clientAddress });
  if (!ok || !row) return null;
  const sid = await createSession(db, row.id);
  return {
    id: String(row.id),
    email: row.email,
    name: row.name,
    role: row.role,
    subscriberId: row.subscriberId,
    sid,
    sv: row.sessionVersion,
  };
}

export const authOptions: NextAuthOptions = {
  secret: config().authSecret,
  // 8 hours from sign-in, not extended by use: the token's exp is fixed at sign-in (lib/session-token.ts).
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
  jwt: { maxAge: SESSION_MAX_AGE_SECONDS, encode: encodeSessionToken, decode: decodeSessionToken },
  pages: { signIn: '/login', error: '/login' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      authorize: (raw, req) => authorizeCredentials(raw, (req?.headers ?? {}) as Record<string, unknown>),
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as SignedInUser;
        token.uid = Number(u.id);
        token.role = u.role;
        token.subscriberId = u.subscriberId;
        token.sid = u.sid;
        token.sv = u.sv;
        token.authAt = Math.floor(Date.now() / 1000);
      }
      return token;
    },
    async session({ session, token }) {
      // What /api/auth/session shows the browser: who, not the session's id or version.
      const s = session as typeof session & { uid?: number; role?: Role; subscriberId?: number | null };
      s.uid = token.uid as number;
      s.role = token.role as Role;
      s.subscriberId = (token.subscriberId as number | null) ?? null;
      return s;
    },
  },
  events: {
    async signOut({ token }) {
      const sid = (token as { sid?: unknown } | null)?.sid;
      if (typeof sid === 'string') await revokeSession(sid);
    },
  },
  // A real deployment only sends the session cookie over HTTPS (and gets __Secure- cookie names).
  useSecureCookies: config().deployment,
};
