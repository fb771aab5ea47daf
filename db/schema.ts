/**
 * The one database schema (PostgreSQL 15 compatible; PGlite runs it too).
 * Money is integer cents; calendar days are `date` columns read as "YYYY-MM-DD" strings.
 */
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Catalog } from '../lib/domain/types';

export const roleEnum = pgEnum('role', ['subscriber', 'agent', 'admin']);
export const planStatusEnum = pgEnum('plan_status', ['active', 'retired']);
export const addOnKindEnum = pgEnum('add_on_kind', ['feature', 'usage']);
export const orderStatusEnum = pgEnum('order_status', ['applied', 'scheduled', 'cancelled', 'replaced']);
export const scheduledStatusEnum = pgEnum('scheduled_status', ['pending', 'applied', 'cancelled', 'replaced']);
// Bills (issue 16) added usage, adjustment (late usage, issue 19) and credit (carried forward).
export const ledgerKindEnum = pgEnum('ledger_kind', ['recurring', 'proration', 'usage', 'adjustment', 'credit']);
export const billStateEnum = pgEnum('bill_state', ['issued', 'sent', 'on_hold', 'settled']);
export const addOnStatusEnum = pgEnum('add_on_status', ['active', 'retired']);
export const offerEventEnum = pgEnum('offer_event_type', ['impression', 'accepted', 'dismissed', 'snoozed']);

/** A stored configuration: plan plus sorted add-on codes. */
export type ConfigJson = { planCode: string; addOns: string[] };

// ---------------------------------------------------------------- people

export const subscribers = pgTable(
  'subscribers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountNumber: text('account_number').notNull(),
    name: text('name').notNull(),
    /** null: none on file (a customer opened through the TMF629 API without contact details). */
    email: text('email'),
    /** Display form, e.g. "+1 555-010-0001"; null: none on file. */
    phone: text('phone'),
    /** Digits only, for search in any formatting. */
    phoneDigits: text('phone_digits'),
    /** The party behind the account as the API client named it (TMF629 engagedParty); null: the subscriber themself. */
    engagedParty: jsonb('engaged_party').$type<{ id: string; name?: string; '@referredType': string }>(),
    billingDay: smallint('billing_day').notNull(),
    joinedOn: date('joined_on', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('subscribers_account_number_key').on(t.accountNumber),
    uniqueIndex('subscribers_email_key').on(t.email),
    index('subscribers_phone_digits_idx').on(t.phoneDigits),
    index('subscribers_lower_name_idx').on(sql`lower(${t.name})`),
    // Agent search (lib/server/agents.ts). text_pattern_ops: LIKE 'prefix%' uses the index
    // whatever the database collation. Email: exact or prefix, case-insensitive.
    index('subscribers_lower_email_pattern_idx').using('btree', sql`lower(${t.email}) text_pattern_ops`),
    // Phone: the typed digits are matched as a suffix of the stored digits (so "555 010 0002",
    // "+1 555-010-0002" and "0002" all find +1 555-010-0002); a suffix is a prefix of the
    // reversed string, which a btree can serve.
    index('subscribers_phone_digits_reverse_idx').using('btree', sql`reverse(${t.phoneDigits}) text_pattern_ops`),
    // Name substring (issue 23): a trigram GIN index serves lower(name) LIKE '%…%' (pg_trgm,
    // migration 0016; PGlite loads the extension in db/client).
    index('subscribers_lower_name_trgm_idx').using('gin', sql`lower(${t.name}) gin_trgm_ops`),
    check('subscribers_billing_day_range', sql`${t.billingDay} between 1 and 31`),
  ],
);

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: roleEnum('role').notNull(),
    subscriberId: integer('subscriber_id').references(() => subscribers.id),
    disabled: boolean('disabled').notNull().default(false),
    /**
     * Every session token carries the version it was issued under; a token of another version
     * is refused. Bumped by "Sign out everywhere", and by the database itself (trigger
     * users_end_sessions) when the password changes or the account is disabled.
     */
    sessionVersion: integer('session_version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Staff second factor (issue 21): the TOTP secret (base32) once enrolled; null: not enrolled. */
    totpSecret: text('totp_secret'),
    totpEnrolledAt: timestamp('totp_enrolled_at', { withTimezone: true }),
    /** An enrolment begun at sign-in and not yet confirmed with a code: the secret and its recovery codes' hashes. */
    totpPending: jsonb('totp_pending').$type<{ secret: string; recoveryHashes: string[] }>(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_subscriber_id_key').on(t.subscriberId),
    check('users_subscriber_role', sql`(${t.role} = 'subscriber') = (${t.subscriberId} is not null)`),
  ],
);

