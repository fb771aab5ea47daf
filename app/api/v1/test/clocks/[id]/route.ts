import { requireTestRoutes, testRoutePrincipal } from '@/lib/server/clock-admin';
import { jsonRoute } from '@/lib/server/route';
import { deleteTestClock, parseClockId, readTestClock } from '@/lib/server/test-clocks';

/** GET /api/v1/test/clocks/{id} — the clock and its subscribers; DELETE — the clock and every fixture on it. */
export async function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return jsonRoute('test.clocks.get', async () => {
    requireTestRoutes();
    const principal = await testRoutePrincipal(request, false);
    return readTestClock(principal, parseClockId((await ctx.params).id));
  });
}

export async function DELETE(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return jsonRoute('test.clocks.delete', async () => {
    requireTestRoutes();
    const principal = await testRoutePrincipal(request, 'bodyless');
    return deleteTestClock(principal, parseClockId((await ctx.params).id));
  });
}
