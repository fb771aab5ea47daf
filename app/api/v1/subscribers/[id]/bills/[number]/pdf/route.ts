import { requireActor } from '@/lib/server/actor';
import { billPdfFor } from '@/lib/server/bill-pdf';
import { parseBillNumber } from '@/lib/server/bills';
import { parseSubscriberId } from '@/lib/server/context';
import { fileRoute } from '@/lib/server/route';

/** GET /api/v1/subscribers/{id}/bills/{number}/pdf — the bill as a PDF download (the subscriber themself, an agent or an admin). */
export async function GET(_request: Request, ctx: { params: Promise<{ id: string; number: string }> }) {
  return fileRoute('bill-pdf', async () => {
    const actor = await requireActor();
    const params = await ctx.params;
    const subscriberId = parseSubscriberId(params.id);
    const number = parseBillNumber(params.number);
    const { filename, pdf } = await billPdfFor(actor, subscriberId, number);
    return { body: pdf, contentType: 'application/pdf', filename };
  });
}
