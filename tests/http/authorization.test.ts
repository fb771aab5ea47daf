/**
 * The authorization matrix (spec section 5: "every server action and API route checks
 * authentication, role and ownership itself"), against the production server, calling server
 * actions directly as POST requests.
 *
 * Every action and route handler is enumerated from the code (the build's action manifest
 * and a grep of 'use server' modules must agree; route.ts files and their exported methods
 * must match the build), and each must have its cases below. Callers:
 * - nobody: no cookie (the proxy sends them to sign-in), the same through a public page (Next.js
 *   forwards the action to its page, where the proxy refuses it), and a validly signed session
 *   of an account that does not exist (the proxy lets it through: only the action's or route's
 *   own check refuses it);
 * - a subscriber on another subscriber's data (ada on ben);
 * - a subscriber on agent and admin functions;
 * - an agent on admin functions.
 * Every call is refused; nothing is written (a full dump of every table before and after,
 * except login_attempts and audit_events); audit_events gains exactly one 'refused' row per
 * role or ownership refusal (lib/server/actor.ts refuse), naming the actor and the action.
 * A positive control per action and route (the owner or the right role succeeds) proves the
 * calls are well-formed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { accountTokens, catalogItemDrafts, deliveries, users } from '@/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callAction,
  confirmFormFields,
  ghostClient,
  HttpClient,
  pageUrl,
  readActionManifest,
  signedIn,
  type ActionEntry,
  type ActionResponse,
  type Fields,
} from './support/actions';
import { auditRows, describeDiffs, diffDumps, dumpDatabase, type Dump } from './support/dump';
import { builtRoutes, EXCLUDED_ROUTES, sourceActions, sourceRoutes } from './support/inventory';
import { hasBuild, httpDrivers, ServerHarness, TEST_CLOCK_TOKEN, unexpectedErrors } from './support/server';
import { ALL_API_SCOPES } from '@/lib/api-scopes';
import { createApiClient } from '@/lib/server/api-clients';

const CONFIRM = 'app/_actions/changes.ts#confirmChangeAction';
const CANCEL = 'app/_actions/changes.ts#cancelScheduledAction';
const OFFER = 'app/_actions/offers.ts#respondToOfferAction';
const NOTE = 'app/_actions/notes.ts#addNoteAction';
const CLOCK = 'app/_actions/clock.ts#moveClockAction';
const RETRY = 'app/_actions/deliveries.ts#retryDeliveryAction';
const CONSENT = 'app/_actions/deliveries.ts#setOfferEmailsAction';
const SIGN_OUT_EVERYWHERE = 'app/_actions/account.ts#signOutEverywhereAction';
// Issue 21 (accounts): four public actions (no session by design), one on the caller's own account, one for admins.
const ACTIVATE = 'app/_actions/accounts.ts#requestActivationAction';
const FORGOT = 'app/_actions/accounts.ts#requestPasswordResetAction';
const SET_PASSWORD = 'app/_actions/accounts.ts#setPasswordAction';
const ENROLL = 'app/_actions/accounts.ts#startEnrollmentAction';
const CHANGE_PASSWORD = 'app/_actions/accounts.ts#changePasswordAction';
const RESET_FACTOR = 'app/_actions/accounts.ts#resetSecondFactorAction';
/** A one-time link's token the setup stores (for gus), for the set-password positive control. */
const MATRIX_LINK_TOKEN = 'matrix-link-token-0123456789abcdefghijklmnop';
const OFFERS_ROUTE = '/api/v1/subscribers/[id]/offers';
const CLOCK_ROUTE = '/api/v1/test/clock';
const CREATE_CLIENT = 'app/_actions/api-clients.ts#createApiClientAction';
const ROTATE_CLIENT = 'app/_actions/api-clients.ts#rotateApiClientSecretAction';
const REVOKE_CLIENT = 'app/_actions/api-clients.ts#revokeApiClientAction';
const TOKEN_ROUTE = '/api/oauth/token';
// Admin → Catalog (issue 20).
const CAT_CREATE = 'app/_actions/catalog.ts#createCatalogDraftAction';
const CAT_SAVE_DRAFT = 'app/_actions/catalog.ts#saveCatalogDraftAction';
const CAT_LAUNCH = 'app/_actions/catalog.ts#launchCatalogDraftAction';
const CAT_RULES = 'app/_actions/catalog.ts#saveCatalogRulesAction';
const CAT_RETIRE = 'app/_actions/catalog.ts#retireCatalogItemAction';
const CAT_PRICE = 'app/_actions/catalog.ts#changeCatalogPriceAction';
const CAT_RATE = 'app/_actions/catalog.ts#changeCatalogRateAction';
const TMF620 = '/tmf-api/productCatalogManagement/v4';
const TMF629 = '/tmf-api/customerManagement/v4';
const TMF637 = '/tmf-api/productInventory/v4';
const TMF635 = '/tmf-api/usageManagement/v4';
// Issue 19: TMF678 bills, the hubs (TMF622, 635, 637, 678), the agents' bill-state action.
const TMF678 = '/tmf-api/customerBillManagement/v4';
const TMF622 = '/tmf-api/productOrderingManagement/v4';
const BILL_STATE = 'app/_actions/bills.ts#changeBillStateAction';
/** Hub ids the positive controls register (POST) and then remove (DELETE), by API. */
const hubIds: Record<string, string> = {};

/** apiClient: no session, a bearer token of an API client (the TMF Open APIs). */
type Who = 'nobody' | 'ghost' | 'ada' | 'ben' | 'agent' | 'admin' | 'apiClient';
const EMAILS = {
  ada: 'ada@example.com',
  ben: 'ben@example.com',
  agent: 'agent@example.com',
  admin: 'admin@example.com',
} as const;

/** What the world looks like before the matrix runs (read from the first dump). */
interface World {
  userId: Record<keyof typeof EMAILS, number>;
  ada: number;
  ben: number;
  benVersion: number;
  benScheduledChangeId: number;
  benOfferKey: string;
  missingSubscriber: number;
  /** API clients made for the matrix: one to rotate and revoke, tokens of one with every scope and of one with none of the served APIs'. */
  managedClientId: string;
  tmfCredentials: { clientId: string; clientSecret: string };
  tmfToken: string;
  tmfLimitedToken: string;
  /** Usage in (issue 19): a token of a client without the usage scopes (the limited one holds usage.read). */
  tmfNoUsageToken: string;
  /** A TMF620 draft made before the matrix runs. */
  draftId: string;
  /** The number of Ada's latest bill, and of Ben's. */
  adaBill: number;
  benBill: number;
  /** A delivery held as dead (ben's scheduled-change email), for the retry action. */
  deadDeliveryId: number;
  /** Robin Park, the demo agent without a second factor (issue 21). */
  robinUserId: number;
  /** Issue 20: an admin's draft add-on (catalog_item_drafts), to save and launch. */
  catalogDraftId: number;
  /** Test clocks and fixtures made before the matrix (issue 22): one clock to read and advance, one to delete, a fixture to delete. */
  testClockId: number;
  testClockToDelete: number;
  fixtureToDelete: number;
}

/** How a call must be refused. */
type Refusal =
  /** The proxy sends the caller to sign-in (307 to /login): the action never runs. */
  | { kind: 'proxy' }
  /** Posted to a public page: Next.js forwards it to the action's page, the proxy refuses the forwarded request, the answer carries no action result. */
  | { kind: 'forwarded' }
  /** The action's own answer. */
  | { kind: 'action'; code: 'unauthenticated' | 'forbidden' | 'not_found' }
  /** A route handler's JSON error. */
  | { kind: 'http'; status: 401 | 403 | 404 }
  /** A TMF Open API's error body ({code, reason, message, status}). */
  | { kind: 'tmf'; status: 401 | 403 }
  /** The OAuth token endpoint's error (RFC 6749 §5.2). */
  | { kind: 'oauth'; status: 400 | 401; error: string };

interface Case {
  target: string;
  who: Who;
  threat: string;
  refusal: Refusal;
  /** The audited action name when the spec says the refusal is recorded (role and ownership). */
  audit?: string;
  run(
    c: HttpClient,
    w: World,
  ): Promise<ActionResponse | { httpStatus: number; body: unknown; location: string | null }>;
}

interface ActionSpec {
  /** A page that carries the action (checked against the manifest). */
  page(w: World, who: Who): string;
  /** Well-formed input as its rightful caller would send it (used for the "nobody" calls). */
  valid(w: World): Fields;
  refusals: Array<{ who: Who; threat: string; fields(w: World): Fields; refusal: Refusal; audit?: string }>;
  /** An action that takes no target and acts on the caller's own account only: why it has no signed-in refusal. */
  selfOnly?: string;
  /** A public action (issue 21: activation, reset, enrolment at sign-in): why anyone may call it, and what guards it instead. */
  publicAction?: string;
  /** Positive control: the rightful caller succeeds. */
  positive: { who: Who; run(c: HttpClient, w: World, entry: ActionEntry): Promise<ActionResponse> };
}

const notFound = { kind: 'action', code: 'not_found' } as const;
const forbidden = { kind: 'action', code: 'forbidden' } as const;

function confirmFields(subscriberId: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    subscriberId: String(subscriberId),
    plan: 'PREMIUM',
    add: '',
    remove: '',
    version: '1',
    idempotencyKey: randomUUID(),
    applyNow: 'false',
    ...extra,
  };
}

