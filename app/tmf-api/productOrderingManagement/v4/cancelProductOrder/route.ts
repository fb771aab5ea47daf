import { tmfOperation } from '@/lib/server/tmf/http';
import { createCancellation, listCancellations, ORDER_BASE } from '@/lib/server/tmf/order';

const API = { api: 'tmf622', basePath: ORDER_BASE } as const;

export async function GET(request: Request) {
  return tmfOperation(
    request,
    { ...API, operation: 'cancelProductOrder.list', scope: 'orders.read' },
    listCancellations,
  );
}

export async function POST(request: Request) {
  return tmfOperation(
    request,
    { ...API, operation: 'cancelProductOrder.create', scope: 'orders.write' },
    createCancellation,
  );
}
