import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { hash, verify } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/db/schema';
import { config } from '@/lib/config';
import { getDb } from './db';
import { log } from './log';
import { checkLoginThrottle, recordLoginAttempt, clientAddressFrom } from './throttle';

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});

/** A real argon2 hash of a random string: unknown accounts cost the same time as known ones. */
let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  dummyHash ??= hash(`no-such-account-${Math.random()}`);
  return dummyHash;
}

export type Role = 'subscriber' | 'agent' | 'admin';

export const authOptions: NextAuthOptions = {
  secret: config().authSecret,
  session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
  pages: { signIn: '/login', error: '/login' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw, req) {
        const parsed = credentialsSchema.safeParse(raw ?? {});
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const clientAddress = clientAddressFrom(req?.headers ?? {});
        const db = await getDb();
        const throttled = await checkLoginThrottle(db, email, clientAddress);
        if (throttled) throw new Error('throttled');
        const row = (await db.select().from(users).where(eq(users.email, email)).limit(1))[0];
        let ok = false;
        try {
          ok = await verify(row?.passwordHash ?? (await getDummyHash()), password);
        } catch (e) {
          log.warn('[auth] password verification failed', e);
        }
        ok = ok && !!row && !row.disabled;
        await recordLoginAttempt(db, email, clientAddress, ok);
        if (!ok || !row) return null;
        return { id: String(row.id), email: row.email, name: row.name, role: row.role, subscriberId: row.subscriberId };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as { id: string; role: Role; subscriberId: number | null };
        token.uid = Number(u.id);
        token.role = u.role;
        token.subscriberId = u.subscriberId;
      }
      return token;
    },
    async session({ session, token }) {
      const s = session as typeof session & { uid?: number; role?: Role; subscriberId?: number | null };
      s.uid = token.uid as number;
      s.role = token.role as Role;
      s.subscriberId = (token.subscriberId as number | null) ?? null;
      return s;
    },
  },
  // A real deployment only sends the session cookie over HTTPS (and gets __Secure- cookie names).
  useSecureCookies: config().env === 'production',
};
