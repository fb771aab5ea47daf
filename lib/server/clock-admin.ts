import 'server-only';
import { auditEvents } from '@/db/schema';
import { config } from '@/lib/config';
import { requireRole, type Actor } from './actor';
import { readClockState, writeClockOffset, type ClockState } from './clock';
import { getDb } from './db';
import { AppError } from './errors';
import { queueDailyRun } from './jobs/runner';

export type ClockCommand = { set: string } | { advanceDays: number } | { reset: true };

const MAX_OFFSET_MS = 20 * 365 * 86_400_000;

/**
 * Moves the test clock (outside production only; an admin, or a test suite holding the
 * test-clock token). Every instance reads the same offset from the database.
 */
export async function moveClock(actor: Actor | 'test-token', command: ClockCommand): Promise<ClockState> {
  const db = await getDb();
  if (actor !== 'test-token') await requireRole(db, actor, ['admin'], 'move_test_clock');
  if (!config().testClockEnabled) throw new AppError('forbidden', 'The test clock is off in production.');
  const current = await readClockState(db);
  let offset: number;
  if ('reset' in command) offset = 0;
  else if ('set' in command) {
    const at = Date.parse(command.set);
    if (!Number.isFinite(at)) throw new AppError('invalid', 'Give the time as an ISO date, e.g. 2026-12-01T09:00:00Z.', { set: ['Not a date.'] });
    offset = at - Date.now();
  } else {
    // Callers other than the form (API, scripts) may pass anything: NaN would be stored as
    // null and silently reset the clock.
    if (typeof command.advanceDays !== 'number' || !Number.isFinite(command.advanceDays)) {
      throw new AppError('invalid', 'Give the number of days to advance the clock by.', { advanceDays: ['Not a number of days.'] });
    }
    offset = current.offsetMs + command.advanceDays * 86_400_000;
  }
  if (Math.abs(offset) > MAX_OFFSET_MS) throw new AppError('invalid', 'The test clock can move at most 20 years from the real time.');
  await writeClockOffset(db, Math.round(offset));
  await db.insert(auditEvents).values({
    actorUserId: actor === 'test-token' ? null : actor.userId,
    actorRole: actor === 'test-token' ? 'test-suite' : actor.role,
    action: 'move_test_clock',
    outcome: 'ok',
    before: { offsetMs: current.offsetMs },
    after: { offsetMs: Math.round(offset) },
  });
  await queueDailyRun(db);
  return readClockState(db);
}

/** A test suite may move the clock with this token instead of an admin session (never in production). */
export function testClockTokenMatches(token: string | null): boolean {
  const expected = process.env.SWITCHBOARD_TEST_CLOCK_TOKEN;
  return config().testClockEnabled && !!expected && expected.length >= 16 && token === expected;
}
