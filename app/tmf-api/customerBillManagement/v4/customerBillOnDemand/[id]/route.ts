import { tmfOperation } from '@/lib/server/tmf/http';
import { BILL_BASE, retrieveDemand } from '@/lib/server/tmf/bill';

const API = { api: 'tmf678', basePath: BILL_BASE } as const;
type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return tmfOperation(
    request,
    { ...API, operation: 'customerBillOnDemand.retrieve', scope: 'bills.read' },
    async (ctx) => retrieveDemand(ctx, (await params).id),
  );
}