/** Issue 20: the Admin → Catalog actions (admins only; agents read the catalog). Positive controls run in this order. */
function catalogActionSpecs(): Record<string, ActionSpec> {
  const page = () => '/admin/catalog';
  const spec = (action: string, audit: string, what: string, fields: (w: World) => Fields): ActionSpec => ({
    page,
    valid: fields,
    refusals: [
      { who: 'ada', threat: `subscriber ${what} (admin function)`, fields, refusal: forbidden, audit },
      { who: 'agent', threat: `agent ${what} (agents only read the catalog)`, fields, refusal: forbidden, audit },
    ],
    positive: {
      who: 'admin',
      run: (c, w, entry) => callAction(c, { page: page(), actionId: entry.id, fields: fields(w) }),
    },
  });
  return {
    [CAT_CREATE]: spec(CAT_CREATE, 'catalog.create_draft', 'creates a catalog draft', () => ({
      kind: 'addon',
      code: 'matrix_new',
      name: 'Matrix new',
    })),
    [CAT_SAVE_DRAFT]: spec(CAT_SAVE_DRAFT, 'catalog.edit_draft', 'edits a catalog draft', (w) => ({
      draftId: String(w.catalogDraftId),
      name: 'Matrix add-on',
      monthly: '1.00',
      addOnKind: 'feature',
    })),
    [CAT_LAUNCH]: spec(CAT_LAUNCH, 'catalog.launch', 'launches a catalog draft', (w) => ({
      draftId: String(w.catalogDraftId),
    })),
    // The draft launched by the positive control before this one.
    [CAT_RULES]: spec(CAT_RULES, 'catalog.edit_rules', "changes an add-on's rules", () => ({
      kind: 'addon',
      code: 'matrix_addon',
      name: 'Matrix add-on',
      monthly: '1.00',
      addOnKind: 'feature',
    })),
    [CAT_RETIRE]: spec(CAT_RETIRE, 'catalog.retire', 'retires an add-on', () => ({
      kind: 'addon',
      code: 'matrix_addon',
    })),
    [CAT_PRICE]: spec(CAT_PRICE, 'catalog.change_price', 'previews a price change', () => ({
      kind: 'addon',
      code: 'intl_saver',
      newPrice: '6.50',
      effectiveOn: '2099-01-01',
    })),
    // A pay-per-use rate is a price (per minute): the same operation, previewed only.
    [CAT_RATE]: spec(CAT_RATE, 'catalog.change_price', 'previews a rate change', () => ({
      code: 'intl',
      newCents: '30',
      effectiveOn: '2099-01-01',
    })),
  };
}

const ACTIONS: Record<string, ActionSpec> = {
  [CONFIRM]: {
    page: () => '/change',
    valid: (w) => confirmFields(w.ada),
    refusals: [
      {
        who: 'ada',
        threat: "subscriber confirms a change on another subscriber's account",
        fields: (w) => confirmFields(w.ben, { version: String(w.benVersion) }),
        refusal: notFound,
        audit: 'confirm_change',
      },
      {
        who: 'ada',
        threat: 'subscriber applies a change now (an agent power)',
        fields: (w) => confirmFields(w.ada, { plan: 'PLUS', applyNow: 'true' }),
        refusal: forbidden,
        audit: 'confirm_change',
      },
    ],
    positive: {
      who: 'ada',
      async run(c, w, entry) {
        const page = await c.getText('/change?plan=PLUS');
        expect(page.status).toBe(200);
        const fields = confirmFormFields(page.text);
        expect(fields, 'the preview page has a confirm form').not.toBeNull();
        expect(fields!.subscriberId).toBe(String(w.ada));
        return callAction(c, { page: '/change', actionId: entry.id, fields: fields! });
      },
    },
  },
  [CANCEL]: {
    page: () => '/dashboard',
    valid: (w) => ({ subscriberId: String(w.ben), scheduledChangeId: String(w.benScheduledChangeId) }),
    refusals: [
      {
        who: 'ada',
        threat: "subscriber cancels another subscriber's scheduled change",
        fields: (w) => ({ subscriberId: String(w.ben), scheduledChangeId: String(w.benScheduledChangeId) }),
        refusal: notFound,
        audit: 'cancel_scheduled_change',
      },
      // Through their own account with the other's change id: the row is looked up within the
      // caller's subscription, so it is simply not found (nothing to audit: no one else's data was touched).
      {
        who: 'ada',
        threat: "subscriber cancels another's scheduled change through their own account id",
        fields: (w) => ({ subscriberId: String(w.ada), scheduledChangeId: String(w.benScheduledChangeId) }),
        refusal: notFound,
      },
    ],
    positive: {
      who: 'ben',
      run: (c, w, entry) =>
        callAction(c, {
          page: '/dashboard',
          actionId: entry.id,
          fields: { subscriberId: String(w.ben), scheduledChangeId: String(w.benScheduledChangeId) },
        }),
    },
  },
  [OFFER]: {
    page: () => '/dashboard',
    valid: (w) => ({ subscriberId: String(w.ben), offerKey: w.benOfferKey, response: 'dismissed' }),
    refusals: [
      {
        who: 'ada',
        threat: "subscriber dismisses an offer on another subscriber's account",
        fields: (w) => ({ subscriberId: String(w.ben), offerKey: w.benOfferKey, response: 'dismissed' }),
        refusal: notFound,
        audit: 'respond_to_offer',
      },
    ],
    positive: {
      who: 'ben',
      run: (c, w, entry) =>
        callAction(c, {
          page: '/dashboard',
          actionId: entry.id,
          fields: { subscriberId: String(w.ben), offerKey: w.benOfferKey, response: 'snoozed' },
        }),
    },
  },
  [NOTE]: {
    page: (w) => `/agent/subscribers/${w.ben}/audit`,
    valid: (w) => ({ subscriberId: String(w.ben), body: 'Customer asked about the bill.' }),
    refusals: [
      {
        who: 'ada',
        threat: "subscriber adds an agent note on another subscriber's account",
        fields: (w) => ({ subscriberId: String(w.ben), body: 'Nothing to see here.' }),
        refusal: forbidden,
        audit: 'add_note',
      },
      {
        who: 'ada',
        threat: 'subscriber adds an agent note on their own account (agent function)',
        fields: (w) => ({ subscriberId: String(w.ada), body: 'I am very important.' }),
        refusal: forbidden,
        audit: 'add_note',
      },
    ],
    positive: {
      who: 'agent',
      run: (c, w, entry) =>
        callAction(c, {
          page: `/agent/subscribers/${w.ben}/audit`,
          actionId: entry.id,
          fields: { subscriberId: String(w.ben), body: 'Customer asked about the bill.' },
        }),
    },
  },
  [CLOCK]: {
    page: () => '/admin/clock',
    valid: () => ({ op: 'advance', days: '40' }),
    refusals: [
      {
        who: 'ada',
        threat: 'subscriber moves the test clock (admin function)',
        fields: () => ({ op: 'advance', days: '40' }),
        refusal: forbidden,
        audit: 'move_test_clock',
      },
      {
        who: 'agent',
        threat: 'agent moves the test clock (admin function)',
        fields: () => ({ op: 'set', at: '2030-01-01T00:00:00Z' }),
        refusal: forbidden,
        audit: 'move_test_clock',
      },
    ],
    positive: {
      who: 'admin',
      run: (c, _w, entry) => callAction(c, { page: '/admin/clock', actionId: entry.id, fields: { op: 'reset' } }),
    },
  },
  [CREATE_CLIENT]: {
    page: () => '/admin/api-clients',
    valid: () => ({ name: 'Matrix CRM', scopes: 'catalog.read' }),
    refusals: [
      {
        who: 'ada',
        threat: 'subscriber creates an API client (admin function)',
        fields: () => ({ name: 'Mine', scopes: 'customer.write' }),
        refusal: forbidden,
        audit: 'api_client.create',
      },
      {
        who: 'agent',
        threat: 'agent creates an API client (admin function)',
        fields: () => ({ name: 'Mine', scopes: 'catalog.write' }),
        refusal: forbidden,
        audit: 'api_client.create',
      },
    ],
    positive: {
      who: 'admin',
      run: (c, _w, entry) =>
        callAction(c, {
          page: '/admin/api-clients',
          actionId: entry.id,
          fields: { name: 'Matrix CRM', scopes: 'catalog.read' },
        }),
    },
  },
  [ROTATE_CLIENT]: {
    page: () => '/admin/api-clients',
    valid: (w) => ({ clientId: w.managedClientId }),
    refusals: [
      {
        who: 'ada',
        threat: 'subscriber takes a new secret for an API client (admin function)',
        fields: (w) => ({ clientId: w.managedClientId }),
        refusal: forbidden,
        audit: 'api_client.rotate',
      },
      {
        who: 'agent',
        threat: 'agent takes a new secret for an API client (admin function)',
        fields: (w) => ({ clientId: w.managedClientId }),
        refusal: forbidden,
        audit: 'api_client.rotate',
      },
    ],
    positive: {
      who: 'admin',
      run: (c, w, entry) =>
        callAction(c, { page: '/admin/api-clients', actionId: entry.id, fields: { clientId: w.managedClientId } }),
    },
  },
  [REVOKE_CLIENT]: {
    page: () => '/admin/api-clients',
    valid: (w) => ({ clientId: w.managedClientId }),
    refusals: [
      {
        who: 'ada',
        threat: 'subscriber revokes an API client (admin function)',
        fields: (w) => ({ clientId: w.managedClientId }),
        refusal: forbidden,
        audit: 'api_client.revoke',
      },
      {
        who: 'agent',
        threat: 'agent revokes an API client (admin function)',
        fields: (w) => ({ clientId: w.managedClientId }),
        refusal: forbidden,
        audit: 'api_client.revoke',
      },
    ],
    positive: {
      who: 'admin',
      run: (c, w, entry) =>
        callAction(c, { page: '/admin/api-clients', actionId: entry.id, fields: { clientId: w.managedClientId } }),
    },
  },
  [RETRY]: {
    page: () => '/admin/deliveries',
    valid: (w) => ({ deliveryId: String(w.deadDeliveryId) }),
    refusals: [
      {
        who: 'ada',
        threat: 'subscriber retries a dead delivery (admin function)',
        fields: (w) => ({ deliveryId: String(w.deadDeliveryId) }),
        refusal: forbidden,
        audit: 'retry_delivery',
      },
      {
        who: 'agent',
        threat: 'agent retries a dead delivery (admin function)',
        fields: (w) => ({ deliveryId: String(w.deadDeliveryId) }),
        refusal: forbidden,
        audit: 'retry_delivery',
      },
    ],
    positive: {
      who: 'admin',
      run: (c, w, entry) =>
        callAction(c, {
          page: '/admin/deliveries',
          actionId: entry.id,
          fields: { deliveryId: String(w.deadDeliveryId) },
        }),
    },
  },
  [CONSENT]: {
    page: () => '/account/profile',
    valid: () => ({ offerEmails: 'on' }),
    refusals: [
      {
        who: 'agent',
        threat: 'agent gives offer-email consent (only the subscriber can, for themself)',
        fields: () => ({ offerEmails: 'on' }),
        refusal: forbidden,
        audit: 'set_offer_email_consent',
      },
      {
        who: 'admin',
        threat: 'admin gives offer-email consent (only the subscriber can, for themself)',
        fields: () => ({ offerEmails: 'on' }),
        refusal: forbidden,
        audit: 'set_offer_email_consent',
      },
    ],
    positive: {
      who: 'ada',
      run: (c, _w, entry) =>
        callAction(c, { page: '/account/profile', actionId: entry.id, fields: { offerEmails: 'on' } }),
    },
  },
  [SIGN_OUT_EVERYWHERE]: {
    page: () => '/account',
    valid: () => ({}),
    refusals: [],
    selfOnly:
      'it takes no input and ends the sessions of the signed-in account only (any field sent is ignored); nobody and ghost sessions are refused above',
    // Ends every session of ben's (run after ben's other positive controls; no later control uses ben).
    positive: {
      who: 'ben',
      async run(c, w, entry) {
        const r = await callAction(c, {
          page: '/account',
          actionId: entry.id,
          fields: { userId: String(w.userId.ada) },
        });
        // ben's cookie is dead now; ada's is not.
        expect((await c.getJson(`/api/v1/subscribers/${w.ben}/offers`)).status).toBe(401);
        return r;
      },
    },
  },
  ...catalogActionSpecs(),
  [BILL_STATE]: {
    page: (w) => `/agent/subscribers/${w.ben}/bills`,
    valid: (w) => ({ subscriberId: String(w.ben), billNumber: String(w.benBill), state: 'sent', reason: 'Posted' }),
    refusals: [
      {
        who: 'ada',
        threat: "subscriber changes the state of another subscriber's bill",
        fields: (w) => ({ subscriberId: String(w.ben), billNumber: String(w.benBill), state: 'settled', reason: 'x' }),
        refusal: forbidden,
        audit: 'change_bill_state',
      },
      {
        who: 'ada',
        threat: 'subscriber settles their own bill (agent function)',
        fields: (w) => ({ subscriberId: String(w.ada), billNumber: String(w.adaBill), state: 'settled', reason: 'x' }),
        refusal: forbidden,
        audit: 'change_bill_state',
      },
    ],
    positive: {
      who: 'agent',
      run: (c, w, entry) =>
        callAction(c, {
          page: `/agent/subscribers/${w.ben}/bills`,
          actionId: entry.id,
          fields: { subscriberId: String(w.ben), billNumber: String(w.benBill), state: 'on_hold', reason: 'Disputed' },
        }),
    },
  },
  [ACTIVATE]: {
    page: () => '/activate',
    valid: () => ({ accountNumber: 'SB-100009', email: 'ivy@example.com' }),
    refusals: [],
    publicAction:
      'for people without a password; the same answer whether or not an account matches, throttled (tests/integration/accounts.test.ts)',
    positive: {
      who: 'nobody',
      run: (c, _w, entry) =>
        callAction(c, {
          page: '/activate',
          actionId: entry.id,
          fields: { accountNumber: 'SB-100009', email: 'ivy@example.com' },
        }),
    },
  },
  [FORGOT]: {
    page: () => '/forgot-password',
    valid: () => ({ email: 'ada@example.com' }),
    refusals: [],
    publicAction:
      'for people who forgot their password; the same answer whether or not the address has an account, throttled',
    positive: {
      who: 'nobody',
      run: (c, _w, entry) =>
        callAction(c, { page: '/forgot-password', actionId: entry.id, fields: { email: 'ada@example.com' } }),
    },
  },
  [SET_PASSWORD]: {
    page: () => '/set-password',
    valid: () => ({
      token: MATRIX_LINK_TOKEN,
      password: 'gus chose a long passphrase',
      confirm: 'gus chose a long passphrase',
    }),
    refusals: [],
    publicAction: 'the one-time link is the credential: only its holder can use it, once, within 30 minutes',
    positive: {
      who: 'nobody',
      run: (c, _w, entry) =>
        callAction(c, {
          page: '/set-password',
          actionId: entry.id,
          fields: {
            token: MATRIX_LINK_TOKEN,
            password: 'gus chose a long passphrase',
            confirm: 'gus chose a long passphrase',
          },
        }),
    },
  },
  [ENROLL]: {
    page: () => '/login',
    valid: () => ({ email: 'robin@example.com', password: 'switchboard-demo' }),
    refusals: [],
    publicAction:
      'part of signing in: it checks the password itself (throttled) and only for staff without a second factor',
    positive: {
      who: 'nobody',
      run: (c, _w, entry) =>
        callAction(c, {
          page: '/login',
          actionId: entry.id,
          fields: { email: 'robin@example.com', password: 'switchboard-demo' },
        }),
    },
  },
  [CHANGE_PASSWORD]: {
    page: () => '/account',
    valid: () => ({ current: 'switchboard-demo', password: 'a long new passphrase', confirm: 'a long new passphrase' }),
    refusals: [],
    selfOnly:
      "it changes the signed-in account's own password only, after its current password (any user field sent is ignored); nobody and ghost sessions are refused above",
    // The agent goes on with the new session cookie the answer sets.
    positive: {
      who: 'agent',
      run: (c, w, entry) =>
        callAction(c, {
          page: '/account',
          actionId: entry.id,
          fields: {
            current: 'switchboard-demo',
            password: 'the agent picks a long passphrase',
            confirm: 'the agent picks a long passphrase',
            userId: String(w.userId.ada),
          },
        }),
    },
  },
  [RESET_FACTOR]: {
    page: () => '/admin/staff',
    valid: (w) => ({ userId: String(w.robinUserId) }),
    refusals: [
      {
        who: 'agent',
        threat: "agent resets a staff member's second factor (admins only)",
        fields: (w) => ({ userId: String(w.robinUserId) }),
        refusal: forbidden,
        audit: 'staff.reset_second_factor',
      },
      {
        who: 'ada',
        threat: "subscriber resets a staff member's second factor",
        fields: (w) => ({ userId: String(w.userId.admin) }),
        refusal: forbidden,
        audit: 'staff.reset_second_factor',
      },
    ],
    positive: {
      who: 'admin',
      run: (c, w, entry) =>
        callAction(c, { page: '/admin/staff', actionId: entry.id, fields: { userId: String(w.robinUserId) } }),
    },
  },
};

