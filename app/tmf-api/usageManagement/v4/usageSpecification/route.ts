import { createUsageSpecification, listUsageSpecifications, USAGE_BASE } from '@/lib/server/usage/tmf635';
import { tmfOperation } from '@/lib/server/tmf/http';

const API = { api: 'tmf635', basePath: USAGE_BASE } as const;

export async function GET(request: Request) {
  return tmfOperation(
    request,
    { ...API, operation: 'usageSpecification.list', scope: 'usage.read' },
    listUsageSpecifications,
  );
}

export async function POST(request: Request) {
  return tmfOperation(
    request,
    { ...API, operation: 'usageSpecification.create', scope: 'usage.write' },
    createUsageSpecification,
  );
}
