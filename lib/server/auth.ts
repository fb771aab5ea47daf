import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/db/schema';
import { config } from '@/lib/config';
import { decodeSessionToken, encodeSessionToken, SESSION_MAX_AGE_SECONDS } from '@/lib/session-token';
import type { Db } from '@/db/client';
import { getDb } from './db';
import { AppError } from './errors';
import { beginEnrollment, checkSecondFactor, completeEnrollment, type Enrollment } from './second-factor';
import { log } from './log';
import { hashPassword, verifyPassword } from './passwords';
import { createSession, revokeSession } from './sessions';
import { beginLoginAttempt, clientAddressFrom, finishLoginAttempt, THROTTLE_ERRORS } from './throttle';

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
  /** Staff: the authenticator code or a recovery code (issue 21); absent on the first step. */
  code: z.string().trim().max(64).optional(),
});

/**
 * What the sign-in form is told after a right password for staff (authorize() throws the code;
 * next-auth passes it to the form as `error`): no session exists until the second factor passes.
 */
export const SECOND_FACTOR_ERRORS = {
  required: 'second_factor_required',
  enroll: 'second_factor_enroll',
  invalid: 'second_factor_invalid',
} as const;

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
  const code = parsed.data.code || undefined;
  const clientAddress = clientAddressFrom(headers);
  const db = await getDb();
  const row = await checkPasswordThrottled(db, email, password, clientAddress);
  if (!row) return null;
  let secondFactorAt: 'now' | null = null;
  if (row.role !== 'subscriber') {
    // Staff: password, then the second factor. A right password alone gives no session.
    if (code === undefined)
      throw new Error(row.totpSecret ? SECOND_FACTOR_ERRORS.required : SECOND_FACTOR_ERRORS.enroll);
    const passed = row.totpSecret ? await checkSecondFactor(db, row, code) : await completeEnrollment(db, row, code);
    if (!passed) {
      // A wrong code counts as a failed attempt (the throttle stops code guessing as it stops password guessing).
      await recordFailedCode(db, email, clientAddress);
      throw new Error(SECOND_FACTOR_ERRORS.invalid);
    }
    secondFactorAt = 'now';
  }
  const sid = await createSession(db, row.id, { secondFactorAt });
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

/**
 * The password step, throttled (counted before the password is looked at: N parallel guesses
 * verify at most the limit). A right password for staff who will still give a code counts as
 * a success here; a wrong code is then counted by recordFailedCode.
 */
export async function checkPasswordThrottled(
  db: Db,
  email: string,
  password: string,
  clientAddress: string,
): Promise<typeof users.$inferSelect | null> {
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
  return ok && row ? row : null;
}

async function recordFailedCode(db: Db, email: string, clientAddress: string): Promise<void> {
  const attempt = await beginLoginAttempt(db, email, clientAddress);
  if (attempt.allowed) await finishLoginAttempt(db, attempt.attemptId, false, { email, clientAddress });
}

/**
 * Enrolment at first sign-in (the form calls this after `second_factor_enroll`): the password
 * is checked again, like a sign-in, and a new secret, its QR code and 10 recovery codes are
 * returned for the person to save; the first code from the app then signs them in.
 */
export async function startEnrollment(
  input: { email: string; password: string },
  headers: Headers,
): Promise<Enrollment> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) throw new AppError('invalid', 'Enter your email and password.');
  const db = await getDb();
  let row: typeof users.$inferSelect | null;
  try {
    row = await checkPasswordThrottled(db, parsed.data.email, parsed.data.password, clientAddressFrom(headers));
  } catch {
    throw new AppError('throttled', 'Too many sign-in attempts from here. Wait 15 minutes and try again.');
  }
  if (!row || row.role === 'subscriber' || row.totpSecret)
    throw new AppError('invalid', 'That email and password combination is not right. Sign in again.');
  return beginEnrollment(db, row);
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
      credentials: {
        email: { label: 'Email', type: 'email' },
        password: { label: 'Password', type: 'password' },
        code: { label: 'Authenticator code', type: 'text' },
      },
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