// ---------------------------------------------------------------- catalog

export const plans = pgTable('plans', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  monthlyCents: integer('monthly_cents').notNull(),
  tier: smallint('tier').notNull(),
  /** null: unlimited. */
  ldMinutes: integer('ld_minutes'),
  status: planStatusEnum('status').notNull(),
  sortOrder: smallint('sort_order').notNull().default(0),
  /** When the row last changed (TMF620 lastUpdate). */
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const addOns = pgTable('add_ons', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  monthlyCents: integer('monthly_cents').notNull(),
  kind: addOnKindEnum('kind').notNull(),
  ldMinutes: integer('ld_minutes').notNull().default(0),
  ldUnlimited: boolean('ld_unlimited').notNull().default(false),
  intlRateCents: integer('intl_rate_cents'),
  /** Issue 20: retired add-ons are kept by their holders and chosen by nobody else. */
  status: addOnStatusEnum('status').notNull().default('active'),
  /** Issue 20: the usage signal this feature answers in offers (unanswered_calls, missed_while_busy); null: none. */
  answersSignal: text('answers_signal'),
  sortOrder: smallint('sort_order').notNull().default(0),
  /** When the row last changed (TMF620 lastUpdate). */
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const planIncludes = pgTable(
  'plan_includes',
  {
    planCode: text('plan_code')
      .notNull()
      .references(() => plans.code),
    addOnCode: text('add_on_code')
      .notNull()
      .references(() => addOns.code),
  },
  (t) => [primaryKey({ columns: [t.planCode, t.addOnCode] })],
);

export const addOnAvailability = pgTable(
  'add_on_availability',
  {
    addOnCode: text('add_on_code')
      .notNull()
      .references(() => addOns.code),
    planCode: text('plan_code')
      .notNull()
      .references(() => plans.code),
  },
  (t) => [primaryKey({ columns: [t.addOnCode, t.planCode] })],
);

export const addOnRequires = pgTable(
  'add_on_requires',
  {
    addOnCode: text('add_on_code')
      .notNull()
      .references(() => addOns.code),
    requiredCode: text('required_code')
      .notNull()
      .references(() => addOns.code),
  },
  (t) => [primaryKey({ columns: [t.addOnCode, t.requiredCode] })],
);

export const addOnExcludes = pgTable(
  'add_on_excludes',
  {
    addOnCode: text('add_on_code')
      .notNull()
      .references(() => addOns.code),
    excludedCode: text('excluded_code')
      .notNull()
      .references(() => addOns.code),
  },
  (t) => [primaryKey({ columns: [t.addOnCode, t.excludedCode] })],
);

/** Pay-per-use rates (ld_overage, intl), cents per minute. */
export const usageRates = pgTable('usage_rates', {
  code: text('code').primaryKey(),
  centsPerMinute: integer('cents_per_minute').notNull(),
  /** When the row last changed (TMF620 lastUpdate). */
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---------------------------------------------------------------- subscriptions

export const subscriptions = pgTable(
  'subscriptions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: integer('subscriber_id')
      .notNull()
      .references(() => subscribers.id),
    planCode: text('plan_code')
      .notNull()
      .references(() => plans.code),
    /** Current billing period [start, end). */
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    /** Optimistic concurrency: bumped by every change. */
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('subscriptions_subscriber_key').on(t.subscriberId),
    index('subscriptions_period_end_idx').on(t.periodEnd),
  ],
);

export const subscriptionAddOns = pgTable(
  'subscription_add_ons',
  {
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    addOnCode: text('add_on_code')
      .notNull()
      .references(() => addOns.code),
    addedOn: date('added_on', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.subscriptionId, t.addOnCode] })],
);

/** Usage per billing period (the current one accumulates). */
export const usagePeriods = pgTable(
  'usage_periods',
  {
    subscriberId: integer('subscriber_id')
      .notNull()
      .references(() => subscribers.id),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    ldMinutes: integer('ld_minutes').notNull().default(0),
    intlMinutes: integer('intl_minutes').notNull().default(0),
    unansweredCalls: integer('unanswered_calls').notNull().default(0),
    missedWhileBusy: integer('missed_while_busy').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.periodStart] })],
);

