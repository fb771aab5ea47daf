import { requireActor } from '@/lib/server/actor';
import { getBill, parseBillNumber } from '@/lib/server/bills';
import { parseSubscriberId } from '@/lib/server/context';
import { jsonRoute } from '@/lib/server/route';

/** GET /api/v1/subscribers/{id}/bills/{number} — one bill with its lines (the subscriber themself, an agent or an admin). */
export async function GET(_request: Request, ctx: { params: Promise<{ id: string; number: string }> }) {
  return jsonRoute('bill', async () => {
    const actor = await requireActor();
    const params = await ctx.params;
    const subscriberId = parseSubscriberId(params.id);
    const number = parseBillNumber(params.number);
    const { subscriber, bill } = await getBill(actor, subscriberId, number);
    return {
      subscriberId,
      accountNumber: subscriber.accountNumber,
      ...bill,
      pdf: `/api/v1/subscribers/${subscriberId}/bills/${bill.number}/pdf`,
    };
  });
}
