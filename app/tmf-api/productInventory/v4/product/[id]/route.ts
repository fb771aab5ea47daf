import { tmfOperation } from '@/lib/server/tmf/http';
import { INVENTORY_BASE, retrieveProduct } from '@/lib/server/tmf/inventory';

const API = { api: 'tmf637', basePath: INVENTORY_BASE } as const;
type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'product.retrieve', scope: 'inventory.read' }, async (ctx) =>
    retrieveProduct(ctx, (await params).id),
  );
}