// ---------------------------------------------------------------- orders and ledger

export const orders = pgTable(
  'orders',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    subscriberId: integer('subscriber_id')
      .notNull()
      .references(() => subscribers.id),
    /**
     * Only 'change' is written: a plan or add-on change asked for by a subscriber or an agent.
     * A rollover applying a scheduled change and a cancellation update the order's status
     * (applied, cancelled); they add no order of their own.
     */
    kind: text('kind').notNull(),
    status: orderStatusEnum('status').notNull(),
    idempotencyKey: text('idempotency_key'),
    actorUserId: integer('actor_user_id').references(() => users.id),
    reason: text('reason'),
    fromConfig: jsonb('from_config').$type<ConfigJson>().notNull(),
    toConfig: jsonb('to_config').$type<ConfigJson>().notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    totalCents: integer('total_cents').notNull().default(0),
    /** What the confirm returned, replayed for a repeated idempotency key. */
    result: jsonb('result').$type<Record<string, unknown>>(),
    /** Issue 20: the catalog version the change was planned with (null: before versioning). */
    catalogVersion: integer('catalog_version'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('orders_idempotency_key').on(t.subscriptionId, t.idempotencyKey),
    index('orders_subscriber_created_idx').on(t.subscriberId, t.createdAt),
  ],
);

/** The ledger: every charge and credit, booked on the bill of `billPeriodStart`. */
export const ledgerLines = pgTable(
  'ledger_lines',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id').references(() => orders.id),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    kind: ledgerKindEnum('kind').notNull(),
    /** The bill this line appears on: the start of the period it is billed with. */
    billPeriodStart: date('bill_period_start', { mode: 'string' }).notNull(),
    itemType: text('item_type').notNull(),
    itemCode: text('item_code').notNull(),
    description: text('description').notNull(),
    amountCents: integer('amount_cents').notNull(),
    /** Usage lines: the quantity rated (minutes beyond the allowance, international minutes); null otherwise. */
    quantity: integer('quantity'),
    /** The bill it is on: set when that bill is issued, then never changed (migration 0005). */
    billId: bigint('bill_id', { mode: 'number' }).references((): AnyPgColumn => bills.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('ledger_lines_bill_idx').on(t.subscriptionId, t.billPeriodStart),
    index('ledger_lines_bill_id_idx').on(t.billId),
    // The lines not yet on a bill (issue 23): what issuing a bill reads and attaches. Without it
    // the lookup visited every billed line of the subscription's history (ledger_lines_bill_idx),
    // or, planned on bill_id_idx with `bill_id is null`, the dead entries of every line booked and
    // billed in the whole table since the last vacuum; here only the subscription's own.
    index('ledger_lines_unbilled_idx').on(t.subscriptionId, t.billPeriodStart).where(sql`${t.billId} is null`),
    // A period's recurring charges are booked once, whoever (job or reader) books them.
    uniqueIndex('ledger_lines_recurring_once')
      .on(t.subscriptionId, t.billPeriodStart, t.itemType, t.itemCode)
      .where(sql`${t.kind} = 'recurring'`),
  ],
);

export const scheduledChanges = pgTable(
  'scheduled_changes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    orderId: integer('order_id').references(() => orders.id),
    targetConfig: jsonb('target_config').$type<ConfigJson>().notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    status: scheduledStatusEnum('status').notNull().default('pending'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedBy: integer('closed_by').references(() => users.id),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('scheduled_changes_one_pending').on(t.subscriptionId).where(sql`${t.status} = 'pending'`)],
);

// ---------------------------------------------------------------- bills (issue 16)

/**
 * One bill per subscription and boundary (docs/bills.md). Its lines are the ledger lines
 * that carry its id. Immutable once issued except for `state` and `state_changed_at`
 * (trigger in migration 0005).
 */
