import { catalogResourceOf, CATALOG_API } from '@/lib/server/tmf/catalog-routes';
import { deleteCatalogDraft, patchCatalogDraft, retrieveCatalog } from '@/lib/server/tmf/catalog';
import { tmfOperation } from '@/lib/server/tmf/http';

/** One TMF620 entry: retrieve; merge-patch and delete drafts ("In design") only. */
type Params = { params: Promise<{ resource: string; id: string }> };

export async function GET(request: Request, { params }: Params) {
  return tmfOperation(request, { ...CATALOG_API, operation: 'retrieve', scope: 'catalog.read' }, async (ctx) => {
    const p = await params;
    return retrieveCatalog(ctx, catalogResourceOf(p.resource), p.id);
  });
}

export async function PATCH(request: Request, { params }: Params) {
  return tmfOperation(request, { ...CATALOG_API, operation: 'update', scope: 'catalog.write' }, async (ctx) => {
    const p = await params;
    return patchCatalogDraft(ctx, catalogResourceOf(p.resource), p.id);
  });
}

export async function DELETE(request: Request, { params }: Params) {
  return tmfOperation(request, { ...CATALOG_API, operation: 'delete', scope: 'catalog.write' }, async (ctx) => {
    const p = await params;
    return deleteCatalogDraft(ctx, catalogResourceOf(p.resource), p.id);
  });
}
