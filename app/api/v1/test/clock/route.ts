import { z } from 'zod';
import { getActor, requireRole } from '@/lib/server/actor';
import { moveClock, testClockTokenMatches } from '@/lib/server/clock-admin';
import { readClockState } from '@/lib/server/clock';
import { getDb } from '@/lib/server/db';
import { AppError } from '@/lib/server/errors';
import { jsonRoute, readJson, requireSameOriginJson } from '@/lib/server/route';

/**
 * The test clock for UI test suites (never in production):
 *   GET  → { enabled, now, offsetMs }
 *   POST { "set": "2026-12-01T09:00:00Z" } | { "advanceDays": 5 } | { "reset": true }
 * Allowed for an admin session, or with header `x-test-clock-token: $SWITCHBOARD_TEST_CLOCK_TOKEN`.
 */
const body = z.union([
  z.object({ set: z.string().min(10).max(40) }).strict(),
  z.object({ advanceDays: z.number().int().min(-3650).max(3650) }).strict(),
  z.object({ reset: z.literal(true) }).strict(),
]);

async function who(request: Request, changes: boolean) {
  if (testClockTokenMatches(request.headers.get('x-test-clock-token'))) return 'test-token' as const;
  // Cookie-authorised: a change must come from this site, as JSON (no cross-site form posts).
  if (changes) requireSameOriginJson(request);
  const actor = await getActor();
  if (!actor) throw new AppError('unauthenticated', 'Sign in as an admin, or send the test-clock token.');
  return actor;
}

export async function GET(request: Request) {
  return jsonRoute('clock.get', async () => {
    const actor = await who(request, false);
    const db = await getDb();
    if (actor !== 'test-token') await requireRole(db, actor, ['admin'], 'read_test_clock');
    return readClockState(db);
  });
}

export async function POST(request: Request) {
  return jsonRoute('clock.post', async () => {
    const actor = await who(request, true);
    const parsed = body.safeParse(await readJson(request));
    if (!parsed.success) throw new AppError('invalid', 'Send {"set": ISO date} or {"advanceDays": whole number} or {"reset": true}.');
    return moveClock(actor, parsed.data as never);
  });
}
