import 'server-only';
import { CATALOG_BASE, CATALOG_RESOURCES, type CatalogResource } from './catalog';
import { TmfError } from './http';

export const CATALOG_API = { api: 'tmf620', basePath: CATALOG_BASE } as const;

/** The resource named by the URL, or a 404 listing the ones there are. */
export function catalogResourceOf(segment: string): CatalogResource {
  if (Object.hasOwn(CATALOG_RESOURCES, segment)) return segment as CatalogResource;
  throw new TmfError(
    404,
    'not_found',
    'Not found',
    `No resource "${segment}" in TMF620 here: ${Object.keys(CATALOG_RESOURCES).join(', ')}.`,
  );
}
