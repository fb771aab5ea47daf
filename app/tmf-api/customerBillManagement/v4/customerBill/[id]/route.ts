import { tmfOperation } from '@/lib/server/tmf/http';
import { BILL_BASE, patchBill, retrieveBill } from '@/lib/server/tmf/bill';

const API = { api: 'tmf678', basePath: BILL_BASE } as const;
type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'customerBill.retrieve', scope: 'bills.read' }, async (ctx) =>
    retrieveBill(ctx, (await params).id),
  );
}

export async function PATCH(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'customerBill.update', scope: 'bills.write' }, async (ctx) =>
    patchBill(ctx, (await params).id),
  );
}
