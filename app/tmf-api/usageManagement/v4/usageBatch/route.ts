import { createUsageBatch, USAGE_BASE } from '@/lib/server/usage/tmf635';
import { tmfOperation } from '@/lib/server/tmf/http';

const API = { api: 'tmf635', basePath: USAGE_BASE } as const;

/** Many usage records in one call (docs/usage.md): each accepted, a duplicate, or refused with its index. */
export async function POST(request: Request) {
  return tmfOperation(request, { ...API, operation: 'usage.batch', scope: 'usage.write' }, createUsageBatch);
}
