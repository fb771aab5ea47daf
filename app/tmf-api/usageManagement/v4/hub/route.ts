import { tmfOperation } from '@/lib/server/tmf/http';
import { registerHub } from '@/lib/server/tmf/hub';

const API = { api: 'tmf635', basePath: '/tmf-api/usageManagement/v4' } as const;

/** Registers a listener for this API's events (signed webhooks through the outbox). */
export async function POST(request: Request) {
  return tmfOperation(request, { ...API, operation: 'hub.create', scope: 'usage.read' }, (ctx) =>
    registerHub(ctx, 'tmf635'),
  );
}
