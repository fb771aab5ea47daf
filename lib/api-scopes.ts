/**
 * The scopes an API client can hold, in one place (pure data: the admin page, the command line
 * and the TMF routes all read it). Later issues add the TMF APIs behind the placeholders.
 */
export const API_SCOPES = {
  'catalog.read': 'Read the product catalog (TMF620)',
  'catalog.write': 'Create, change and delete catalog drafts (TMF620)',
  'customer.read': 'Read customers (TMF629)',
  'customer.write': 'Open accounts and change contact details (TMF629)',
  'inventory.read': 'Read what each subscriber holds (TMF637)',
  'orders.read': 'Read product orders, register for their events (TMF622)',
  'orders.write': 'Place and cancel product orders (TMF622)',
  'usage.read': 'Read usage records and usage specifications (TMF635)',
  'usage.write': 'Send usage records and describe usage specifications (TMF635)',
  'bills.read': 'Read customer bills, their lines and PDFs, register for their events (TMF678)',
  'bills.write': "Change a bill's state, ask for a bill on demand (TMF678)",
} as const;

export type ApiScope = keyof typeof API_SCOPES;

export const ALL_API_SCOPES = Object.keys(API_SCOPES) as ApiScope[];

export function isApiScope(s: string): s is ApiScope {
  return Object.hasOwn(API_SCOPES, s);
}

/**
 * "catalog.read,customer.read" or "all" → the scopes, sorted and unique; unknown names are
 * returned in `unknown` so the caller can refuse them with a clear message.
 */
export function parseScopeList(text: string, separator: RegExp = /[\s,]+/): { scopes: ApiScope[]; unknown: string[] } {
  const names = text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'all') return { scopes: [...ALL_API_SCOPES], unknown: [] };
  const unknown = names.filter((n) => !isApiScope(n));
  const scopes = [...new Set(names.filter(isApiScope))].sort();
  return { scopes, unknown };
}
