/**
 * The session token (next-auth's encrypted JWT), with an absolute lifetime: a token carries
 * `authAt` (sign-in time, seconds) and its `exp` is always authAt + 8 h, however often
 * next-auth re-issues it (/api/auth/session re-encodes the token on every call; with the
 * default encoder that moved `exp` forward each time). A token older than 8 h, or without the
 * session claims (`sid`, `sv`), decodes to nothing: signed out.
 *
 * Imported by the sign-in proxy (proxy.ts), so no database and no server-only here; the
 * revocation checks (session row, session version) are lib/server/actor.ts's, per request.
 */
import {
  decode as jwtDecode,
  encode as jwtEncode,
  type JWT,
  type JWTDecodeParams,
  type JWTEncodeParams,
} from 'next-auth/jwt';

/** Absolute session lifetime: 8 hours from sign-in. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
/** Staff sessions end after 30 minutes without a request. */
export const STAFF_IDLE_SECONDS = 30 * 60;

export interface SessionClaims {
  uid: number;
  /** The session row (lib/server/sessions.ts); revoked by sign-out. */
  sid: string;
  /** The account's session version when the token was issued. */
  sv: number;
  /** Sign-in time, seconds since the epoch. */
  authAt: number;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export function sessionClaims(token: JWT | null | undefined): SessionClaims | null {
  if (!token) return null;
  const { uid, sid, sv, authAt } = token as Record<string, unknown>;
  if (typeof uid !== 'number' || !Number.isInteger(uid) || uid < 1) return null;
  if (typeof sid !== 'string' || sid.length < 16 || sid.length > 64) return null;
  if (typeof sv !== 'number' || !Number.isInteger(sv)) return null;
  if (typeof authAt !== 'number' || !Number.isFinite(authAt)) return null;
  const age = nowSeconds() - authAt;
  if (age > SESSION_MAX_AGE_SECONDS || age < -60) return null;
  return { uid, sid, sv, authAt };
}

export async function encodeSessionToken(params: JWTEncodeParams): Promise<string> {
  const authAt = (params.token as { authAt?: unknown } | undefined)?.authAt;
  const remaining =
    typeof authAt === 'number' ? authAt + SESSION_MAX_AGE_SECONDS - nowSeconds() : SESSION_MAX_AGE_SECONDS;
  // Never longer than what is left of the 8 hours (at least 1 s: jose wants a positive lifetime).
  return jwtEncode({ ...params, maxAge: Math.max(1, Math.min(remaining, SESSION_MAX_AGE_SECONDS)) });
}

/** The token if it decrypts, is unexpired and carries valid session claims; otherwise null (never throws). */
export async function decodeSessionToken(params: JWTDecodeParams): Promise<JWT | null> {
  try {
    const token = await jwtDecode(params);
    return sessionClaims(token) ? token : null;
  } catch {
    // Not ours (another secret, a forged or truncated token): simply not signed in.
    return null;
  }
}

/** The cookie next-auth keeps the session in (the __Secure- name over HTTPS in a deployment). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Secure-next-auth.session-token' : 'next-auth.session-token';
}
