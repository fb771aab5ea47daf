/**
 * Demo data of spec section 6 (demo and test runs only: never in a deployment), on top of the
 * reference data (db/reference-data.ts), plus generated subscribers, deterministically for a given
 * "today": the same day always gives the same rows.
 */
import { hash } from '@node-rs/argon2';
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import * as s from './schema';
import { catalogData } from './catalog-data';
import { applyReferenceData } from './reference-data';
import { ARGON2_OPTIONS } from '../lib/argon2';
import { allConfigurations, versionOfDay } from '../lib/domain/catalog';
import { addDays, periodContaining } from '../lib/domain/periods';
import { recurringLines } from '../lib/domain/rollover';
import { recurringLedgerRows } from './ledger';
import { issueBill, type IssueBillInput } from './bill-issuance';
import { DEMO_TOTP_SECRET } from './demo-totp';
import type { BillingPeriod, Configuration, Day } from '../lib/domain/types';

export const DEMO_PASSWORD = 'switchboard-demo';
export const GENERATED_SUBSCRIBERS = 240;
export { DEMO_TOTP_SECRET } from './demo-totp';

interface DemoSubscriber {
  email: string;
  name: string;
  billingDay: number | 'recent';
  config: Configuration;
  usage: { ld: number; intl: number; unanswered: number; busy: number } | null;
  /** false: an account without online access yet (issue 21: the subscriber activates it). */
  onlineAccess?: false;
}

export const demoSubscribers: DemoSubscriber[] = [
  {
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    billingDay: 1,
    config: { planCode: 'BASIC', addOns: [] },
    usage: { ld: 240, intl: 0, unanswered: 12, busy: 0 },
  },
  {
    email: 'ben@example.com',
    name: 'Ben Okafor',
    billingDay: 5,
    config: { planCode: 'PLUS', addOns: ['ld_300', 'voicemail'] },
    usage: { ld: 650, intl: 0, unanswered: 0, busy: 0 },
  },
  {
    email: 'carla@example.com',
    name: 'Carla Mendes',
    billingDay: 10,
    config: { planCode: 'PREMIUM', addOns: [] },
    usage: { ld: 20, intl: 0, unanswered: 0, busy: 0 },
  },
  {
    email: 'dev@example.com',
    name: 'Dev Patel',
    billingDay: 15,
    config: { planCode: 'UNLIMITED', addOns: [] },
    usage: { ld: 1400, intl: 10, unanswered: 0, busy: 0 },
  },
  {
    email: 'eve@example.com',
    name: 'Eve Martin',
    billingDay: 20,
    config: { planCode: 'BASIC', addOns: ['call_waiting', 'caller_id', 'three_way', 'voicemail'] },
    usage: { ld: 80, intl: 0, unanswered: 0, busy: 0 },
  },
  {
    email: 'finn@example.com',
    name: 'Finn Larsen',
    billingDay: 25,
    config: { planCode: 'LEGACY', addOns: [] },
    usage: { ld: 30, intl: 0, unanswered: 0, busy: 6 },
  },
  {
    email: 'gus@example.com',
    name: 'Gus Romero',
    billingDay: 28,
    config: { planCode: 'BASIC', addOns: [] },
    usage: { ld: 10, intl: 120, unanswered: 0, busy: 0 },
  },
  {
    email: 'hana@example.com',
    name: 'Hana Sato',
    billingDay: 'recent',
    config: { planCode: 'PLUS', addOns: [] },
    usage: null,
  },
  // Issue 21: no online access yet, to show (and test) activation.
  {
    email: 'ivy@example.com',
    name: 'Ivy Okafor',
    billingDay: 9,
    config: { planCode: 'BASIC', addOns: [] },
    usage: { ld: 60, intl: 0, unanswered: 1, busy: 0 },
    onlineAccess: false,
  },
];

/** Demo staff: agent and admin enrolled with DEMO_TOTP_SECRET; Robin has not enrolled yet (first sign-in enrols). */
export const staffUsers = [
  { email: 'agent@example.com', name: 'Sam Rivera', role: 'agent' as const, enrolled: true },
  { email: 'admin@example.com', name: 'Morgan Lee', role: 'admin' as const, enrolled: true },
  { email: 'robin@example.com', name: 'Robin Park', role: 'agent' as const, enrolled: false },
];

