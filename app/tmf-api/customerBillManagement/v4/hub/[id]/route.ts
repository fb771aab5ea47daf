import { tmfOperation } from '@/lib/server/tmf/http';
import { unregisterHub } from '@/lib/server/tmf/hub';

const API = { api: 'tmf678', basePath: '/tmf-api/customerBillManagement/v4' } as const;
type Params = { params: Promise<{ id: string }> };

export async function DELETE(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'hub.delete', scope: 'bills.read' }, async (ctx) =>
    unregisterHub(ctx, 'tmf678', (await params).id),
  );
}
