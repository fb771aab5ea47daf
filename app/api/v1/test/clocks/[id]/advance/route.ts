import { z } from 'zod';
import { requireTestRoutes, testRoutePrincipal } from '@/lib/server/clock-admin';
import { invalidInput } from '@/lib/server/errors';
import { jsonRoute, readJson } from '@/lib/server/route';
import { advanceTestClock, parseClockId } from '@/lib/server/test-clocks';

/**
 * POST /api/v1/test/clocks/{id}/advance { "to": ISO time } — moves the clock forward and, before
 * it answers, runs the rollover, billing and reminders of its subscribers at the new time.
 * → { id, name, frozenTime, today, subscriberIds, periodsClosed, remindersWritten, failed }.
 */
const body = z.object({ to: z.string().min(10).max(40) }).strict();

export async function POST(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return jsonRoute('test.clocks.advance', async () => {
    requireTestRoutes();
    const principal = await testRoutePrincipal(request, true);
    const id = parseClockId((await ctx.params).id);
    const parsed = body.safeParse(await readJson(request));
    if (!parsed.success)
      throw invalidInput(parsed.error, 'Send {"to": ISO time}, e.g. {"to": "2027-01-01T09:00:00Z"}.');
    return advanceTestClock(principal, id, parsed.data);
  });
}
