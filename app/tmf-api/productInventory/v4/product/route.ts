import { tmfOperation } from '@/lib/server/tmf/http';
import { INVENTORY_BASE, listProducts } from '@/lib/server/tmf/inventory';

const API = { api: 'tmf637', basePath: INVENTORY_BASE } as const;

export async function GET(request: Request) {
  return tmfOperation(request, { ...API, operation: 'product.list', scope: 'inventory.read' }, listProducts);
}
