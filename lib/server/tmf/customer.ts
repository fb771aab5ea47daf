import 'server-only';
import { hasControlCharacters } from '@/lib/contracts/fields';
import { recordAudit } from '../audit';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import {
  applyMergePatch,
  clientAudit,
  createdResponse,
  listResponse,
  notFound,
  parseListQuery,
  readBody,
  resourceResponse,
  TmfError,
  type TmfContext,
} from './http';
import { validateBody } from './validate';

/**
 * TMF629 Customer: each subscriber account is a Customer (id = the subscriber's id). Name, the
 * contact media this portal keeps (one email, one phone) and the account (the account number,
 * as an AccountRef) are shown; `characteristic` says whether the account has online access.
 *
 * Create opens an account without online access: a subscriber row with its own account
 * number and no login (the subscriber activates online access later, with the account number
 * and the email on file). It has no plan until one is ordered. PATCH changes the name and the
 * contact media. Fields this portal doesn't keep (creditProfile, paymentMethod, agreement, …)
 * are refused by name rather than dropped.
 */
export const CUSTOMER_BASE = '/tmf-api/customerManagement/v4';

export const CUSTOMER_FILTERS = [
  'id',
  'name',
  'status',
  'engagedParty.id',
  'account.id',
  'contactMedium.mediumType',
  'contactMedium.characteristic.emailAddress',
  'contactMedium.characteristic.phoneNumber',
  '@type',
];

/** What a write may contain: the rest of Customer_Create/_Update isn't kept here. */
const WRITABLE = ['name', 'contactMedium', 'engagedParty', '@type', '@baseType', '@schemaLocation'];
const PATCHABLE = ['name', 'contactMedium'];

type Doc = Record<string, unknown>;

type Row = {
  id: number;
  accountNumber: string;
  name: string;
  email: string | null;
  phone: string | null;
  joinedOn: string;
  engagedParty: { id: string; name?: string; '@referredType': string } | null;
  onlineAccess: boolean;
  hasPlan: boolean;
};

function customerDoc(r: Row, origin: string): Doc {
  const contactMedium: Doc[] = [];
  if (r.email)
    contactMedium.push({
      mediumType: 'email',
      preferred: true,
      characteristic: { contactType: 'email', emailAddress: r.email },
    });
  if (r.phone)
    contactMedium.push({
      mediumType: 'phone',
      preferred: !r.email,
      characteristic: { contactType: 'phone', phoneNumber: r.phone },
    });
  return {
    id: String(r.id),
    href: `${origin}${CUSTOMER_BASE}/customer/${r.id}`,
    name: r.name,
    status: r.hasPlan ? 'Approved' : 'Initialized',
    engagedParty: r.engagedParty ?? { id: String(r.id), name: r.name, '@referredType': 'Individual' },
    account: [
      {
        id: r.accountNumber,
        name: r.accountNumber,
        description: 'Subscriber account',
        '@referredType': 'BillingAccount',
      },
    ],
    contactMedium,
    characteristic: [{ name: 'onlineAccess', valueType: 'boolean', value: r.onlineAccess }],
    validFor: { startDateTime: `${r.joinedOn}T00:00:00.000Z` },
    '@type': 'Customer',
  };
}

async function rows(db: Queryable, ids: number[] | null): Promise<Row[]> {
  const q = db
    .select({
      id: s.subscribers.id,
      accountNumber: s.subscribers.accountNumber,
      name: s.subscribers.name,
      email: s.subscribers.email,
      phone: s.subscribers.phone,
      joinedOn: s.subscribers.joinedOn,
      engagedParty: s.subscribers.engagedParty,
      // Qualified by hand: drizzle writes a one-table select's columns unqualified, which the subquery would read as its own.
      onlineAccess: sql<boolean>`exists (select 1 from users u where u.subscriber_id = subscribers.id and not u.disabled)`,
      hasPlan: sql<boolean>`exists (select 1 from subscriptions x where x.subscriber_id = subscribers.id)`,
    })
    .from(s.subscribers);
  const filtered = ids ? q.where(ids.length ? inArray(s.subscribers.id, ids) : sql`false`) : q;
  return filtered.orderBy(asc(s.subscribers.id));
}

