import 'server-only';
import { createHash, randomInt } from 'node:crypto';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { jobsConfig } from '@/lib/config';
import {
  formatRecoveryCode,
  needsStepUp,
  normalizeRecoveryCode,
  RECOVERY_ALPHABET,
  RECOVERY_CODE_COUNT,
  STEP_UP_MAX_AGE_SECONDS,
  totpCodeOf,
} from '@/lib/domain/accounts';
import type { Actor } from './actor';
import { recordAudit } from './audit';
import { getDb, withTransaction } from './db';
import { AppError } from './errors';
import { authorize } from './policy';

/**
 * The staff second factor (SPEC §11): TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one
 * step of clock drift either way) with the otpauth library, enrolled at first sign-in with a QR
 * code (the qrcode library, as SVG) and the secret as text, and 10 single-use recovery codes
 * (kept as sha256: they are random, 50 bits each, so a slow hash buys nothing).
 *
 * Sign-in (lib/server/auth.ts) asks for the code after the password; no session exists before
 * it passes. A session remembers when its code was last entered (sessions.second_factor_at):
 * applying a lower-priced change now and creating API clients ask again after 10 minutes
 * (`requireRecentSecondFactor`, answered by `stepUp`).
 */

export const STEP_UP_MESSAGE = `For this step, enter a code from your authenticator app again (the last one was over ${STEP_UP_MAX_AGE_SECONDS / 60} minutes ago).`;
const CODE_REFUSED =
  'That code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code.';

export type StaffUserRow = Pick<typeof s.users.$inferSelect, 'id' | 'email' | 'role' | 'totpSecret' | 'totpPending'>;

function totpOf(secret: string, label: string): TOTP {
  return new TOTP({
    issuer: jobsConfig().operatorName,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  });
}

export function verifyTotp(secret: string, code: string): boolean {
  return totpOf(secret, 'check').validate({ token: code, window: 1 }) !== null;
}

const sha256 = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');

/** A typed code checked against the account: its TOTP, or one of its unused recovery codes (used up here). */
export async function checkSecondFactor(db: Queryable, user: StaffUserRow, typed: string): Promise<boolean> {
  if (!user.totpSecret) return false;
  const totp = totpCodeOf(typed);
  if (totp) return verifyTotp(user.totpSecret, totp);
  const normalized = normalizeRecoveryCode(typed);
  if (normalized.length !== 10) return false;
  const used = await db
    .update(s.recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(s.recoveryCodes.userId, user.id),
        eq(s.recoveryCodes.codeHash, sha256(normalized)),
        isNull(s.recoveryCodes.usedAt),
      ),
    )
    .returning({ id: s.recoveryCodes.id });
  if (used.length === 0) return false;
  await recordAudit(db, {
    actor: null,
    action: 'recovery_code_used',
    outcome: 'ok',
    detail: { userId: user.id, email: user.email },
  });
  return true;
}

export interface Enrollment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  recoveryCodes: string[];
}

/**
 * A new secret and recovery codes for a staff member who has not enrolled (called at sign-in,
 * after the password was checked): kept as pending until the first code confirms them.
 */
export async function beginEnrollment(db: Queryable, user: StaffUserRow): Promise<Enrollment> {
  if (user.totpSecret) throw new AppError('conflict', 'This account already has a second factor.');
  const secret = new Secret({ size: 20 }).base32;
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    formatRecoveryCode(Array.from({ length: 10 }, () => randomInt(RECOVERY_ALPHABET.length))),
  );
  await db
    .update(s.users)
    .set({ totpPending: { secret, recoveryHashes: recoveryCodes.map((c) => sha256(normalizeRecoveryCode(c))) } })
    .where(eq(s.users.id, user.id));
  const otpauthUri = totpOf(secret, user.email).toString();
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauthUri, qrSvg, recoveryCodes };
}

/** The first code from the pending secret completes the enrolment: the secret and its recovery codes take effect. */
export async function completeEnrollment(db: Queryable, user: StaffUserRow, typed: string): Promise<boolean> {
  const pending = user.totpPending;
  const code = totpCodeOf(typed);
  if (!pending || !code || !verifyTotp(pending.secret, code)) return false;
  await db
    .update(s.users)
    .set({ totpSecret: pending.secret, totpEnrolledAt: sql`now()`, totpPending: null })
    .where(eq(s.users.id, user.id));
  await db.delete(s.recoveryCodes).where(eq(s.recoveryCodes.userId, user.id));
  await db.insert(s.recoveryCodes).values(pending.recoveryHashes.map((codeHash) => ({ userId: user.id, codeHash })));
  await recordAudit(db, {
    actor: null,
    action: 'second_factor_enrolled',
    outcome: 'ok',
    detail: { userId: user.id, email: user.email },
  });
  return true;
}

