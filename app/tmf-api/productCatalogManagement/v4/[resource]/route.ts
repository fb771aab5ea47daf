import { catalogResourceOf, CATALOG_API } from '@/lib/server/tmf/catalog-routes';
import { createCatalogDraft, listCatalog } from '@/lib/server/tmf/catalog';
import { tmfOperation } from '@/lib/server/tmf/http';

/** TMF620 collections: productOffering, productOfferingPrice, productSpecification, catalog, category. */
type Params = { params: Promise<{ resource: string }> };

export async function GET(request: Request, { params }: Params) {
  return tmfOperation(request, { ...CATALOG_API, operation: 'list', scope: 'catalog.read' }, async (ctx) =>
    listCatalog(ctx, catalogResourceOf((await params).resource)),
  );
}

export async function POST(request: Request, { params }: Params) {
  return tmfOperation(request, { ...CATALOG_API, operation: 'create', scope: 'catalog.write' }, async (ctx) =>
    createCatalogDraft(ctx, catalogResourceOf((await params).resource)),
  );
}
