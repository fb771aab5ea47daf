import 'server-only';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import tmf620 from './openapi/TMF620-ProductCatalog-v4.0.0.swagger.json';
import tmf629 from './openapi/TMF629-Customer-v4.0.0.swagger.json';
import tmf637 from './openapi/TMF637-ProductInventory-v4.0.0.swagger.json';
import tmf635 from './openapi/TMF635-UsageManagement-v4.0.0.swagger.json';
import tmf622 from './openapi/TMF622-ProductOrder-v4.0.0.swagger.json';
import tmf678 from './openapi/TMF678-CustomerBill-v4.0.0.swagger.json';
import { TmfError } from './http';

/**
 * Request bodies are validated against the official OpenAPI definitions (`ProductOffering_Create`,
 * `Customer_Update`, …) with ajv. One thing is added: an object may hold only the fields its
 * definition lists (the documents leave that open), so a misspelt or unknown field is refused
 * by name instead of silently dropped.
 */
const DOCUMENTS = {
  TMF620: tmf620,
  TMF629: tmf629,
  TMF637: tmf637,
  TMF635: tmf635,
  TMF622: tmf622,
  TMF678: tmf678,
} as const;
export type TmfApiName = keyof typeof DOCUMENTS;

/** A deep copy with additionalProperties: false on every object schema that lists its properties. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'example' ? v : closed(v);
  if (out.properties && typeof out.properties === 'object' && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

let ajv: Ajv | undefined;
function instance(): Ajv {
  if (ajv) return ajv;
  const a = new Ajv({ strict: false, allErrors: false });
  (addFormats as unknown as (x: Ajv) => void)(a);
  for (const [name, doc] of Object.entries(DOCUMENTS))
    a.addSchema({ $id: name, definitions: closed(doc.definitions) as object });
  ajv = a;
  return a;
}

const cache = new Map<string, ValidateFunction>();
function validator(api: TmfApiName, definition: string): ValidateFunction {
  const key = `${api}#/definitions/${definition}`;
  let v = cache.get(key);
  if (!v) {
    v = instance().getSchema(key);
    if (!v) throw new Error(`No definition ${definition} in ${api}`);
    cache.set(key, v);
  }
  return v;
}

/** The field an ajv error is about, as a dotted path ("productSpecification.version", "contactMedium.0.mediumType"). */
function fieldOf(e: ErrorObject): string {
  const base = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = e.params as { additionalProperty?: string; missingProperty?: string };
  if (e.keyword === 'additionalProperties' && p.additionalProperty) base.push(p.additionalProperty);
  if (e.keyword === 'required' && p.missingProperty) base.push(p.missingProperty);
  return base.join('.') || '(body)';
}

function messageOf(e: ErrorObject, field: string): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `Unknown field "${field}".`;
    case 'required':
      return `The field "${field}" is required.`;
    case 'type':
      return `The field "${field}" must be ${(e.params as { type: string }).type === 'array' ? 'an array' : `a ${(e.params as { type: string }).type}`}.`;
    case 'format':
      return `The field "${field}" must be a valid ${(e.params as { format: string }).format}.`;
    default:
      return `The field "${field}" ${e.message ?? 'is invalid'}.`;
  }
}

/** Throws a 400 TmfError naming the first bad field, or returns the body typed as the caller expects. */
export function validateBody<T = Record<string, unknown>>(api: TmfApiName, definition: string, body: unknown): T {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new TmfError(400, 'invalid_body', 'Invalid body', 'The body must be a JSON object.');
  const v = validator(api, definition);
  if (!v(body)) {
    const e = v.errors![0]!;
    const field = fieldOf(e);
    throw new TmfError(400, 'invalid_field', 'Invalid field', messageOf(e, field), field);
  }
  return body as T;
}

/** The OpenAPI document served at …/v4/openapi.json. */
export function openApiDocument(api: TmfApiName): unknown {
  return DOCUMENTS[api];
}

/** The top-level fields a definition lists (what a PATCH may name). */
export function patchableFields(api: TmfApiName, definition: string): string[] {
  const defs = (DOCUMENTS[api] as unknown as { definitions: Record<string, { properties?: Record<string, unknown> }> })
    .definitions;
  return Object.keys(defs[definition]?.properties ?? {});
}
