import { tmfOperation } from '@/lib/server/tmf/http';
import { ORDER_BASE, retrieveCancellation } from '@/lib/server/tmf/order';

const API = { api: 'tmf622', basePath: ORDER_BASE } as const;
type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return tmfOperation(
    request,
    { ...API, operation: 'cancelProductOrder.retrieve', scope: 'orders.read' },
    async (ctx) => retrieveCancellation(ctx, (await params).id),
  );
}
