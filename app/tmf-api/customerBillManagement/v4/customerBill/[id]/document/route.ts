import { tmfOperation } from '@/lib/server/tmf/http';
import { BILL_BASE, billDocument } from '@/lib/server/tmf/bill';

const API = { api: 'tmf678', basePath: BILL_BASE } as const;
type Params = { params: Promise<{ id: string }> };

/** The bill's document (billDocument.url): the PDF the subscriber downloads. */
export async function GET(request: Request, { params }: Params) {
  return tmfOperation(request, { ...API, operation: 'customerBill.document', scope: 'bills.read' }, async (ctx) =>
    billDocument(ctx, (await params).id),
  );
}
