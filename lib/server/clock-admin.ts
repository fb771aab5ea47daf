import 'server-only';
import { config } from '@/lib/config';
import { getActor } from './actor';
import { recordAudit } from './audit';
import { readClockState, writeClockOffset, type ClockState } from './clock';
import { getDb } from './db';
import { AppError } from './errors';
import { queueDailyRun } from './jobs/runner';
import { authorize, TEST_CLOCK_ACTOR, type Principal, type TestClockActor } from './policy';
import { requireSameOrigin, requireSameOriginJson } from './route';

export type ClockCommand = { set: string } | { advanceDays: number } | { reset: true };

const MAX_OFFSET_MS = 20 * 365 * 86_400_000;

/** The clock as an admin or a test suite sees it (admins, or the test-clock token). */
export async function readClock(principal: Principal): Promise<ClockState> {
  const db = await getDb();
  await authorize(principal, 'read_test_clock', {}, { db });
  return readClockState(db);
}

/**
 * Moves the test clock (outside production only; an admin, or a test suite holding the
 * test-clock token). Every instance reads the same offset from the database.
 */
export async function moveClock(principal: Principal, command: ClockCommand): Promise<ClockState> {
  const db = await getDb();
  await authorize(principal, 'move_test_clock', {}, { db });
  if (!config().testClockEnabled) throw new AppError('forbidden', 'The test clock is off in production.');
  const current = await readClockState(db);
  let offset: number;
  if ('reset' in command) offset = 0;
  else if ('set' in command) {
    const at = Date.parse(command.set);
    if (!Number.isFinite(at))
      throw new AppError('invalid', 'Give the time as an ISO date, e.g. 2026-12-01T09:00:00Z.', {
        set: ['Not a date.'],
      });
    offset = at - Date.now();
  } else {
    // Callers other than the form (API, scripts) may pass anything: NaN would be stored as
    // null and silently reset the clock.
    if (typeof command.advanceDays !== 'number' || !Number.isFinite(command.advanceDays)) {
      throw new AppError('invalid', 'Give the number of days to advance the clock by.', {
        advanceDays: ['Not a number of days.'],
      });
    }
    offset = current.offsetMs + command.advanceDays * 86_400_000;
  }
  if (Math.abs(offset) > MAX_OFFSET_MS)
    throw new AppError('invalid', 'The test clock can move at most 20 years from the real time.');
  await writeClockOffset(db, Math.round(offset));
  await recordAudit(db, {
    actor: principal,
    action: 'move_test_clock',
    outcome: 'ok',
    before: { offsetMs: current.offsetMs },
    after: { offsetMs: Math.round(offset) },
  });
  await queueDailyRun(db);
  return readClockState(db);
}

/** A test suite may move the clock with this token instead of an admin session (never in production). */
export function testClockActorFor(token: string | null): TestClockActor | null {
  const c = config();
  const expected = c.testClockToken;
  return c.testClockEnabled && expected !== undefined && token === expected ? TEST_CLOCK_ACTOR : null;
}

/**
 * Who is calling a test route (the test clock, test clocks, test fixtures): a suite holding the
 * test-clock token (header `x-test-clock-token`), or else the signed-in user (the policy
 * module decides what they may do). A cookie-authorised change must come from this site, as
 * JSON (no cross-site form posts).
 */
export async function testRoutePrincipal(request: Request, changes: boolean | 'bodyless'): Promise<Principal> {
  const suite = testClockActorFor(request.headers.get('x-test-clock-token'));
  if (suite) return suite;
  const actor = await getActor();
  if (!actor) throw new AppError('unauthenticated', 'Sign in as an admin, or send the test-clock token.');
  // A change made with the session cookie must come from this site (and, with a body, be JSON).
  if (changes === 'bodyless') requireSameOrigin(request);
  else if (changes) requireSameOriginJson(request);
  return actor;
}

/** The test routes exist outside a deployment only: elsewhere they answer 404, before anything else. */
export function requireTestRoutes(): void {
  if (!config().testClockEnabled) throw new AppError('not_found', 'Not found.');
}
