import { tmfOperation } from '@/lib/server/tmf/http';
import { unregisterHub } from '@/lib/server/tmf/hub';

const API = { api: 'tmf622', basePath: '/tmf-api/productOrderingManagement/v4' } as const;
type Params = { params: Promise<{ id: string }> };

export async function DELETE(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'hub.delete', scope: 'orders.read' }, async (ctx) =>
    unregisterHub(ctx, 'tmf622', (await params).id),
  );
}