/** Deterministic PRNG (mulberry32), shared by the seed, the bench and tests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Liam',
  'Olivia',
  'Noah',
  'Emma',
  'Mateo',
  'Amara',
  'Yuki',
  'Priya',
  'Lucas',
  'Sofia',
  'Omar',
  'Ines',
  'Kai',
  'Zara',
  'Leo',
  'Maya',
  'Ravi',
  'Chloe',
  'Tariq',
  'Elena',
];
const LAST = [
  'Nguyen',
  'Smith',
  'Garcia',
  'Kowalski',
  'Haddad',
  'Johansson',
  'Mensah',
  'Rossi',
  'Tanaka',
  'Dubois',
  'Silva',
  'Fischer',
  'Kim',
  'Oconnor',
  'Novak',
  'Abebe',
];

export function phoneFor(n: number): { phone: string; digits: string } {
  const line = String(n).padStart(4, '0');
  return { phone: `+1 555-010-${line}`, digits: `1555010${line}` };
}

export function accountNumberFor(n: number): string {
  return `SB-${String(100000 + n)}`;
}

/** The periods before `current`, newest last. */
function previousPeriods(billingDay: number, current: BillingPeriod, count: number): BillingPeriod[] {
  const out: BillingPeriod[] = [];
  let p = current;
  for (let i = 0; i < count; i++) {
    p = periodContaining(billingDay, addDays(p.start, -1));
    out.unshift(p);
  }
  return out;
}

/**
 * True when the database already holds accounts (the demo data, or accounts of its own): the
 * demo data is only ever added to a database without any.
 */
export async function isSeeded(db: Db): Promise<boolean> {
  const rows = await db.select({ n: sql<number>`count(*)::int` }).from(s.users);
  return (rows[0]?.n ?? 0) > 0;
}

export interface SeedOptions {
  today: Day;
  generated?: number;
  /** Pre-computed hash (tests reuse one to save time). */
  passwordHash?: string;
}

