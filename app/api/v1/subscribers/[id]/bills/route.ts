import { requireActor } from '@/lib/server/actor';
import { getBills } from '@/lib/server/bills';
import { parseSubscriberId } from '@/lib/server/context';
import { jsonRoute } from '@/lib/server/route';

/** GET /api/v1/subscribers/{id}/bills — every bill with its lines, newest first (the subscriber themself, an agent or an admin). */
export async function GET(_request: Request, ctx: { params: Promise<{ id: string }> }) {
  return jsonRoute('bills', async () => {
    const actor = await requireActor();
    const subscriberId = parseSubscriberId((await ctx.params).id);
    const view = await getBills(actor, subscriberId);
    return {
      subscriberId,
      accountNumber: view.accountNumber,
      bills: view.bills.map((b) => ({ ...b, pdf: `/api/v1/subscribers/${subscriberId}/bills/${b.number}/pdf` })),
    };
  });
}
