import { tmfOperation } from '@/lib/server/tmf/http';
import { createOrder, listOrders, ORDER_BASE } from '@/lib/server/tmf/order';

const API = { api: 'tmf622', basePath: ORDER_BASE } as const;

export async function GET(request: Request) {
  return tmfOperation(request, { ...API, operation: 'productOrder.list', scope: 'orders.read' }, listOrders);
}

export async function POST(request: Request) {
  return tmfOperation(request, { ...API, operation: 'productOrder.create', scope: 'orders.write' }, createOrder);
}