export async function seedDatabase(db: Db, opts: SeedOptions): Promise<{ subscribers: number }> {
  const catalog = catalogData;
  const passwordHash = opts.passwordHash ?? (await hash(DEMO_PASSWORD, ARGON2_OPTIONS));
  const generated = opts.generated ?? GENERATED_SUBSCRIBERS;
  const rand = prng(20261127);
  const configs = allConfigurations(
    catalog,
    catalog.plans.map((p) => p.code),
  );

  type Row = {
    n: number;
    email: string;
    name: string;
    billingDay: number;
    config: Configuration;
    usage: DemoSubscriber['usage'];
    joinedOn?: Day;
    onlineAccess?: false;
  };
  const rows: Row[] = [];
  demoSubscribers.forEach((d, i) => {
    if (d.billingDay === 'recent') {
      const joined = addDays(opts.today, -2);
      const billingDay = Number(joined.slice(8, 10));
      rows.push({
        n: i + 1,
        email: d.email,
        name: d.name,
        billingDay,
        config: d.config,
        usage: null,
        joinedOn: periodContaining(billingDay, opts.today).start,
      });
    } else {
      rows.push({
        n: i + 1,
        email: d.email,
        name: d.name,
        billingDay: d.billingDay,
        config: d.config,
        usage: d.usage,
        onlineAccess: d.onlineAccess,
      });
    }
  });
  for (let i = 0; i < generated; i++) {
    const n = 100 + i;
    const first = FIRST[Math.floor(rand() * FIRST.length)]!;
    const last = LAST[Math.floor(rand() * LAST.length)]!;
    const config = configs[Math.floor(rand() * configs.length)]!;
    const hasHistory = rand() > 0.05;
    rows.push({
      n,
      email: `${first}.${last}.${n}@example.net`.toLowerCase(),
      name: `${first} ${last}`,
      billingDay: 1 + Math.floor(rand() * 31),
      config,
      usage: hasHistory
        ? {
            ld: Math.floor(rand() * 1200),
            intl: rand() < 0.3 ? Math.floor(rand() * 200) : 0,
            unanswered: Math.floor(rand() * 15),
            busy: Math.floor(rand() * 8),
          }
        : null,
    });
  }

  // Bills (issue 16): every boundary since each subscriber joined, issued below in date order.
  const billsToIssue: IssueBillInput[] = [];
  await db.transaction(async (tx) => {
    await applyReferenceData(tx as unknown as Db, catalog, opts.today);
    for (let start = 0; start < rows.length; start += 100) {
      const chunk = rows.slice(start, start + 100);
      const subs = await tx
        .insert(s.subscribers)
        .values(
          chunk.map((r) => {
            const period = periodContaining(r.billingDay, opts.today);
            const { phone, digits } = phoneFor(r.n);
            return {
              accountNumber: accountNumberFor(r.n),
              name: r.name,
              email: r.email,
              phone,
              phoneDigits: digits,
              billingDay: r.billingDay,
              joinedOn: r.joinedOn ?? previousPeriods(r.billingDay, period, 3)[0]!.start,
            };
          }),
        )
        .returning({ id: s.subscribers.id, email: s.subscribers.email });
      const idByEmail = new Map(subs.map((x) => [x.email, x.id]));
      await tx.insert(s.users).values(
        chunk
          .filter((r) => r.onlineAccess !== false)
          .map((r) => ({
            email: r.email,
            name: r.name,
            passwordHash,
            role: 'subscriber' as const,
            subscriberId: idByEmail.get(r.email)!,
          })),
      );
      const subsRows = await tx
        .insert(s.subscriptions)
        .values(
          chunk.map((r) => {
            const period = periodContaining(r.billingDay, opts.today);
            return {
              subscriberId: idByEmail.get(r.email)!,
              planCode: r.config.planCode,
              periodStart: period.start,
              periodEnd: period.end,
            };
          }),
        )
        .returning({ id: s.subscriptions.id, subscriberId: s.subscriptions.subscriberId });
      const subIdBySubscriber = new Map(subsRows.map((x) => [x.subscriberId, x.id]));
      const addOnRows: (typeof s.subscriptionAddOns.$inferInsert)[] = [];
      const usageRows: (typeof s.usagePeriods.$inferInsert)[] = [];
      const ledgerRows: (typeof s.ledgerLines.$inferInsert)[] = [];
      for (const r of chunk) {
        const subscriberId = idByEmail.get(r.email)!;
        const subscriptionId = subIdBySubscriber.get(subscriberId)!;
        const period = periodContaining(r.billingDay, opts.today);
        const joinedOn = r.joinedOn ?? previousPeriods(r.billingDay, period, 3)[0]!.start;
        for (const code of r.config.addOns) addOnRows.push({ subscriptionId, addOnCode: code, addedOn: joinedOn });
        if (r.usage) {
          for (const p of previousPeriods(r.billingDay, period, 3)) {
            usageRows.push({
              subscriberId,
              periodStart: p.start,
              periodEnd: p.end,
              ldMinutes: r.usage.ld,
              intlMinutes: r.usage.intl,
              unansweredCalls: r.usage.unanswered,
              missedWhileBusy: r.usage.busy,
            });
          }
        }
        // This period so far: the same pace, pro rata of the days elapsed.
        const elapsed = Math.max(0, (Date.parse(opts.today) - Date.parse(period.start)) / 86_400_000);
        const f = elapsed / period.days;
        const u = r.usage ?? { ld: 40, intl: 0, unanswered: 2, busy: 1 };
        usageRows.push({
          subscriberId,
          periodStart: period.start,
          periodEnd: period.end,
          ldMinutes: Math.round(u.ld * f),
          intlMinutes: Math.round(u.intl * f),
          unansweredCalls: Math.round(u.unanswered * f),
          missedWhileBusy: Math.round(u.busy * f),
        });
        // Bills (issue 16): each period since joining is booked in advance and billed at its start
        // (the opening bill, then one per boundary with the closed period's usage), as the rollover does.
        const history = [...previousPeriods(r.billingDay, period, 3).filter((p) => p.start >= joinedOn), period];
        history.forEach((p, i) => {
          ledgerRows.push(...recurringLedgerRows(recurringLines(catalog, r.config, p), subscriptionId, p.start));
          billsToIssue.push({
            subscriptionId,
            subscriberId,
            billDate: p.start,
            closedPeriod: i === 0 ? null : history[i - 1]!,
            nextPeriodEnd: p.end,
            config: r.config,
          });
        });
      }
      if (addOnRows.length) await tx.insert(s.subscriptionAddOns).values(addOnRows);
      if (usageRows.length) await tx.insert(s.usagePeriods).values(usageRows);
      if (ledgerRows.length) await tx.insert(s.ledgerLines).values(ledgerRows);
    }
    await tx.insert(s.users).values(
      staffUsers.map(({ enrolled, ...u }) => ({
        ...u,
        passwordHash,
        totpSecret: enrolled ? DEMO_TOTP_SECRET : null,
        totpEnrolledAt: enrolled ? sql`now()` : null,
      })),
    );
    // Numbers increase with the bill date, as if the rollover had run on each day.
    billsToIssue.sort((a, b) =>
      a.billDate < b.billDate ? -1 : a.billDate > b.billDate ? 1 : a.subscriptionId - b.subscriptionId,
    );
    // Issue 20: each bill records the catalog version in force on its date, as the rollover's do.
    const versions = (
      await tx.select({ id: s.catalogVersions.id, effectiveOn: s.catalogVersions.effectiveOn }).from(s.catalogVersions)
    ).map((v) => ({ ...v, catalog }));
    for (const b of billsToIssue)
      await issueBill(tx, catalog, {
        ...b,
        catalogVersion: versions.length > 0 ? versionOfDay(versions, b.billDate).id : null,
      });
  });
  return { subscribers: rows.length };
}