export const bills = pgTable(
  'bills',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Unique per operator, increasing, without gaps: allocated from bill_number_counter in the issuing transaction. */
    number: bigint('number', { mode: 'number' }).notNull(),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    subscriberId: integer('subscriber_id')
      .notNull()
      .references(() => subscribers.id),
    /** The boundary: the day the new period starts (for the opening bill, the first period's start). */
    billDate: date('bill_date', { mode: 'string' }).notNull(),
    /** The period that closed at bill_date (its usage is on the bill); null on an opening bill. */
    closedPeriodStart: date('closed_period_start', { mode: 'string' }),
    /** The period billed in advance: [bill_date, next_period_end). */
    nextPeriodEnd: date('next_period_end', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    totalCents: integer('total_cents').notNull(),
    /** Credit carried to the next bill (a negative sum of lines). */
    creditForwardCents: integer('credit_forward_cents').notNull().default(0),
    state: billStateEnum('state').notNull().default('issued'),
    stateChangedAt: timestamp('state_changed_at', { withTimezone: true }),
    /** The issuing transaction: lines may be attached to the bill in it only (migration 0005). */
    issuedXact: bigint('issued_xact', { mode: 'number' }).notNull().default(sql`(pg_current_xact_id()::text)::bigint`),
    /** Issue 20: the catalog version of the bill date, whose prices it charges (null: before versioning). */
    catalogVersion: integer('catalog_version'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('bills_number_key').on(t.number),
    uniqueIndex('bills_subscription_bill_date_key').on(t.subscriptionId, t.billDate),
    index('bills_subscriber_idx').on(t.subscriberId, t.billDate),
    check('bills_total_not_negative', sql`${t.totalCents} >= 0 and ${t.creditForwardCents} >= 0`),
  ],
);

/** The operator's bill-number counter: one row, updated under its row lock by each issuance. */
export const billNumberCounter = pgTable('bill_number_counter', {
  id: smallint('id').primaryKey(),
  lastNumber: bigint('last_number', { mode: 'number' }).notNull(),
});

// ---------------------------------------------------------------- offers, audit, notes

export const offerEvents = pgTable(
  'offer_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: integer('subscriber_id')
      .notNull()
      .references(() => subscribers.id),
    offerKey: text('offer_key').notNull(),
    kind: text('kind').notNull(),
    targetConfig: jsonb('target_config').$type<ConfigJson>().notNull(),
    eventType: offerEventEnum('event_type').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    monthlyPriceChangeCents: integer('monthly_price_change_cents').notNull().default(0),
    monthlySavingCents: integer('monthly_saving_cents').notNull().default(0),
    actorUserId: integer('actor_user_id').references(() => users.id),
    /** Suppression end for dismissed/snoozed. */
    until: date('until', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('offer_events_impression_once')
      .on(t.subscriberId, t.offerKey, t.day)
      .where(sql`${t.eventType} = 'impression'`),
    index('offer_events_subscriber_idx').on(t.subscriberId, t.eventType),
    index('offer_events_day_idx').on(t.day),
  ],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    actorRole: text('actor_role'),
    /** The API client that acted (TMF Open APIs); null for people. */
    actorClientId: text('actor_client_id').references(() => apiClients.id),
    /** The subscriber acted on (on behalf of, or themself). */
    subscriberId: integer('subscriber_id').references(() => subscribers.id),
    action: text('action').notNull(),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    before: jsonb('before'),
    after: jsonb('after'),
    detail: jsonb('detail'),
  },
  (t) => [index('audit_events_subscriber_idx').on(t.subscriberId, t.at)],
);

export const agentNotes = pgTable(
  'agent_notes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: integer('subscriber_id')
      .notNull()
      .references(() => subscribers.id),
    authorUserId: integer('author_user_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('agent_notes_subscriber_idx').on(t.subscriberId, t.createdAt)],
);

// ---------------------------------------------------------------- API clients (TMF Open APIs)

/** A system that calls the TMF APIs (OAuth 2.0 client credentials). The secret is stored hashed. */
export const apiClients = pgTable('api_clients', {
  /** The OAuth client_id, public ("sbc_…"). */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** SHA-256 (hex) of the 256-bit random secret. */
  secretHash: text('secret_hash').notNull(),
  scopes: text('scopes').array().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  createdByUserId: integer('created_by_user_id').references(() => users.id),
  rotatedAt: timestamp('rotated_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** Bearer tokens issued to API clients, stored hashed; valid until expires_at while the client isn't revoked. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    clientId: text('client_id')
      .notNull()
      .references(() => apiClients.id),
    scopes: text('scopes').array().notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('api_tokens_client_idx').on(t.clientId), index('api_tokens_expires_idx').on(t.expiresAt)],
);

/** Requests per client per fixed one-minute window: the rate limit, shared by every app instance. */
export const apiRateWindows = pgTable(
  'api_rate_windows',
  {
    clientId: text('client_id')
      .notNull()
      .references(() => apiClients.id),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    requests: integer('requests').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.windowStart] })],
);