/** A JSON body, a form-encoded string, or either made from the world. */
type Body = unknown;
type HeaderSpec = Record<string, string> | ((w: World) => Record<string, string>);

interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  cases: Array<{
    who: Who;
    threat: string;
    path(w: World): string;
    body?: Body;
    headers?: HeaderSpec;
    refusal: Refusal;
    audit?: string;
  }>;
  positive: Array<{
    who: Who;
    path(w: World): string;
    body?: Body;
    headers?: HeaderSpec;
    status?: number;
    check(body: unknown, w: World): void;
  }>;
}

/** The request init of a matrix call: JSON bodies as JSON, strings form-encoded (the token endpoint). */
function requestInit(method: string, w: World, body: Body, headers: HeaderSpec | undefined): RequestInit {
  const b = typeof body === 'function' ? (body as (w: World) => unknown)(w) : body;
  const h = typeof headers === 'function' ? headers(w) : (headers ?? {});
  const type: Record<string, string> =
    b === undefined
      ? {}
      : { 'content-type': typeof b === 'string' ? 'application/x-www-form-urlencoded' : 'application/json' };
  return {
    method,
    headers: { ...type, ...h },
    body: b === undefined ? undefined : typeof b === 'string' ? b : JSON.stringify(b),
  };
}

const tmf401 = { kind: 'tmf', status: 401 } as const;
const tmf403 = { kind: 'tmf', status: 403 } as const;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The refusals every TMF operation gets: no token, a session cookie instead of a token (sessions
 * don't open the TMF APIs, whatever the role), a malformed token, and a valid token without the
 * operation's scope (403, audited with the client as the actor).
 */
function tmfRoute(
  method: RouteSpec['method'],
  path: (w: World) => string,
  audit: string,
  body: Body,
  positive: RouteSpec['positive'],
  limitedToken: (w: World) => string = (w) => w.tmfLimitedToken,
): RouteSpec {
  return {
    method,
    cases: [
      { who: 'nobody', threat: 'no bearer token', path, body, refusal: tmf401 },
      {
        who: 'ghost',
        threat: 'a session cookie of an account that does not exist, no token',
        path,
        body,
        refusal: tmf401,
      },
      { who: 'admin', threat: 'an admin session instead of a token', path, body, refusal: tmf401 },
      {
        who: 'apiClient',
        threat: 'a malformed bearer token',
        path,
        body,
        headers: { authorization: 'Bearer not a token' },
        refusal: tmf401,
      },
      {
        who: 'apiClient',
        threat: "a token without the operation's scope",
        path,
        body,
        headers: (w) => bearer(limitedToken(w)),
        refusal: tmf403,
        audit,
      },
    ],
    positive: positive.map((p) => ({ ...p, headers: (w: World) => bearer(w.tmfToken) })),
  };
}

/**
 * POST and DELETE …/hub of one API (issue 19). The positive POST registers a listener whose id
 * the positive DELETE removes. The TMF635 hub needs usage.read, which the limited client holds:
 * its "token without the scope" case is dropped (the other refusals stay).
 */
function hubRoutes(base: string, api: string, key: string): Record<string, RouteSpec> {
  const callback = { callback: 'http://127.0.0.1:9/matrix-listener' };
  const post = tmfRoute('POST', () => `${base}/hub`, `${api}.hub.create`, callback, [
    {
      who: 'apiClient',
      path: () => `${base}/hub`,
      body: callback,
      status: 201,
      check: (b) => {
        expect(b).toMatchObject({ id: expect.any(String), callback: callback.callback });
        hubIds[key] = (b as { id: string }).id;
      },
    },
  ]);
  const del = tmfRoute('DELETE', () => `${base}/hub/1`, `${api}.hub.delete`, undefined, [
    {
      who: 'apiClient',
      path: () => `${base}/hub/${hubIds[key]}`,
      status: 204,
      check: (b) => expect(b).toBeUndefined(),
    },
  ]);
  if (api === 'tmf635') {
    for (const spec of [post, del])
      spec.cases = spec.cases.filter((c) => c.refusal.kind !== 'tmf' || c.refusal.status !== 403);
  }
  return { [`POST ${base}/hub`]: post, [`DELETE ${base}/hub/[id]`]: del };
}

const isList = (b: unknown) => expect(Array.isArray(b) && b.length > 0).toBe(true);

const http401 = { kind: 'http', status: 401 } as const;
const http403 = { kind: 'http', status: 403 } as const;
const http404 = { kind: 'http', status: 404 } as const;

const FIXTURES_ROUTE = '/api/v1/test/fixtures';
const TEST_CLOCKS_ROUTE = '/api/v1/test/clocks';

/** The refusals of every test-fixture and test-clock route (issue 22): as the test clock's. */
function testRouteCases(path: (w: World) => string, body: Body, audit: string): RouteSpec['cases'] {
  return [
    { who: 'nobody', threat: 'no session', path, body, refusal: http401 },
    {
      who: 'nobody',
      threat: 'a wrong test-clock token',
      path,
      body,
      headers: { 'x-test-clock-token': `${TEST_CLOCK_TOKEN}x` },
      refusal: http401,
    },
    { who: 'ghost', threat: 'signed session of an account that does not exist', path, body, refusal: http401 },
    { who: 'ada', threat: 'a subscriber uses a test route (admin function)', path, body, refusal: http403, audit },
    { who: 'agent', threat: 'an agent uses a test route (admin function)', path, body, refusal: http403, audit },
  ];
}

const BILLS_ROUTE = '/api/v1/subscribers/[id]/bills';
const BILL_ROUTE = '/api/v1/subscribers/[id]/bills/[number]';
const BILL_PDF_ROUTE = '/api/v1/subscribers/[id]/bills/[number]/pdf';

/** The same refusals for the three bill routes (owner, agent, admin; others 404 as the offers route). */
function billCases(suffix: (w: World, own: 'ada' | 'ben') => string, audit: string): RouteSpec['cases'] {
  return [
    {
      who: 'nobody',
      threat: 'no session',
      path: (w) => `/api/v1/subscribers/${w.ada}/bills${suffix(w, 'ada')}`,
      refusal: http401,
    },
    {
      who: 'ghost',
      threat: 'signed session of an account that does not exist',
      path: (w) => `/api/v1/subscribers/${w.ada}/bills${suffix(w, 'ada')}`,
      refusal: http401,
    },
    {
      who: 'ada',
      threat: "subscriber reads another subscriber's bills",
      path: (w) => `/api/v1/subscribers/${w.ben}/bills${suffix(w, 'ben')}`,
      refusal: http404,
      audit,
    },
    {
      who: 'ada',
      threat: 'subscriber probes an account id that does not exist',
      path: (w) => `/api/v1/subscribers/${w.missingSubscriber}/bills${suffix(w, 'ada')}`,
      refusal: http404,
      audit,
    },
  ];
}

const ROUTES: Record<string, RouteSpec> = {
  [`GET ${BILLS_ROUTE}`]: {
    method: 'GET',
    cases: billCases(() => '', 'view_bills'),
    positive: [
      {
        who: 'ada',
        path: (w) => `/api/v1/subscribers/${w.ada}/bills`,
        check: (b, w) =>
          expect(b).toMatchObject({
            subscriberId: w.ada,
            bills: expect.arrayContaining([expect.objectContaining({ number: w.adaBill })]),
          }),
      },
      {
        who: 'agent',
        path: (w) => `/api/v1/subscribers/${w.ben}/bills`,
        check: (b, w) => expect(b).toMatchObject({ subscriberId: w.ben }),
      },
      {
        who: 'admin',
        path: (w) => `/api/v1/subscribers/${w.ben}/bills`,
        check: (b, w) => expect(b).toMatchObject({ subscriberId: w.ben }),
      },
    ],
  },
  [`GET ${BILL_ROUTE}`]: {
    method: 'GET',
    cases: [
      ...billCases((w, own) => `/${own === 'ada' ? w.adaBill : w.benBill}`, 'view_bill'),
      // Numbers are per operator: Ben's bill number under Ada's own id is not hers.
      {
        who: 'ada',
        threat: "subscriber asks for another subscriber's bill number under their own id",
        path: (w) => `/api/v1/subscribers/${w.ada}/bills/${w.benBill}`,
        refusal: http404,
      },
    ],
    positive: [
      {
        who: 'ada',
        path: (w) => `/api/v1/subscribers/${w.ada}/bills/${w.adaBill}`,
        check: (b, w) => expect(b).toMatchObject({ number: w.adaBill, totalCents: 4400 }),
      },
      {
        who: 'agent',
        path: (w) => `/api/v1/subscribers/${w.ben}/bills/${w.benBill}`,
        check: (b, w) => expect(b).toMatchObject({ number: w.benBill }),
      },
    ],
  },
  [`GET ${BILL_PDF_ROUTE}`]: {
    method: 'GET',
    cases: [
      ...billCases((w, own) => `/${own === 'ada' ? w.adaBill : w.benBill}/pdf`, 'view_bill'),
      {
        who: 'ada',
        threat: "subscriber downloads another subscriber's bill under their own id",
        path: (w) => `/api/v1/subscribers/${w.ada}/bills/${w.benBill}/pdf`,
        refusal: http404,
      },
    ],
    // Not JSON: the body is a PDF (getJson leaves it undefined); tests/e2e/05-bills.spec.ts reads its text.
    positive: [
      {
        who: 'ada',
        path: (w) => `/api/v1/subscribers/${w.ada}/bills/${w.adaBill}/pdf`,
        check: (b) => expect(b).toBeUndefined(),
      },
      {
        who: 'admin',
        path: (w) => `/api/v1/subscribers/${w.ben}/bills/${w.benBill}/pdf`,
        check: (b) => expect(b).toBeUndefined(),
      },
    ],
  },
  [`GET ${OFFERS_ROUTE}`]: {
    method: 'GET',
    cases: [
      { who: 'nobody', threat: 'no session', path: (w) => `/api/v1/subscribers/${w.ada}/offers`, refusal: http401 },
      {
        who: 'ghost',
        threat: 'signed session of an account that does not exist',
        path: (w) => `/api/v1/subscribers/${w.ada}/offers`,
        refusal: http401,
      },
      {
        who: 'ada',
        threat: "subscriber reads another subscriber's offers",
        path: (w) => `/api/v1/subscribers/${w.ben}/offers`,
        refusal: http404,
        audit: 'view_offers',
      },
      {
        who: 'ada',
        threat: 'subscriber probes an account id that does not exist',
        path: (w) => `/api/v1/subscribers/${w.missingSubscriber}/offers`,
        refusal: http404,
        audit: 'view_offers',
      },
    ],
    positive: [
      {
        who: 'ada',
        path: (w) => `/api/v1/subscribers/${w.ada}/offers`,
        check: (b, w) => expect(b).toMatchObject({ subscriberId: w.ada }),
      },
      {
        who: 'agent',
        path: (w) => `/api/v1/subscribers/${w.ben}/offers`,
        check: (b, w) => expect(b).toMatchObject({ subscriberId: w.ben }),
      },
    ],
  },
  [`GET ${CLOCK_ROUTE}`]: {
    method: 'GET',
    cases: [
      { who: 'nobody', threat: 'no session', path: () => CLOCK_ROUTE, refusal: http401 },
      {
        who: 'nobody',
        threat: 'a wrong test-clock token',
        path: () => CLOCK_ROUTE,
        headers: { 'x-test-clock-token': `${TEST_CLOCK_TOKEN}x` },
        refusal: http401,
      },
      {
        who: 'ghost',
        threat: 'signed session of an account that does not exist',
        path: () => CLOCK_ROUTE,
        refusal: http401,
      },
      {
        who: 'ada',
        threat: 'subscriber reads the test clock (admin function)',
        path: () => CLOCK_ROUTE,
        refusal: http403,
        audit: 'read_test_clock',
      },
      {
        who: 'agent',
        threat: 'agent reads the test clock (admin function)',
        path: () => CLOCK_ROUTE,
        refusal: http403,
        audit: 'read_test_clock',
      },
    ],
    positive: [
      { who: 'admin', path: () => CLOCK_ROUTE, check: (b) => expect(b).toMatchObject({ enabled: true }) },
      {
        who: 'nobody',
        path: () => CLOCK_ROUTE,
        headers: { 'x-test-clock-token': TEST_CLOCK_TOKEN },
        check: (b) => expect(b).toMatchObject({ enabled: true }),
      },
    ],
  },
  [`POST ${CLOCK_ROUTE}`]: {
    method: 'POST',
    cases: [
      { who: 'nobody', threat: 'no session', path: () => CLOCK_ROUTE, body: { advanceDays: 40 }, refusal: http401 },
      {
        who: 'nobody',
        threat: 'a wrong test-clock token',
        path: () => CLOCK_ROUTE,
        body: { advanceDays: 40 },
        headers: { 'x-test-clock-token': TEST_CLOCK_TOKEN.slice(0, -1) },
        refusal: http401,
      },
      {
        who: 'ghost',
        threat: 'signed session of an account that does not exist',
        path: () => CLOCK_ROUTE,
        body: { advanceDays: 40 },
        refusal: http401,
      },
      {
        who: 'ada',
        threat: 'subscriber moves the test clock (admin function)',
        path: () => CLOCK_ROUTE,
        body: { advanceDays: 40 },
        refusal: http403,
        audit: 'move_test_clock',
      },
      {
        who: 'agent',
        threat: 'agent moves the test clock (admin function)',
        path: () => CLOCK_ROUTE,
        body: { set: '2030-01-01T00:00:00Z' },
        refusal: http403,
        audit: 'move_test_clock',
      },
    ],
    positive: [
      {
        who: 'admin',
        path: () => CLOCK_ROUTE,
        body: { reset: true },
        check: (b) => expect(b).toMatchObject({ enabled: true, offsetMs: 0 }),
      },
      {
        who: 'nobody',
        path: () => CLOCK_ROUTE,
        body: { reset: true },
        headers: { 'x-test-clock-token': TEST_CLOCK_TOKEN },
        check: (b) => expect(b).toMatchObject({ enabled: true, offsetMs: 0 }),
      },
    ],
  },
  [`POST ${TOKEN_ROUTE}`]: {
    method: 'POST',
    cases: [
      {
        who: 'nobody',
        threat: 'no client credentials',
        path: () => TOKEN_ROUTE,
        body: 'grant_type=client_credentials',
        refusal: { kind: 'oauth', status: 401, error: 'invalid_client' },
      },
      {
        who: 'nobody',
        threat: 'a wrong client secret',
        path: () => TOKEN_ROUTE,
        body: (w: World) => `grant_type=client_credentials&client_id=${w.tmfCredentials.clientId}&client_secret=wrong`,
        refusal: { kind: 'oauth', status: 401, error: 'invalid_client' },
      },
      {
        who: 'ghost',
        threat: 'a session cookie instead of client credentials',
        path: () => TOKEN_ROUTE,
        body: 'grant_type=client_credentials',
        refusal: { kind: 'oauth', status: 401, error: 'invalid_client' },
      },
      {
        who: 'admin',
        threat: 'an admin session instead of client credentials',
        path: () => TOKEN_ROUTE,
        body: 'grant_type=client_credentials',
        refusal: { kind: 'oauth', status: 401, error: 'invalid_client' },
      },
    ],
    positive: [
      {
        who: 'nobody',
        path: () => TOKEN_ROUTE,
        body: (w: World) =>
          `grant_type=client_credentials&client_id=${w.tmfCredentials.clientId}&client_secret=${encodeURIComponent(w.tmfCredentials.clientSecret)}`,
        check: (b) =>
          expect(b).toMatchObject({ token_type: 'Bearer', expires_in: 900, access_token: expect.any(String) }),
      },
    ],
  },
  [`GET ${TMF620}/[resource]`]: tmfRoute('GET', () => `${TMF620}/productOffering`, 'tmf620.list', undefined, [
    { who: 'apiClient', path: () => `${TMF620}/productOffering`, check: isList },
  ]),
  [`POST ${TMF620}/[resource]`]: tmfRoute(
    'POST',
    () => `${TMF620}/productOffering`,
    'tmf620.create',
    { name: 'Not allowed' },
    [
      {
        who: 'apiClient',
        path: () => `${TMF620}/productOffering`,
        body: { name: 'Matrix draft' },
        status: 201,
        check: (b) => expect(b).toMatchObject({ lifecycleStatus: 'In design' }),
      },
    ],
  ),
  [`GET ${TMF620}/[resource]/[id]`]: tmfRoute(
    'GET',
    () => `${TMF620}/productOffering/PLUS`,
    'tmf620.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: () => `${TMF620}/productOffering/PLUS`,
        check: (b) => expect(b).toMatchObject({ id: 'PLUS', lifecycleStatus: 'Launched' }),
      },
    ],
  ),
  [`PATCH ${TMF620}/[resource]/[id]`]: tmfRoute(
    'PATCH',
    (w) => `${TMF620}/productOffering/${w.draftId}`,
    'tmf620.update',
    { name: 'Hijacked' },
    [
      {
        who: 'apiClient',
        path: (w) => `${TMF620}/productOffering/${w.draftId}`,
        body: { name: 'Renamed draft' },
        check: (b) => expect(b).toMatchObject({ name: 'Renamed draft' }),
      },
    ],
  ),
  [`DELETE ${TMF620}/[resource]/[id]`]: tmfRoute(
    'DELETE',
    (w) => `${TMF620}/productOffering/${w.draftId}`,
    'tmf620.delete',
    undefined,
    [
      {
        who: 'apiClient',
        path: (w) => `${TMF620}/productOffering/${w.draftId}`,
        status: 204,
        check: (b) => expect(b).toBeUndefined(),
      },
    ],
  ),
  [`GET ${TMF629}/customer`]: tmfRoute('GET', () => `${TMF629}/customer`, 'tmf629.customer.list', undefined, [
    { who: 'apiClient', path: () => `${TMF629}/customer?limit=5`, check: isList },
  ]),
  [`POST ${TMF629}/customer`]: tmfRoute(
    'POST',
    () => `${TMF629}/customer`,
    'tmf629.customer.create',
    { name: 'Not allowed', engagedParty: { id: 'x', '@referredType': 'Individual' } },
    [
      {
        who: 'apiClient',
        path: () => `${TMF629}/customer`,
        body: { name: 'Matrix Customer', engagedParty: { id: 'm-1', '@referredType': 'Individual' } },
        status: 201,
        check: (b) => expect(b).toMatchObject({ name: 'Matrix Customer' }),
      },
    ],
  ),
  [`GET ${TMF629}/customer/[id]`]: tmfRoute(
    'GET',
    (w) => `${TMF629}/customer/${w.ben}`,
    'tmf629.customer.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: (w) => `${TMF629}/customer/${w.ben}`,
        check: (b, w) => expect(b).toMatchObject({ id: String(w.ben) }),
      },
    ],
  ),
  [`PATCH ${TMF629}/customer/[id]`]: tmfRoute(
    'PATCH',
    (w) => `${TMF629}/customer/${w.ben}`,
    'tmf629.customer.update',
    { name: 'Hijacked' },
    [
      {
        who: 'apiClient',
        path: (w) => `${TMF629}/customer/${w.ben}`,
        body: { name: 'Ben Okafor' },
        check: (b) => expect(b).toMatchObject({ name: 'Ben Okafor' }),
      },
    ],
  ),
  [`GET ${TMF637}/product`]: tmfRoute(
    'GET',
    (w) => `${TMF637}/product?relatedParty.id=${w.ben}`,
    'tmf637.product.list',
    undefined,
    [{ who: 'apiClient', path: (w) => `${TMF637}/product?relatedParty.id=${w.ben}`, check: isList }],
  ),
  [`GET ${TMF637}/product/[id]`]: tmfRoute(
    'GET',
    (w) => `${TMF637}/product/${w.ben}-PLUS-0`,
    'tmf637.product.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: (w) => `${TMF637}/product/${w.ben}-PLUS-0`,
        check: (b) => expect(b).toMatchObject({ productOffering: { id: 'PLUS' } }),
      },
    ],
  ),
  // Test fixtures and test clocks (issue 22): an admin or the suite's token; 404 in a deployment (tests/http/security.test.ts).
  [`POST ${FIXTURES_ROUTE}`]: {
    method: 'POST',
    cases: testRouteCases(() => FIXTURES_ROUTE, { plan: 'BASIC' }, 'manage_test_fixtures'),
    positive: [
      {
        who: 'nobody',
        path: () => FIXTURES_ROUTE,
        body: { plan: 'BASIC', addOns: ['voicemail'], billingDay: 5, pastPeriods: 2, usage: { ldMinutes: 40 } },
        headers: { 'x-test-clock-token': TEST_CLOCK_TOKEN },
        status: 201,
        check: (b) =>
          expect(b).toMatchObject({ email: expect.stringMatching(/@/), password: expect.any(String), bills: 3 }),
      },
      {
        who: 'admin',
        path: () => FIXTURES_ROUTE,
        body: { plan: 'LEGACY', pastPeriods: 0 },
        status: 201,
        check: (b) => expect(b).toMatchObject({ bills: 1, clockId: null }),
      },
    ],
  },
  [`DELETE ${FIXTURES_ROUTE}/[id]`]: {
    method: 'DELETE',
    cases: testRouteCases((w) => `${FIXTURES_ROUTE}/${w.fixtureToDelete}`, undefined, 'manage_test_fixtures'),
    positive: [
      {
        who: 'nobody',
        path: (w) => `${FIXTURES_ROUTE}/${w.fixtureToDelete}`,
        headers: { 'x-test-clock-token': TEST_CLOCK_TOKEN },
        check: (b, w) => expect(b).toEqual({ deleted: w.fixtureToDelete }),
      },
    ],
  },
  [`POST ${TEST_CLOCKS_ROUTE}`]: {
    method: 'POST',
    cases: testRouteCases(() => TEST_CLOCKS_ROUTE, {}, 'manage_test_clocks'),
    positive: [
      {
        who: 'admin',
        path: () => TEST_CLOCKS_ROUTE,
        body: { frozenTime: '2027-01-01T00:00:00Z', name: 'Matrix' },
        status: 201,
        check: (b) => expect(b).toMatchObject({ name: 'Matrix', today: '2027-01-01', subscriberIds: [] }),
      },
    ],
  },
  [`GET ${TEST_CLOCKS_ROUTE}/[id]`]: {
    method: 'GET',
    cases: testRouteCases((w) => `${TEST_CLOCKS_ROUTE}/${w.testClockId}`, undefined, 'manage_test_clocks'),
    positive: [
      {
        who: 'nobody',
        path: (w) => `${TEST_CLOCKS_ROUTE}/${w.testClockId}`,
        headers: { 'x-test-clock-token': TEST_CLOCK_TOKEN },
        check: (b, w) => expect(b).toMatchObject({ id: w.testClockId, today: '2026-11-16' }),
      },
    ],
  },
  [`DELETE ${TEST_CLOCKS_ROUTE}/[id]`]: {
    method: 'DELETE',
    cases: testRouteCases((w) => `${TEST_CLOCKS_ROUTE}/${w.testClockToDelete}`, undefined, 'manage_test_clocks'),
    positive: [
      {
        who: 'admin',
        path: (w) => `${TEST_CLOCKS_ROUTE}/${w.testClockToDelete}`,
        check: (b, w) =>
          expect(b).toMatchObject({ deleted: w.testClockToDelete, fixturesDeleted: [expect.any(Number)] }),
      },
    ],
  },
  [`POST ${TEST_CLOCKS_ROUTE}/[id]/advance`]: {
    method: 'POST',
    cases: testRouteCases(
      (w) => `${TEST_CLOCKS_ROUTE}/${w.testClockId}/advance`,
      { to: '2026-12-02T00:00:00Z' },
      'manage_test_clocks',
    ),
    positive: [
      {
        who: 'nobody',
        path: (w) => `${TEST_CLOCKS_ROUTE}/${w.testClockId}/advance`,
        body: { to: '2026-12-02T00:00:00Z' },
        headers: { 'x-test-clock-token': TEST_CLOCK_TOKEN },
        check: (b) => expect(b).toMatchObject({ today: '2026-12-02', failed: [] }),
      },
    ],
  },
  // Usage in (issue 19): TMF635. The limited client holds usage.read, so these are refused with a token of one without usage scopes.
  [`GET ${TMF635}/usage`]: tmfRoute(
    'GET',
    () => `${TMF635}/usage`,
    'tmf635.usage.list',
    undefined,
    [
      {
        who: 'apiClient',
        path: () => `${TMF635}/usage?limit=5`,
        check: (b) => expect(Array.isArray(b)).toBe(true),
      },
    ],
    (w) => w.tmfNoUsageToken,
  ),
  [`POST ${TMF635}/usage`]: tmfRoute(
    'POST',
    () => `${TMF635}/usage`,
    'tmf635.usage.create',
    { usageSpecification: { id: 'long-distance' } },
    [
      {
        who: 'apiClient',
        path: () => `${TMF635}/usage`,
        status: 201,
        body: {
          // No subscriber named: stored rejected (201), nothing counted.
          id: 'matrix-usage-1',
          usageSpecification: { id: 'long-distance' },
          usageCharacteristic: [{ name: 'quantity', value: 3 }],
        },
        check: (b) => expect(b).toMatchObject({ id: 'matrix-usage-1', status: 'rejected', '@type': 'Usage' }),
      },
    ],
    (w) => w.tmfNoUsageToken,
  ),
  [`GET ${TMF635}/usage/[id]`]: tmfRoute(
    'GET',
    () => `${TMF635}/usage/matrix-usage-1`,
    'tmf635.usage.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: () => `${TMF635}/usage/matrix-usage-1`,
        check: (b) => expect(b).toMatchObject({ id: 'matrix-usage-1' }),
      },
    ],
    (w) => w.tmfNoUsageToken,
  ),
  [`POST ${TMF635}/usageBatch`]: tmfRoute(
    'POST',
    () => `${TMF635}/usageBatch`,
    'tmf635.usage.batch',
    { usage: [{ usageSpecification: { id: 'long-distance' } }] },
    [
      {
        who: 'apiClient',
        path: () => `${TMF635}/usageBatch`,
        body: { usage: [{ id: 'matrix-usage-2', usageSpecification: { id: 'long-distance' } }] },
        check: (b) => expect(b).toMatchObject({ accepted: 1, rejected: 1, refused: 0 }),
      },
    ],
    (w) => w.tmfNoUsageToken,
  ),
  [`GET ${TMF635}/usageSpecification`]: tmfRoute(
    'GET',
    () => `${TMF635}/usageSpecification`,
    'tmf635.usageSpecification.list',
    undefined,
    [{ who: 'apiClient', path: () => `${TMF635}/usageSpecification`, check: isList }],
    (w) => w.tmfNoUsageToken,
  ),
  [`POST ${TMF635}/usageSpecification`]: tmfRoute(
    'POST',
    () => `${TMF635}/usageSpecification`,
    'tmf635.usageSpecification.create',
    { name: 'Hijacked kind' },
    [
      {
        who: 'apiClient',
        path: () => `${TMF635}/usageSpecification`,
        status: 201,
        body: { name: 'Matrix kind' },
        check: (b) => expect(b).toMatchObject({ name: 'Matrix kind', lifecycleStatus: 'In design' }),
      },
    ],
    (w) => w.tmfNoUsageToken,
  ),
  [`GET ${TMF635}/usageSpecification/[id]`]: tmfRoute(
    'GET',
    () => `${TMF635}/usageSpecification/long-distance`,
    'tmf635.usageSpecification.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: () => `${TMF635}/usageSpecification/long-distance`,
        check: (b) => expect(b).toMatchObject({ id: 'long-distance', '@type': 'UsageSpecification' }),
      },
    ],
    (w) => w.tmfNoUsageToken,
  ),
  [`GET ${TMF678}/customerBill`]: tmfRoute(
    'GET',
    () => `${TMF678}/customerBill`,
    'tmf678.customerBill.list',
    undefined,
    [{ who: 'apiClient', path: (w) => `${TMF678}/customerBill?relatedParty.id=${w.ben}`, check: isList }],
  ),
  [`GET ${TMF678}/customerBill/[id]`]: tmfRoute(
    'GET',
    (w) => `${TMF678}/customerBill/${w.benBill}`,
    'tmf678.customerBill.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: (w) => `${TMF678}/customerBill/${w.benBill}`,
        check: (b, w) => expect(b).toMatchObject({ id: String(w.benBill), '@type': 'CustomerBill' }),
      },
    ],
  ),
  [`PATCH ${TMF678}/customerBill/[id]`]: tmfRoute(
    'PATCH',
    (w) => `${TMF678}/customerBill/${w.adaBill}`,
    'tmf678.customerBill.update',
    { state: 'settled' },
    [
      {
        who: 'apiClient',
        path: (w) => `${TMF678}/customerBill/${w.adaBill}`,
        body: { state: 'sent' },
        check: (b) => expect(b).toMatchObject({ state: 'sent' }),
      },
    ],
  ),
  [`GET ${TMF678}/customerBill/[id]/document`]: tmfRoute(
    'GET',
    (w) => `${TMF678}/customerBill/${w.benBill}/document`,
    'tmf678.customerBill.document',
    undefined,
    // A PDF, not JSON: getJson leaves the body undefined.
    [
      {
        who: 'apiClient',
        path: (w) => `${TMF678}/customerBill/${w.benBill}/document`,
        check: (b) => expect(b).toBe(undefined),
      },
    ],
  ),
  [`GET ${TMF678}/appliedCustomerBillingRate`]: tmfRoute(
    'GET',
    () => `${TMF678}/appliedCustomerBillingRate`,
    'tmf678.appliedCustomerBillingRate.list',
    undefined,
    [{ who: 'apiClient', path: (w) => `${TMF678}/appliedCustomerBillingRate?bill.id=${w.benBill}`, check: isList }],
  ),
  [`GET ${TMF678}/appliedCustomerBillingRate/[id]`]: tmfRoute(
    'GET',
    () => `${TMF678}/appliedCustomerBillingRate/1`,
    'tmf678.appliedCustomerBillingRate.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: () => `${TMF678}/appliedCustomerBillingRate/1`,
        check: (b) => expect(b).toMatchObject({ id: '1', '@type': 'AppliedCustomerBillingRate' }),
      },
    ],
  ),
  [`POST ${TMF678}/customerBillOnDemand`]: tmfRoute(
    'POST',
    () => `${TMF678}/customerBillOnDemand`,
    'tmf678.customerBillOnDemand.create',
    { billingAccount: { id: 'A0815' } },
    [
      {
        who: 'apiClient',
        path: () => `${TMF678}/customerBillOnDemand`,
        body: { billingAccount: { id: 'A0815' } },
        status: 201,
        check: (b) => expect(b).toMatchObject({ state: 'rejected', '@type': 'CustomerBillOnDemand' }),
      },
    ],
  ),
  [`GET ${TMF678}/customerBillOnDemand`]: tmfRoute(
    'GET',
    () => `${TMF678}/customerBillOnDemand`,
    'tmf678.customerBillOnDemand.list',
    undefined,
    // Runs after the POST above made one.
    [{ who: 'apiClient', path: () => `${TMF678}/customerBillOnDemand`, check: isList }],
  ),
  [`GET ${TMF678}/customerBillOnDemand/[id]`]: tmfRoute(
    'GET',
    () => `${TMF678}/customerBillOnDemand/1`,
    'tmf678.customerBillOnDemand.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: () => `${TMF678}/customerBillOnDemand/1`,
        check: (b) => expect(b).toMatchObject({ id: '1', state: 'rejected' }),
      },
    ],
  ),
  [`POST ${TMF622}/productOrder`]: tmfRoute(
    'POST',
    () => `${TMF622}/productOrder`,
    'tmf622.productOrder.create',
    { productOrderItem: [{ id: '1', action: 'add', productOffering: { id: 'voicemail' } }] },
    [
      {
        who: 'apiClient',
        path: () => `${TMF622}/productOrder`,
        // A well-formed order for no customer: stored and rejected, so it changes no account.
        body: {
          productOrderItem: [{ id: '1', action: 'add', productOffering: { id: 'voicemail' } }],
          relatedParty: [{ id: 'nobody', '@referredType': 'Individual' }],
        },
        status: 201,
        check: (b) => expect(b).toMatchObject({ state: 'rejected', '@type': 'ProductOrder' }),
      },
    ],
  ),
  [`GET ${TMF622}/productOrder`]: tmfRoute(
    'GET',
    () => `${TMF622}/productOrder`,
    'tmf622.productOrder.list',
    undefined,
    [{ who: 'apiClient', path: (w) => `${TMF622}/productOrder?relatedParty.id=${w.ben}`, check: isList }],
  ),
  [`GET ${TMF622}/productOrder/[id]`]: tmfRoute(
    'GET',
    () => `${TMF622}/productOrder/r1`,
    'tmf622.productOrder.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: () => `${TMF622}/productOrder/r1`,
        check: (b) => expect(b).toMatchObject({ id: 'r1', state: 'rejected' }),
      },
    ],
  ),
  [`POST ${TMF622}/cancelProductOrder`]: tmfRoute(
    'POST',
    () => `${TMF622}/cancelProductOrder`,
    'tmf622.cancelProductOrder.create',
    { productOrder: { id: 'r1' } },
    [
      {
        who: 'apiClient',
        path: () => `${TMF622}/cancelProductOrder`,
        body: { productOrder: { id: 'r1' } },
        status: 201,
        check: (b) => expect(b).toMatchObject({ state: 'rejected', '@type': 'CancelProductOrder' }),
      },
    ],
  ),
  [`GET ${TMF622}/cancelProductOrder`]: tmfRoute(
    'GET',
    () => `${TMF622}/cancelProductOrder`,
    'tmf622.cancelProductOrder.list',
    undefined,
    [{ who: 'apiClient', path: () => `${TMF622}/cancelProductOrder`, check: isList }],
  ),
  [`GET ${TMF622}/cancelProductOrder/[id]`]: tmfRoute(
    'GET',
    () => `${TMF622}/cancelProductOrder/1`,
    'tmf622.cancelProductOrder.retrieve',
    undefined,
    [
      {
        who: 'apiClient',
        path: () => `${TMF622}/cancelProductOrder/1`,
        check: (b) => expect(b).toMatchObject({ id: '1', '@type': 'CancelProductOrder' }),
      },
    ],
  ),
  ...hubRoutes(TMF678, 'tmf678', 'bills'),
  ...hubRoutes(TMF637, 'tmf637', 'inventory'),
  ...hubRoutes(TMF622, 'tmf622', 'orders'),
  ...hubRoutes(TMF635, 'tmf635', 'usage'),
};

