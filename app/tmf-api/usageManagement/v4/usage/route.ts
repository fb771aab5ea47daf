import { createUsage, listUsage, USAGE_BASE } from '@/lib/server/usage/tmf635';
import { tmfOperation } from '@/lib/server/tmf/http';

const API = { api: 'tmf635', basePath: USAGE_BASE } as const;

export async function GET(request: Request) {
  return tmfOperation(request, { ...API, operation: 'usage.list', scope: 'usage.read' }, listUsage);
}

export async function POST(request: Request) {
  return tmfOperation(request, { ...API, operation: 'usage.create', scope: 'usage.write' }, createUsage);
}
