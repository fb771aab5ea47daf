import { tmfOperation } from '@/lib/server/tmf/http';
import { registerHub } from '@/lib/server/tmf/hub';

const API = { api: 'tmf622', basePath: '/tmf-api/productOrderingManagement/v4' } as const;

/** Registers a listener for this API's events (signed webhooks through the outbox). */
export async function POST(request: Request) {
  return tmfOperation(request, { ...API, operation: 'hub.create', scope: 'orders.read' }, (ctx) =>
    registerHub(ctx, 'tmf622'),
  );
}
