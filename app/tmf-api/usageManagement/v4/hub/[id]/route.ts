import { tmfOperation } from '@/lib/server/tmf/http';
import { unregisterHub } from '@/lib/server/tmf/hub';

const API = { api: 'tmf635', basePath: '/tmf-api/usageManagement/v4' } as const;
type Params = { params: Promise<{ id: string }> };

export async function DELETE(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'hub.delete', scope: 'usage.read' }, async (ctx) =>
    unregisterHub(ctx, 'tmf635', (await params).id),
  );
}
