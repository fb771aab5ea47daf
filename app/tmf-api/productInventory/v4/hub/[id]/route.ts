import { tmfOperation } from '@/lib/server/tmf/http';
import { unregisterHub } from '@/lib/server/tmf/hub';

const API = { api: 'tmf637', basePath: '/tmf-api/productInventory/v4' } as const;
type Params = { params: Promise<{ id: string }> };

export async function DELETE(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'hub.delete', scope: 'inventory.read' }, async (ctx) =>
    unregisterHub(ctx, 'tmf637', (await params).id),
  );
}
