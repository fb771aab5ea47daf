import { requireActor } from '@/lib/server/actor';
import { parseSubscriberId } from '@/lib/server/context';
import { getOffers } from '@/lib/server/offers';
import { jsonRoute } from '@/lib/server/route';

/** GET /api/v1/subscribers/{id}/offers — the subscriber themself, an agent or an admin. */
export async function GET(_request: Request, ctx: { params: Promise<{ id: string }> }) {
  return jsonRoute('offers', async () => {
    const actor = await requireActor();
    const subscriberId = parseSubscriberId((await ctx.params).id);
    const result = await getOffers(actor, subscriberId);
    return {
      subscriberId,
      status: result.status,
      message: result.status === 'offers' ? null : result.message,
      currentMonthlyCostCents: result.status === 'no_usage' ? null : result.currentCostCents,
      offers:
        result.status === 'offers'
          ? result.offers.map((o) => ({
              key: o.key,
              kind: o.kind,
              title: o.title,
              bestValue: o.bestValue,
              target: { plan: o.target.planCode, addOns: o.target.addOns },
              monthlyPriceChangeCents: o.monthlyPriceChangeCents,
              monthlySavingCents: o.monthlySavingCents,
              reasons: [o.explanation],
              evidence: o.evidence,
            }))
          : [],
    };
  });
}