/**
 * Before a sensitive step by staff: throws `step_up_required` when this session's code is over
 * 10 minutes old. A caller that is not a person (an API client, the test suite's token: they
 * carry a `kind`) and an actor without a session (loadActor: scripts, tests acting as an
 * account) have nothing to step up and pass.
 */
export function requireRecentSecondFactor(actor: Actor | { kind: string }): void {
  if ('kind' in actor || actor.role === 'subscriber' || actor.session === undefined) return;
  if (needsStepUp(actor.session.secondFactorAgeSeconds)) throw new AppError('step_up_required', STEP_UP_MESSAGE);
}

/** The code asked for by a step-up: checked, and this session's second-factor time moved to now. */
export async function stepUp(actor: Actor, typed: string): Promise<void> {
  if (actor.role === 'subscriber' || !actor.session) return;
  const sessionId = actor.session.id;
  await withTransaction(async (tx) => {
    const user = (await tx.select().from(s.users).where(eq(s.users.id, actor.userId)))[0];
    if (!user || !(await checkSecondFactor(tx, user, typed))) throw new AppError('step_up_required', CODE_REFUSED);
    await tx.update(s.sessions).set({ secondFactorAt: sql`now()` }).where(eq(s.sessions.id, sessionId));
  });
  actor.session.secondFactorAgeSeconds = 0;
}

export interface StaffMemberView {
  userId: number;
  name: string;
  email: string;
  role: 'agent' | 'admin';
  enrolled: boolean;
  recoveryCodesLeft: number;
  isYou: boolean;
}

/** Admin → Staff: every staff member and whether their second factor is set up. */
export async function listStaff(actor: Actor): Promise<StaffMemberView[]> {
  await authorize(actor, 'staff.list', {}, { page: true });
  const db = await getDb();
  const rows = await db
    .select({
      userId: s.users.id,
      name: s.users.name,
      email: s.users.email,
      role: s.users.role,
      enrolled: sql<boolean>`${s.users.totpSecret} is not null`,
      left: sql<number>`(select count(*)::int from recovery_codes r where r.user_id = ${s.users.id} and r.used_at is null)`,
    })
    .from(s.users)
    .where(and(ne(s.users.role, 'subscriber'), eq(s.users.disabled, false)))
    .orderBy(s.users.name);
  return rows.map((r) => ({
    userId: r.userId,
    name: r.name,
    email: r.email,
    role: r.role as 'agent' | 'admin',
    enrolled: r.enrolled,
    recoveryCodesLeft: r.left,
    isYou: r.userId === actor.userId,
  }));
}

/**
 * An admin resets another staff member's second factor (a lost phone): the secret and recovery
 * codes go, every session of theirs ends, and their next sign-in enrols again. Audited.
 */
export async function resetSecondFactor(actor: Actor, userId: number): Promise<{ message: string }> {
  await authorize(actor, 'staff.reset_second_factor');
  if (userId === actor.userId)
    throw new AppError('invalid', "You can't reset your own second factor: ask another admin.");
  return withTransaction(async (tx) => {
    const [target] = await tx
      .update(s.users)
      .set({
        totpSecret: null,
        totpEnrolledAt: null,
        totpPending: null,
        sessionVersion: sql`${s.users.sessionVersion} + 1`,
      })
      .where(and(eq(s.users.id, userId), ne(s.users.role, 'subscriber')))
      .returning({ id: s.users.id, name: s.users.name, email: s.users.email });
    if (!target) throw new AppError('not_found', 'That staff member was not found.');
    await tx.delete(s.recoveryCodes).where(eq(s.recoveryCodes.userId, userId));
    await tx
      .update(s.sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(s.sessions.userId, userId), isNull(s.sessions.revokedAt)));
    await recordAudit(tx, {
      actor,
      action: 'staff.reset_second_factor',
      outcome: 'ok',
      detail: { userId, email: target.email },
    });
    return { message: `${target.name}'s second factor is reset: they set up a new one at their next sign-in.` };
  });
}
