import { tmfOperation } from '@/lib/server/tmf/http';
import { BILL_BASE, listRates } from '@/lib/server/tmf/bill';

const API = { api: 'tmf678', basePath: BILL_BASE } as const;

export async function GET(request: Request) {
  return tmfOperation(
    request,
    { ...API, operation: 'appliedCustomerBillingRate.list', scope: 'bills.read' },
    listRates,
  );
}