/**
 * TMF620 catalog entries written through the API: drafts ("In design"), kept apart from the
 * plans and add-ons that subscribers see. A draft may be incomplete (a name is enough), which a
 * plan or add-on row can't be; the admin catalog launches a draft into the catalog tables.
 */
export const catalogDrafts = pgTable(
  'catalog_drafts',
  {
    id: text('id').primaryKey(),
    /** productOffering | productOfferingPrice | productSpecification | catalog | category */
    resource: text('resource').notNull(),
    name: text('name').notNull(),
    lifecycleStatus: text('lifecycle_status').notNull().default('In design'),
    /** The TMF document as written (without id, href, lastUpdate, lifecycleStatus). */
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    createdByClientId: text('created_by_client_id').references(() => apiClients.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUpdate: timestamp('last_update', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('catalog_drafts_resource_idx').on(t.resource, t.createdAt)],
);

/**
 * Every sign-in attempt, for throttling across instances. An attempt is recorded as 'checking'
 * before its password is verified (and counts as a failure until it is known), then becomes
 * 'succeeded' or 'failed'; one refused by the throttle is 'throttled' (never verified).
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    email: text('email').notNull(),
    clientAddress: text('client_address').notNull(),
    outcome: text('outcome').$type<'checking' | 'succeeded' | 'failed' | 'throttled'>().notNull().default('failed'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('login_attempts_email_idx').on(t.email, t.at),
    index('login_attempts_client_idx').on(t.clientAddress, t.at),
    check('login_attempts_outcome', sql`${t.outcome} in ('checking', 'succeeded', 'failed', 'throttled')`),
  ],
);

/**
 * One row per signed-in session (the token's `sid`). Sign-out revokes it; the token is checked
 * against it on every request (in the same query as the account). last_seen_at is moved at
 * most once a minute, for the staff idle limit.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** Absolute end (sign-in + 8 h), whatever happens meanwhile. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** When this session last passed the second factor (staff): sign-in, or a step-up (issue 21). */
    secondFactorAt: timestamp('second_factor_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Instance-wide settings shared by all app instances (the test clock). */
export const appSettings = pgTable('app_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---------------------------------------------------------------- outbox and deliveries (SPEC §9)

export const deliveryStatusEnum = pgEnum('delivery_status', ['pending', 'sending', 'delivered', 'dead']);
export const deliveryChannelEnum = pgEnum('delivery_channel', ['email', 'webhook']);

/**
 * The transactional outbox: every change, scheduled change, cancellation (and bill, price
 * change) writes its event here in the same transaction as the change itself.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Stable id sent with every delivery (the receiver's de-duplication key). */
    eventKey: text('event_key').notNull(),
    type: text('type').notNull(),
    subscriberId: integer('subscriber_id').references(() => subscribers.id),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('outbox_events_event_key').on(t.eventKey),
    index('outbox_events_subscriber_idx').on(t.subscriberId, t.id),
  ],
);

/** Listeners registered for webhooks (the TM Forum hubs register them). */
export const webhookListeners = pgTable('webhook_listeners', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  callbackUrl: text('callback_url').notNull(),
  /** HMAC-SHA256 key for the signature header. */
  secret: text('secret').notNull(),
  /** Event types wanted; null: every type. */
  eventTypes: jsonb('event_types').$type<string[]>(),
  enabled: boolean('enabled').notNull().default(true),
  /** The first failure of the current run of failures (null while it succeeds). */
  failingSince: timestamp('failing_since', { withTimezone: true }),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** The API client that registered it through a TMF hub (its secret keys the signature); null: registered by the operator. */
  clientId: text('client_id').references(() => apiClients.id),
  /** The TMF API whose hub registered it ("tmf622"), and the query it gave. */
  api: text('api'),
  query: text('query'),
});

/**
 * One delivery of one event to one recipient (an email address or a webhook listener).
 * Deliveries of one stream (a subscriber's email; a subscriber's events to one listener) go
 * out in id order: only the oldest unfinished one of a stream is attempted.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => outboxEvents.id),
    channel: deliveryChannelEnum('channel').notNull(),
    stream: text('stream').notNull(),
    /** The email address, or the listener's callback URL, when the event was written. */
    recipient: text('recipient').notNull(),
    listenerId: integer('listener_id').references(() => webhookListeners.id),
    status: deliveryStatusEnum('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('deliveries_open_stream_idx').on(t.stream, t.id).where(sql`${t.status} in ('pending', 'sending')`),
    index('deliveries_status_idx').on(t.status, t.id),
    index('deliveries_event_idx').on(t.eventId),
  ],
);