const ID = /^[1-9][0-9]{0,9}$/;
const parseId = (raw: string) => (ID.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : null);

function origin(ctx: TmfContext): string {
  return ctx.base.slice(0, ctx.base.length - CUSTOMER_BASE.length);
}

export async function listCustomers(ctx: TmfContext): Promise<Response> {
  const q = parseListQuery(ctx.url, CUSTOMER_FILTERS);
  const ids = q.filters.get('id');
  const list = await rows(ctx.db, ids ? ids.map(parseId).filter((n): n is number => n !== null) : null);
  return listResponse(
    list.map((r) => customerDoc(r, origin(ctx))),
    q,
  );
}

export async function retrieveCustomer(ctx: TmfContext, id: string): Promise<Response> {
  const n = parseId(id);
  const r = n === null ? undefined : (await rows(ctx.db, [n]))[0];
  if (!r) throw notFound('customer', id);
  return resourceResponse(customerDoc(r, origin(ctx)), ctx.url);
}

// ---------------------------------------------------------------- writes

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Contacts {
  email: string | null;
  phone: string | null;
  phoneDigits: string | null;
}

function refuseUnkept(body: Doc): void {
  for (const k of Object.keys(body)) {
    if (!WRITABLE.includes(k))
      throw new TmfError(
        400,
        'invalid_field',
        'Invalid field',
        `The field "${k}" isn't kept by this system: leave it out.`,
        k,
      );
  }
  if (body['@type'] !== undefined && body['@type'] !== 'Customer')
    throw new TmfError(400, 'invalid_field', 'Invalid field', '"@type" must be "Customer".', '@type');
}

function checkName(body: Doc): string {
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (!name)
    throw new TmfError(400, 'invalid_field', 'Invalid field', 'The field "name" must be a non-empty string.', 'name');
  if (name.length > 200)
    throw new TmfError(400, 'invalid_field', 'Invalid field', 'The field "name" is at most 200 characters.', 'name');
  if (hasControlCharacters(name))
    throw new TmfError(
      400,
      'invalid_field',
      'Invalid field',
      'The field "name" cannot contain control characters.',
      'name',
    );
  return name;
}

/** The contact media kept here: at most one email and one phone number, each validated. */
function contactsOf(list: unknown): Contacts {
  const out: Contacts = { email: null, phone: null, phoneDigits: null };
  if (list === undefined || list === null) return out;
  for (const [i, raw] of (list as Doc[]).entries()) {
    const type = String(raw.mediumType ?? '').toLowerCase();
    const c = (raw.characteristic ?? {}) as Doc;
    const field = `contactMedium.${i}`;
    if (type === 'email') {
      const email = typeof c.emailAddress === 'string' ? c.emailAddress.trim().toLowerCase() : '';
      if (!EMAIL.test(email) || email.length > 254)
        throw new TmfError(
          400,
          'invalid_field',
          'Invalid field',
          `${field}.characteristic.emailAddress must be an email address.`,
          `${field}.characteristic.emailAddress`,
        );
      if (out.email)
        throw new TmfError(400, 'invalid_field', 'Invalid field', 'Give at most one email contact medium.', field);
      out.email = email;
    } else if (type === 'phone' || type === 'telephone' || type === 'mobile') {
      const phone = typeof c.phoneNumber === 'string' ? c.phoneNumber.trim() : '';
      const digits = phone.replace(/\D/g, '');
      if (!/^\+?[\d\s().\-/]+$/.test(phone) || digits.length < 7 || digits.length > 15) {
        throw new TmfError(
          400,
          'invalid_field',
          'Invalid field',
          `${field}.characteristic.phoneNumber must be a phone number (7 to 15 digits).`,
          `${field}.characteristic.phoneNumber`,
        );
      }
      if (out.phone)
        throw new TmfError(400, 'invalid_field', 'Invalid field', 'Give at most one phone contact medium.', field);
      out.phone = phone;
      out.phoneDigits = digits;
    } else {
      throw new TmfError(
        400,
        'invalid_field',
        'Invalid field',
        `${field}.mediumType must be "email" or "phone" (the contact media kept here).`,
        `${field}.mediumType`,
      );
    }
  }
  return out;
}

