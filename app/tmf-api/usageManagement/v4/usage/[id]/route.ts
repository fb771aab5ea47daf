import { retrieveUsage, USAGE_BASE } from '@/lib/server/usage/tmf635';
import { tmfOperation } from '@/lib/server/tmf/http';

const API = { api: 'tmf635', basePath: USAGE_BASE } as const;
type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'usage.retrieve', scope: 'usage.read' }, async (ctx) =>
    retrieveUsage(ctx, (await params).id),
  );
}
