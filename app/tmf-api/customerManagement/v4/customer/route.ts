import { createCustomer, CUSTOMER_BASE, listCustomers } from '@/lib/server/tmf/customer';
import { tmfOperation } from '@/lib/server/tmf/http';

const API = { api: 'tmf629', basePath: CUSTOMER_BASE } as const;

export async function GET(request: Request) {
  return tmfOperation(request, { ...API, operation: 'customer.list', scope: 'customer.read' }, listCustomers);
}

/** Opens an account without online access. */
export async function POST(request: Request) {
  return tmfOperation(request, { ...API, operation: 'customer.create', scope: 'customer.write' }, createCustomer);
}