async function emailTaken(db: Queryable, email: string | null, except: number | null): Promise<void> {
  if (!email) return;
  const hit = await db
    .select({ id: s.subscribers.id })
    .from(s.subscribers)
    .where(
      except === null
        ? eq(s.subscribers.email, email)
        : and(eq(s.subscribers.email, email), ne(s.subscribers.id, except)),
    )
    .limit(1);
  if (hit.length)
    throw new TmfError(
      409,
      'conflict',
      'Conflict',
      'Another customer already has that email address.',
      'contactMedium',
    );
}

export async function createCustomer(ctx: TmfContext): Promise<Response> {
  const body = validateBody<Doc>('TMF629', 'Customer_Create', await readBody(ctx.request));
  refuseUnkept(body);
  const name = checkName(body);
  const contacts = contactsOf(body.contactMedium);
  const party = body.engagedParty as { id: string; name?: string; '@referredType': string };
  if (!['Individual', 'Organization'].includes(party['@referredType'])) {
    throw new TmfError(
      400,
      'invalid_field',
      'Invalid field',
      'engagedParty.@referredType must be "Individual" or "Organization".',
      'engagedParty.@referredType',
    );
  }
  const engagedParty = {
    id: party.id,
    ...(party.name ? { name: party.name } : {}),
    '@referredType': party['@referredType'],
  };
  const today = ctx.client.today;
  const created = await ctx.db.transaction(async (tx) => {
    await emailTaken(tx, contacts.email, null);
    const [row] = await tx
      .insert(s.subscribers)
      .values({
        accountNumber: `pending-${randomUUID()}`,
        name,
        ...contacts,
        engagedParty,
        billingDay: Number(today.slice(8, 10)),
        joinedOn: today,
      })
      .returning({ id: s.subscribers.id });
    const id = row!.id;
    // Account numbers of accounts opened here: SB-5xxxxx (the seed's are SB-1xxxxx).
    await tx
      .update(s.subscribers)
      .set({ accountNumber: `SB-${500000 + id}` })
      .where(eq(s.subscribers.id, id));
    await recordAudit(
      tx,
      clientAudit(ctx.client, 'tmf629.customer.create', {
        subscriberId: id,
        after: { name, ...contacts, engagedParty },
      }),
    );
    return (await rows(tx, [id]))[0]!;
  });
  return createdResponse(customerDoc(created, origin(ctx)) as Doc & { href: string });
}

export async function patchCustomer(ctx: TmfContext, rawId: string): Promise<Response> {
  const patch = await readBody(ctx.request);
  const id = parseId(rawId);
  const current = id === null ? undefined : (await rows(ctx.db, [id]))[0];
  if (!current || id === null) throw notFound('customer', rawId);
  const before = customerDoc(current, origin(ctx));
  const merged = applyMergePatch(
    { name: before.name, contactMedium: before.contactMedium, engagedParty: before.engagedParty },
    patch,
    PATCHABLE,
  );
  validateBody('TMF629', 'Customer_Update', merged);
  const name = checkName(merged);
  const contacts = contactsOf(merged.contactMedium);
  if (current.onlineAccess && !contacts.email) {
    throw new TmfError(
      400,
      'invalid_field',
      'Invalid field',
      'This customer signs in online: the account must keep an email contact medium.',
      'contactMedium',
    );
  }
  const updated = await ctx.db.transaction(async (tx) => {
    await emailTaken(tx, contacts.email, id);
    await tx
      .update(s.subscribers)
      .set({ name, ...contacts })
      .where(eq(s.subscribers.id, id));
    if (name !== current.name) await tx.update(s.users).set({ name }).where(eq(s.users.subscriberId, id));
    await recordAudit(
      tx,
      clientAudit(ctx.client, 'tmf629.customer.update', {
        subscriberId: id,
        before: { name: current.name, email: current.email, phone: current.phone },
        after: { name, email: contacts.email, phone: contacts.phone },
      }),
    );
    return (await rows(tx, [id]))[0]!;
  });
  return resourceResponse(customerDoc(updated, origin(ctx)), ctx.url);
}
