import { z } from 'zod';
import { moveClock, readClock, testRoutePrincipal } from '@/lib/server/clock-admin';
import { AppError } from '@/lib/server/errors';
import { jsonRoute, readJson } from '@/lib/server/route';

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

const who = testRoutePrincipal;

export async function GET(request: Request) {
  return jsonRoute('clock.get', async () => readClock(await who(request, false)));
}

export async function POST(request: Request) {
  return jsonRoute('clock.post', async () => {
    const principal = await who(request, true);
    const parsed = body.safeParse(await readJson(request));
    if (!parsed.success)
      throw new AppError('invalid', 'Send {"set": ISO date} or {"advanceDays": whole number} or {"reset": true}.');
    return moveClock(principal, parsed.data);
  });
}
