import { tmfJson } from '@/lib/server/tmf/http';
import { openApiDocument } from '@/lib/server/tmf/validate';

/** The official TMF678 v4.0.0 OpenAPI document (public, like any API description). */
export async function GET() {
  return tmfJson(openApiDocument('TMF678'), 200, { 'cache-control': 'public, max-age=3600' });
}
