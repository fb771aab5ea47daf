import { z } from 'zod';
import { hasControlCharacters } from '@/lib/contracts/fields';
import { requireTestRoutes, testRoutePrincipal } from '@/lib/server/clock-admin';
import { invalidInput } from '@/lib/server/errors';
import { jsonRoute, readJson } from '@/lib/server/route';
import { createTestClock } from '@/lib/server/test-clocks';

/**
 * POST /api/v1/test/clocks — a test clock (SPEC §12; 404 in a deployment), frozen at
 * `frozenTime` (ISO; default: the portal's now). 201 → { id, name, frozenTime, today, subscriberIds }.
 * Fixtures are attached with `clockId` when they are made (POST /api/v1/test/fixtures).
 */
const body = z
  .object({
    frozenTime: z.string().min(10).max(40).optional(),
    name: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .refine((n) => !hasControlCharacters(n), 'A name has no control characters.')
      .optional(),
  })
  .strict();

export async function POST(request: Request) {
  return jsonRoute(
    'test.clocks.post',
    async () => {
      requireTestRoutes();
      const principal = await testRoutePrincipal(request, true);
      const parsed = body.safeParse(await readJson(request));
      if (!parsed.success) throw invalidInput(parsed.error);
      return createTestClock(principal, parsed.data);
    },
    201,
  );
}
