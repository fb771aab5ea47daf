import { tmfOperation } from '@/lib/server/tmf/http';
import { registerHub } from '@/lib/server/tmf/hub';

const API = { api: 'tmf637', basePath: '/tmf-api/productInventory/v4' } as const;

/** Registers a listener for this API's events (signed webhooks through the outbox). */
export async function POST(request: Request) {
  return tmfOperation(request, { ...API, operation: 'hub.create', scope: 'inventory.read' }, (ctx) =>
    registerHub(ctx, 'tmf637'),
  );
}
