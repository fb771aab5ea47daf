import { CUSTOMER_BASE, patchCustomer, retrieveCustomer } from '@/lib/server/tmf/customer';
import { tmfOperation } from '@/lib/server/tmf/http';

const API = { api: 'tmf629', basePath: CUSTOMER_BASE } as const;
type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'customer.retrieve', scope: 'customer.read' }, async (ctx) =>
    retrieveCustomer(ctx, (await params).id),
  );
}

/** Merge patch of the name and contact media. */
export async function PATCH(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'customer.update', scope: 'customer.write' }, async (ctx) =>
    patchCustomer(ctx, (await params).id),
  );
}
