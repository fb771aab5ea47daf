import { tmfOperation } from '@/lib/server/tmf/http';
import { BILL_BASE, createDemand, listDemands } from '@/lib/server/tmf/bill';

const API = { api: 'tmf678', basePath: BILL_BASE } as const;

export async function GET(request: Request) {
  return tmfOperation(request, { ...API, operation: 'customerBillOnDemand.list', scope: 'bills.read' }, listDemands);
}

export async function POST(request: Request) {
  return tmfOperation(
    request,
    { ...API, operation: 'customerBillOnDemand.create', scope: 'bills.write' },
    createDemand,
  );
}