/** What a subscriber agreed to be sent beyond service messages (which always go). */
export const notificationPreferences = pgTable('notification_preferences', {
  subscriberId: integer('subscriber_id')
    .primaryKey()
    .references(() => subscribers.id),
  offerEmails: boolean('offer_emails').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---------------------------------------------------------------- test fixtures and test clocks (SPEC §12; never in a deployment)

/**
 * A test clock, as Stripe has them: a frozen time that only the subscribers attached to it
 * live at. A test suite creates it and moves it forward (lib/server/test-clocks.ts).
 */
export const testClocks = pgTable('test_clocks', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  frozenTime: timestamp('frozen_time', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A subscriber made by a test suite (POST /api/v1/test/fixtures): only these can be removed
 * with all their rows (migration 0023 lets the purge through the append-only and bill
 * triggers for them alone). `clock_id`: the test clock it lives at; null: the portal's clock.
 */
export const testFixtures = pgTable(
  'test_fixtures',
  {
    subscriberId: integer('subscriber_id')
      .primaryKey()
      .references(() => subscribers.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    clockId: integer('clock_id').references(() => testClocks.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('test_fixtures_clock_idx').on(t.clockId), uniqueIndex('test_fixtures_user_key').on(t.userId)],
);

// ---------------------------------------------------------------- usage in (issue 19: TMF635, usage import)

/**
 * The kinds of usage the operator's network sends (TMF635 UsageSpecification). Reference data
 * (db/usage-kinds.ts) names the four the portal rates; `counter` is the usage_periods column a
 * record of the kind adds its quantity to. A specification posted through TMF635 has no counter:
 * it is described, not rated, and records of it are stored `rejected`.
 */
export const usageSpecifications = pgTable(
  'usage_specifications',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    /** What one unit of quantity is: "minute", "call". */
    unit: text('unit'),
    counter: text('counter'),
    createdByClientId: text('created_by_client_id').references(() => apiClients.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'usage_specifications_counter',
      sql`${t.counter} is null or ${t.counter} in ('ld_minutes', 'intl_minutes', 'unanswered_calls', 'missed_while_busy')`,
    ),
  ],
);

export const usageStatusEnum = pgEnum('usage_status', ['rated', 'rejected']);

/**
 * Every usage record received, once per id (the operator's own record id): `rated` ones are
 * counted in usage_periods for the period containing `usage_date`; `rejected` ones (no
 * subscriber, no quantity, no time, a kind not rated here) are kept with their reason and
 * counted nowhere. `late`: its period had already been billed; it was billed as an adjustment
 * on the next bill (docs/usage.md).
 */
export const usageRecords = pgTable(
  'usage_records',
  {
    id: text('id').primaryKey(),
    /** Arrival order (lists page by it). */
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    subscriberId: integer('subscriber_id').references(() => subscribers.id),
    usageDate: timestamp('usage_date', { withTimezone: true }),
    /** The usage specification id as sent (an unknown one is kept as given). */
    specId: text('spec_id'),
    quantity: integer('quantity'),
    status: usageStatusEnum('status').notNull(),
    reason: text('reason'),
    late: boolean('late').notNull().default(false),
    /** The billing period it was counted in (rated records). */
    periodStart: date('period_start', { mode: 'string' }),
    /** 'api' or 'import'. */
    source: text('source').notNull(),
    clientId: text('client_id').references(() => apiClients.id),
    /** What a TMF635 POST sent beside the rated fields (description, usageType, relatedParty, characteristics). */
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('usage_records_seq_key').on(t.seq),
    index('usage_records_subscriber_idx').on(t.subscriberId, t.seq),
    check('usage_records_quantity', sql`${t.quantity} is null or ${t.quantity} >= 0`),
  ],
);

// ---------------------------------------------------------------- scale (issue 23)

/**
 * Offer events summed per day, offer and target: what the offer analytics read, so that a range
 * over ten million events is a few thousand rows. Kept by statement-level triggers on
 * offer_events (migration 0024), whoever writes the events; never written by the application.
 */
export const offerEventDaily = pgTable(
  'offer_event_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    kind: text('kind').notNull(),
    offerKey: text('offer_key').notNull(),
    targetConfig: jsonb('target_config').$type<ConfigJson>().notNull(),
    impressions: bigint('impressions', { mode: 'number' }).notNull().default(0),
    acceptances: bigint('acceptances', { mode: 'number' }).notNull().default(0),
    dismissals: bigint('dismissals', { mode: 'number' }).notNull().default(0),
    snoozes: bigint('snoozes', { mode: 'number' }).notNull().default(0),
    /** Sums over the accepted events of the day. */
    revenueChangeCents: bigint('revenue_change_cents', { mode: 'number' }).notNull().default(0),
    savingsCents: bigint('savings_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.kind, t.offerKey, t.targetConfig] })],
);
// ---------------------------------------------------------------- catalog management (issue 20)

export type DraftDefinitionJson = Record<string, unknown>;

/**
 * Every version of the catalog: a full snapshot of the launched and retired plans, add-ons,
 * their rules and rates, in force from `effective_on`. A new row for each launch, rule change,
 * retirement and price change (docs/catalog.md); rows are never changed.
 */
export const catalogVersions = pgTable('catalog_versions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  effectiveOn: date('effective_on', { mode: 'string' }).notNull(),
  catalog: jsonb('catalog').$type<Catalog>().notNull(),
  /** What made it, in words ("Launched Fax Line", "Price of Plus: 25.00 → 27.00"). */
  reason: text('reason').notNull(),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A plan or add-on an admin is preparing: its whole definition, validated and launched from Admin → Catalog. */
export const catalogItemDrafts = pgTable(
  'catalog_item_drafts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** plan | addon */
    kind: text('kind').notNull(),
    code: text('code').notNull(),
    definition: jsonb('definition').$type<DraftDefinitionJson>().notNull(),
    /** The TMF620 draft (catalog_drafts.id) it was started from, if any. */
    tmfDraftId: text('tmf_draft_id'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    launchedAt: timestamp('launched_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('catalog_item_drafts_open_code').on(t.code).where(sql`${t.launchedAt} is null`)],
);

/** A price change of a launched plan or add-on: new subscribers pay it at once, existing holders from effective_on. */
export const priceChanges = pgTable(
  'price_changes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** plan | addon | rate (a pay-per-use rate: item_code ld_overage or intl, the cents per minute). */
    itemType: text('item_type').notNull(),
    itemCode: text('item_code').notNull(),
    oldCents: integer('old_cents').notNull(),
    newCents: integer('new_cents').notNull(),
    /** The day the notices were written (the outbox sends them). */
    noticeOn: date('notice_on', { mode: 'string' }).notNull(),
    /** The day the new price reaches existing holders: at least 30 days after noticeOn. */
    effectiveOn: date('effective_on', { mode: 'string' }).notNull(),
    catalogVersion: integer('catalog_version')
      .notNull()
      .references(() => catalogVersions.id),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'price_changes_item',
      sql`${t.itemType} in ('plan', 'addon') or (${t.itemType} = 'rate' and ${t.itemCode} in ('ld_overage', 'intl'))`,
    ),
    check('price_changes_cents', sql`${t.oldCents} >= 0 and ${t.newCents} >= 0`),
  ],
);

/** One notice per holder of the item when the price change was made: it keeps the old price until effective_on. */
export const priceNotices = pgTable(
  'price_notices',
  {
    priceChangeId: integer('price_change_id')
      .notNull()
      .references(() => priceChanges.id),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
  },
  (t) => [
    primaryKey({ columns: [t.priceChangeId, t.subscriptionId] }),
    index('price_notices_subscription_idx').on(t.subscriptionId),
  ],
);
// ---------------------------------------------------------------- TMF678 bills on demand (issue 19)

/**
 * A request for a bill now (TMF678 customerBillOnDemand), stored as asked. An unknown billing
 * account is rejected with the reason; a known one is answered by the account's next bill
 * (one bill per period close: an extra bill would break the numbering), see lib/server/tmf/bill.ts.
 */
export const customerBillRequests = pgTable(
  'customer_bill_requests',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: text('client_id').references(() => apiClients.id),
    billingAccountId: text('billing_account_id').notNull(),
    subscriberId: integer('subscriber_id').references(() => subscribers.id),
    name: text('name'),
    description: text('description'),
    /** inProgress (until the next bill) or rejected (with `reason`). */
    state: text('state').notNull(),
    reason: text('reason'),
    /** The business day it was asked on: the first bill dated on or after it answers it. */
    requestedOn: date('requested_on', { mode: 'string' }).notNull(),
    /** The account's latest bill when asked (null: none yet): a later bill answers the request. */
    lastBillId: bigint('last_bill_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('customer_bill_requests_subscriber_idx').on(t.subscriberId)],
);

// ---------------------------------------------------------------- TMF622 product orders (issue 19)

/**
 * A product order placed through TMF622, as received: its items, its externalId or
 * Idempotency-Key (the same one again returns this order), and what became of it. An order that
 * was carried out points at its `orders` row (its state is that order's: completed, pending until
 * a scheduled change takes effect, cancelled); one that could not be is `rejected` with `reason`.
 * Orders made in the portal have no row here: they are product orders from `orders` alone.
 */
export const productOrders = pgTable(
  'product_orders',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: text('client_id')
      .notNull()
      .references(() => apiClients.id),
    externalId: text('external_id'),
    idempotencyKey: text('idempotency_key'),
    subscriberId: integer('subscriber_id').references(() => subscribers.id),
    orderId: integer('order_id').references(() => orders.id),
    /** accepted (see the order) or rejected. */
    state: text('state').notNull(),
    reason: text('reason'),
    /** The order as posted (items, related parties, notes…), kept for reading back. */
    request: jsonb('request').$type<Record<string, unknown>>().notNull(),
    /** The business clock when it was received. */
    orderDate: timestamp('order_date', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('product_orders_external_id').on(t.clientId, t.externalId).where(sql`${t.externalId} is not null`),
    uniqueIndex('product_orders_idempotency_key')
      .on(t.clientId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    uniqueIndex('product_orders_order_id').on(t.orderId),
  ],
);

/** A TMF622 cancelProductOrder request: done (the scheduled change was cancelled) or rejected with the reason. */
export const productOrderCancellations = pgTable('product_order_cancellations', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  clientId: text('client_id')
    .notNull()
    .references(() => apiClients.id),
  /** The product order named, as given. */
  productOrderRef: text('product_order_ref').notNull(),
  orderId: integer('order_id').references(() => orders.id),
  state: text('state').notNull(),
  reason: text('reason'),
  cancellationReason: text('cancellation_reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
// ---------------------------------------------------------------- accounts (issue 21, SPEC §11)

/**
 * One-time links for activating online access and for resetting a password: only the sha256
 * of the random token is kept. A request that matches no account still writes a row (with no
 * subscriber and no user: it can never be redeemed), so both cases do the same work.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    purpose: text('purpose').$type<'activate' | 'reset'>().notNull(),
    tokenHash: text('token_hash').notNull(),
    subscriberId: integer('subscriber_id').references(() => subscribers.id),
    userId: integer('user_id').references(() => users.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('account_tokens_hash_key').on(t.tokenHash),
    index('account_tokens_created_idx').on(t.createdAt),
    check('account_tokens_purpose', sql`${t.purpose} in ('activate', 'reset')`),
  ],
);

/** A staff member's single-use recovery codes (sha256 of each), made at enrolment. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('recovery_codes_user_hash_key').on(t.userId, t.codeHash)],
);