// ---------------------------------------------------------------- enumeration

describe.skipIf(!hasBuild())('every server action and route handler has authorization cases', () => {
  it('the build manifest and the source agree on the server actions, and each has cases here', () => {
    const built = readActionManifest()
      .map((e) => `${e.file}#${e.exportName}`)
      .sort();
    const { actions, inline } = sourceActions();
    expect(inline, "inline 'use server' functions: move them to app/_actions so the matrix can name them").toEqual([]);
    expect(
      built,
      "server actions in .next/server/server-reference-manifest.json vs. exports of 'use server' modules (rebuild if you just added one)",
    ).toEqual(actions.map((a) => a.key));
    expect(built.length).toBeGreaterThanOrEqual(5);
    expect(
      Object.keys(ACTIONS).sort(),
      'every server action needs its cases in tests/http/authorization.test.ts',
    ).toEqual(built);
    for (const [key, spec] of Object.entries(ACTIONS))
      expect(
        spec.refusals.length || (spec.selfOnly || spec.publicAction ? 1 : 0),
        `${key}: at least one signed-in refusal`,
      ).toBeGreaterThan(0);
  });

  it('the route handlers in the source match the build, and each method has cases here', () => {
    const routes = sourceRoutes();
    expect(
      routes.map((r) => r.pattern),
      'app/**/route.ts vs. the build (rebuild if you just added one)',
    ).toEqual(builtRoutes());
    const covered = routes
      .filter((r) => !(r.pattern in EXCLUDED_ROUTES))
      .flatMap((r) => r.methods.map((m) => `${m} ${r.pattern}`))
      .sort();
    expect(covered.length).toBeGreaterThanOrEqual(3);
    expect(
      Object.keys(ROUTES).sort(),
      'every route method needs its cases in tests/http/authorization.test.ts',
    ).toEqual(covered);
    for (const [key, spec] of Object.entries(ROUTES)) {
      expect(
        spec.cases.some((c) => c.who === 'nobody'),
        `${key}: a call without a session`,
      ).toBe(true);
      expect(
        spec.cases.some((c) => c.who === 'ghost'),
        `${key}: a call with the session of a missing account`,
      ).toBe(true);
      expect(spec.positive.length, `${key}: a positive control`).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------- the matrix

function rowsOf<T>(d: Dump, table: string): T[] {
  return (d[table] ?? []).map((j) => JSON.parse(j) as T);
}

function worldFrom(
  d: Dump,
  sessions: Record<'ada' | 'ben', number>,
  benOfferKey: string,
  tmf: Pick<
    World,
    'managedClientId' | 'tmfCredentials' | 'tmfToken' | 'tmfLimitedToken' | 'tmfNoUsageToken' | 'draftId'
  > &
    Pick<World, 'testClockId' | 'testClockToDelete' | 'fixtureToDelete'>,
): World {
  const catalogDraft = rowsOf<{ id: number; code: string }>(d, 'catalog_item_drafts').find(
    (x) => x.code === 'matrix_addon',
  );
  expect(catalogDraft, 'the catalog draft made for the matrix').toBeDefined();
  const users = rowsOf<{ id: number; email: string }>(d, 'users');
  const userId = Object.fromEntries(
    Object.entries(EMAILS).map(([k, email]) => [k, users.find((u) => u.email === email)!.id]),
  ) as World['userId'];
  const subscription = rowsOf<{ id: number; subscriber_id: number; version: number }>(d, 'subscriptions').find(
    (s) => s.subscriber_id === sessions.ben,
  )!;
  const pending = rowsOf<{ id: number; subscription_id: number; status: string }>(d, 'scheduled_changes').filter(
    (s) => s.subscription_id === subscription.id && s.status === 'pending',
  );
  expect(pending, "ben's scheduled change").toHaveLength(1);
  const maxSubscriber = Math.max(...rowsOf<{ id: number }>(d, 'subscribers').map((s) => s.id));
  const dead = rowsOf<{ id: number; status: string }>(d, 'deliveries').filter((x) => x.status === 'dead');
  expect(dead, 'one dead delivery').toHaveLength(1);
  const latestBill = (subscriberId: number) =>
    Math.max(
      ...rowsOf<{ number: number; subscriber_id: number }>(d, 'bills')
        .filter((b) => b.subscriber_id === subscriberId)
        .map((b) => Number(b.number)),
    );
  return {
    userId,
    ada: sessions.ada,
    ben: sessions.ben,
    benVersion: subscription.version,
    benScheduledChangeId: pending[0]!.id,
    benOfferKey,
    missingSubscriber: maxSubscriber + 1000,
    adaBill: latestBill(sessions.ada),
    benBill: latestBill(sessions.ben),
    ...tmf,
    deadDeliveryId: dead[0]!.id,
    robinUserId: users.find((u) => u.email === 'robin@example.com')!.id,
    catalogDraftId: catalogDraft!.id,
  };
}

function checkRefusal(
  label: string,
  r: { httpStatus: number; location: string | null; state?: ActionResponse['state']; body?: unknown },
  refusal: Refusal,
): void {
  switch (refusal.kind) {
    case 'proxy':
      expect(r.httpStatus, label).toBe(307);
      expect(r.location ?? '', label).toMatch(/^\/login\?callbackUrl=/);
      expect(r.state, label).toBeUndefined();
      return;
    case 'forwarded':
      expect(r.httpStatus, label).toBeLessThan(500);
      expect(r.state, `${label}: no action result`).toBeUndefined();
      return;
    case 'action':
      expect(r.httpStatus, label).toBe(200);
      expect(r.state, `${label}: an action result`).toBeDefined();
      expect(r.state!.status, label).toBe('error');
      expect(r.state!.code, `${label}: ${r.state!.message}`).toBe(refusal.code);
      expect(r.state!.message.length, label).toBeGreaterThan(0);
      return;
    case 'http':
      expect(r.httpStatus, `${label}: ${JSON.stringify(r.body)}`).toBe(refusal.status);
      expect(r.body, label).toMatchObject({ error: { message: expect.any(String) } });
      return;
    case 'tmf':
      expect(r.httpStatus, `${label}: ${JSON.stringify(r.body)}`).toBe(refusal.status);
      expect(r.body, label).toMatchObject({
        code: expect.any(String),
        reason: expect.any(String),
        message: expect.any(String),
        status: String(refusal.status),
      });
      return;
    case 'oauth':
      expect(r.httpStatus, `${label}: ${JSON.stringify(r.body)}`).toBe(refusal.status);
      expect(r.body, label).toMatchObject({ error: refusal.error, error_description: expect.any(String) });
      return;
  }
}

describe.skipIf(!hasBuild()).each(httpDrivers)('authorization matrix against `next start` on %s', (driver) => {
  let h: ServerHarness;
  const clients = {} as Record<Who, HttpClient>;
  let manifest: Map<string, ActionEntry>;
  let world: World;
  let before: Dump;
  let after: Dump;
  const cases: Case[] = [];
  const outcomes: string[] = [];

  beforeAll(async () => {
    manifest = new Map(readActionManifest().map((e) => [`${e.file}#${e.exportName}`, e]));
    h = await ServerHarness.create(driver);
    await h.start();
    for (const who of Object.keys(EMAILS) as Array<keyof typeof EMAILS>)
      clients[who] = await signedIn(h.url, EMAILS[who]);
    clients.nobody = new HttpClient(h.url, 'nobody');
    clients.ghost = await ghostClient(h.url, h.secret);
    clients.apiClient = new HttpClient(h.url, 'api-client');
    const session = async (c: HttpClient) =>
      ((await c.getJson('/api/auth/session')).body as { subscriberId: number }).subscriberId;
    const sessions = { ada: await session(clients.ada), ben: await session(clients.ben) };

    // Setup that writes (before the first dump): ben schedules a downgrade, and sees his offers.
    const preview = await clients.ben.getText('/change?plan=BASIC');
    const fields = confirmFormFields(preview.text);
    expect(fields, "ben's downgrade preview").not.toBeNull();
    const scheduled = await callAction(clients.ben, {
      page: '/change',
      actionId: manifest.get(CONFIRM)!.id,
      fields: fields!,
    });
    expect(scheduled.state, 'setup: ben schedules a downgrade').toMatchObject({
      status: 'success',
      data: { status: 'scheduled' },
    });
    const offers = await clients.ben.getJson(`/api/v1/subscribers/${sessions.ben}/offers`);
    const benOfferKey = (offers.body as { offers: Array<{ key: string }> }).offers[0]?.key;
    expect(benOfferKey, 'ben has an offer').toBeTruthy();

    // API clients for the matrix (as the command line makes them), their tokens, and a TMF620 draft.
    const made = await h.direct(async (db) => ({
      managed: await createApiClient(
        db,
        { kind: 'command-line' },
        { name: 'Matrix managed', scopes: ['catalog.read'] },
      ),
      full: await createApiClient(db, { kind: 'command-line' }, { name: 'Matrix full', scopes: ALL_API_SCOPES }),
      limited: await createApiClient(db, { kind: 'command-line' }, { name: 'Matrix limited', scopes: ['usage.read'] }),
      noUsage: await createApiClient(
        db,
        { kind: 'command-line' },
        { name: 'Matrix without usage', scopes: ['catalog.read'] },
      ),
      // Issue 20: a draft add-on of the admin catalog, for the save and launch actions.
      catalogDraft: await db.insert(catalogItemDrafts).values({
        kind: 'addon',
        code: 'matrix_addon',
        definition: {
          kind: 'addon',
          addOn: {
            code: 'matrix_addon',
            name: 'Matrix add-on',
            monthlyCents: 100,
            kind: 'feature',
            availableOn: [],
            requires: [],
            excludes: [],
            ldMinutes: 0,
            ldUnlimited: false,
            intlRateCents: null,
            status: 'active',
            answersSignal: null,
          },
        },
      }),
    }));
    await h.start();
    const tokenOf = async (c: { clientId: string; clientSecret: string }) => {
      const res = await clients.nobody.getJson(TOKEN_ROUTE, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${c.clientId}&client_secret=${encodeURIComponent(c.clientSecret)}`,
      });
      expect(res.status, res.text).toBe(200);
      return (res.body as { access_token: string }).access_token;
    };
    const tmfToken = await tokenOf(made.full);
    const tmfLimitedToken = await tokenOf(made.limited);
    const tmfNoUsageToken = await tokenOf(made.noUsage);
    const draft = await clients.apiClient.getJson(`${TMF620}/productOffering`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(tmfToken) },
      body: JSON.stringify({ name: 'Matrix draft to patch' }),
    });
    expect(draft.status, draft.text).toBe(201);
    // Test clocks and a fixture (issue 22), made by the suite with the test-clock token.
    const suite = async (path: string, body: unknown) => {
      const res = await clients.nobody.getJson(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-clock-token': TEST_CLOCK_TOKEN },
        body: JSON.stringify(body),
      });
      expect(res.status, res.text).toBe(201);
      return res.body as { id: number; subscriberId: number };
    };
    const testClock = await suite(TEST_CLOCKS_ROUTE, { frozenTime: '2026-11-16T10:00:00Z' });
    const testClockToDelete = await suite(TEST_CLOCKS_ROUTE, {});
    const fixture = await suite(FIXTURES_ROUTE, { plan: 'PLUS', clockId: testClockToDelete.id });
    const fixtureToDelete = await suite(FIXTURES_ROUTE, { plan: 'BASIC', pastPeriods: 1, clockId: testClock.id });
    expect(fixture.subscriberId).toBeGreaterThan(0);
    const tmf = {
      testClockId: testClock.id,
      testClockToDelete: testClockToDelete.id,
      fixtureToDelete: fixtureToDelete.subscriberId,
      managedClientId: made.managed.clientId,
      tmfCredentials: { clientId: made.full.clientId, clientSecret: made.full.clientSecret },
      tmfToken,
      tmfLimitedToken,
      tmfNoUsageToken,
      draftId: (draft.body as { id: string }).id,
    };

    // Ben's scheduled-change email, held as dead (as after a relay refused it every time).
    before = await h.direct(async (db) => {
      await db.update(deliveries).set({ status: 'dead', attempts: 12, lastError: 'gave up after 12 attempts' });
      // A one-time link for gus (issue 21), for the set-password positive control.
      const gus = (await db.select({ id: users.id }).from(users).where(eq(users.email, 'gus@example.com')))[0]!;
      await db.insert(accountTokens).values({
        purpose: 'reset',
        tokenHash: createHash('sha256').update(MATRIX_LINK_TOKEN).digest('hex'),
        userId: gus.id,
        expiresAt: sql`now() + interval '1 day'`,
      });
      return dumpDatabase(db);
    });
    world = worldFrom(before, sessions, benOfferKey!, tmf);
    await h.start();

    // Build the case list from the specs.
    for (const [key, spec] of Object.entries(ACTIONS)) {
      const entry = manifest.get(key)!;
      const page = (w: World, who: Who) => {
        const p = spec.page(w, who);
        const fits = entry.workers.some((worker) =>
          new RegExp(
            `^${pageUrl(worker, { id: '__ID__' })
              .replace(/[.*+?^${}()|\\]/g, '\\$&')
              .replace('__ID__', '[0-9]+')}$`,
          ).test(p),
        );
        expect(fits, `${key}: ${p} carries the action (workers: ${entry.workers.join(', ')})`).toBe(true);
        return p;
      };
      const call = (fields: (w: World) => Fields, who: Who, pagePath?: string) => (c: HttpClient, w: World) =>
        callAction(c, { page: pagePath ?? page(w, who), actionId: entry.id, fields: fields(w) });
      // A public action (spec.publicAction) has no session to refuse: its positive control runs as nobody.
      if (!spec.publicAction) {
        cases.push({
          target: key,
          who: 'nobody',
          threat: 'no session',
          refusal: { kind: 'proxy' },
          run: call(spec.valid, 'nobody'),
        });
        cases.push({
          target: key,
          who: 'nobody',
          threat: 'no session, posted to a public page',
          refusal: { kind: 'forwarded' },
          run: call(spec.valid, 'nobody', '/login'),
        });
        cases.push({
          target: key,
          who: 'ghost',
          threat: 'signed session of an account that does not exist',
          refusal: { kind: 'action', code: 'unauthenticated' },
          run: call(spec.valid, 'ghost'),
        });
      }
      for (const r of spec.refusals)
        cases.push({
          target: key,
          who: r.who,
          threat: r.threat,
          refusal: r.refusal,
          audit: r.audit,
          run: call(r.fields, r.who),
        });
    }
    for (const [key, spec] of Object.entries(ROUTES)) {
      for (const r of spec.cases) {
        cases.push({
          target: key,
          who: r.who,
          threat: r.threat,
          refusal: r.refusal,
          audit: r.audit,
          run: async (c, w) => {
            const res = await c.getJson(r.path(w), requestInit(spec.method, w, r.body, r.headers));
            return { httpStatus: res.status, body: res.body, location: res.headers.get('location') };
          },
        });
      }
    }
  });

  afterAll(async () => {
    if (outcomes.length)
      console.log(`[authorization on ${driver}] ${outcomes.length} refused calls:\n${outcomes.join('\n')}`);
    await h?.destroy();
  });

  it('refuses every call, as each caller', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const c of cases) {
      const r = await c.run(clients[c.who], world);
      const label = `${c.target} as ${c.who}: ${c.threat}`;
      checkRefusal(label, r as Parameters<typeof checkRefusal>[1], c.refusal);
      const state = (r as ActionResponse).state;
      outcomes.push(`  ${label} → ${r.httpStatus}${state ? ` ${state.status}/${state.code}` : ''}`);
    }
  });

  it('wrote nothing, and audited each role and ownership refusal', async () => {
    after = await h.direct(dumpDatabase);
    // api_rate_windows: the rate limiter counts every authenticated request, refused ones too.
    // sessions: bookkeeping of the sign-ins themselves (last_seen_at moves with use).
    const diffs = diffDumps(before, after, {
      exclude: ['login_attempts', 'audit_events', 'api_rate_windows', 'sessions'],
    });
    expect(diffs, describeDiffs(diffs)).toEqual([]);

    const known = new Set(auditRows(before).map((r) => r.id));
    const added = auditRows(after).filter((r) => !known.has(r.id));
    expect(
      added.filter((r) => r.outcome !== 'refused'),
      'only refusals were audited',
    ).toEqual([]);
    const key = (actor: number | null, action: string) => `${actor ?? 'none'} ${action}`;
    const expected = cases
      .filter((c) => c.audit)
      .map((c) => key(world.userId[c.who as keyof World['userId']], c.audit!))
      .sort();
    expect(expected.length).toBeGreaterThanOrEqual(12);
    expect(
      added.map((r) => key(r.actor_user_id, r.action)).sort(),
      'one refused audit row per role or ownership refusal',
    ).toEqual(expected);
  });

  it('positive controls: the owner or the right role succeeds with the same kind of call', async () => {
    await h.start();
    for (const [key, spec] of Object.entries(ACTIONS)) {
      const r = await spec.positive.run(clients[spec.positive.who], world, manifest.get(key)!);
      expect(r.httpStatus, key).toBe(200);
      expect(r.state, `${key}: ${r.body.slice(0, 300)}`).toMatchObject({ status: 'success' });
    }
    for (const [key, spec] of Object.entries(ROUTES)) {
      for (const p of spec.positive) {
        const res = await clients[p.who].getJson(p.path(world), requestInit(spec.method, world, p.body, p.headers));
        expect(res.status, `${key} as ${p.who}: ${res.text.slice(0, 300)}`).toBe(p.status ?? 200);
        p.check(res.body, world);
      }
    }
  });

  it('logged no unhandled error', () => {
    expect(unexpectedErrors(h.stderr())).toEqual([]);
  });
});
