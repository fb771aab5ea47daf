/**
 * npm run bench -- --scale=N: N more subscribers on a PostgreSQL database that already holds
 * the demo data (migrated and seeded by bench/lib/data prepareDatabase), generated inside the
 * server with generate_series, so a million take minutes rather than hours.
 *
 * Each generated subscriber n (1…N) has a user (the demo password: the hash is copied from a
 * demo user), a subscription on configuration n mod C (every catalog configuration in turn),
 * a billing day, `months` closed periods of usage plus the current one, a bill at every
 * boundary (the opening bill, then one per closed period: the period's recurring lines, the
 * closed period's usage rated) and `offerEventsPerSubscriber` offer events over the year.
 *
 * The money comes from the domain, not from SQL: the recurring lines of each configuration
 * and the rated usage of each configuration and usage profile are computed here with
 * lib/domain (recurringLines, rateUsage, assembleBill's due date) and sent as small template
 * tables; SQL only multiplies them out. A sample is checked against assembleBill afterwards.
 *
 * Bulk-load shortcuts, for a throwaway benchmark database only: session_replication_role =
 * replica (no foreign-key or immutability triggers while loading: the rows are consistent by
 * construction), the big tables' secondary indexes dropped and rebuilt after the load, and the
 * offer rollup (kept by triggers in the app) computed once at the end.
 */
import pg from 'pg';
import { catalogData } from '../../db/catalog-data';
import { allConfigurations, configKey } from '../../lib/domain/catalog';
import { assembleBill, dueDateOf, rateUsage, type BillLine } from '../../lib/domain/bills';
import { addDays, daysBetween, periodContaining } from '../../lib/domain/periods';
import { recurringLines } from '../../lib/domain/rollover';
import type { BillingPeriod, Configuration, Day } from '../../lib/domain/types';

export interface ScaleOptions {
  url: string;
  subscribers: number;
  today: Day;
  months?: number;
  /** Bills (with their lines) at the last billMonths boundaries only (default: every boundary). */
  billMonths?: number;
  offerEvents?: number;
  log?: (m: string) => void;
}

export interface ScaleResult {
  subscribers: number;
  months: number;
  billMonths: number;
  rows: Record<string, number>;
  seconds: Record<string, number>;
  totalSeconds: number;
  databaseBytes: number;
}

/** The scale subscriber n's email (the benchmark signs in as some of them). */
export function scaleEmail(first: string, last: string, n: number): string {
  return `${first}.${last}.${n}@scale.example.net`.toLowerCase();
}

const FIRST_SEED = ['Liam', 'Olivia', 'Noah', 'Emma', 'Mateo', 'Amara', 'Yuki', 'Priya', 'Lucas', 'Sofia'];
const LAST_SEED = ['Nguyen', 'Smith', 'Garcia', 'Kowalski', 'Haddad', 'Tanaka', 'Dubois', 'Silva', 'Kim', 'Novak'];
const SYLLABLES = [
  'ba', 'co', 'da', 'el', 'fa', 'go', 'ha', 'in', 'jo', 'ka', 'lu', 'ma', 'ne', 'or', 'pa',
  'qui', 'ro', 'su', 'ta', 'ul', 'va', 'we', 'xa', 'yo', 'zu', 'ber', 'dor', 'fen', 'gar', 'hol',
]; // biome-ignore format: a word list

/** About a thousand first names and 27,000 surnames: a common name is ~0.1 % of a million. */
function vocabulary() {
  const cap = (x: string) => x[0]!.toUpperCase() + x.slice(1);
  const first = [...FIRST_SEED];
  for (const a of SYLLABLES) for (const b of SYLLABLES) first.push(cap(`${a}${b}a`));
  const last = [...LAST_SEED];
  for (const a of SYLLABLES) for (const b of SYLLABLES) for (const c of SYLLABLES) last.push(cap(a + b + c));
  return { first, last };
}

const USAGE_PROFILES = [
  { ld: 0, intl: 0, unanswered: 1, busy: 0 },
  { ld: 120, intl: 0, unanswered: 4, busy: 1 },
  { ld: 350, intl: 20, unanswered: 6, busy: 2 },
  { ld: 600, intl: 0, unanswered: 10, busy: 4 },
  { ld: 900, intl: 60, unanswered: 3, busy: 6 },
  { ld: 1200, intl: 150, unanswered: 14, busy: 7 },
  { ld: 250, intl: 200, unanswered: 2, busy: 1 },
  { ld: 50, intl: 5, unanswered: 12, busy: 8 },
];

function values(rows: unknown[][]): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const text = rows.map((r) => `(${r.map((v) => `$${params.push(v)}`).join(', ')})`).join(', ');
  return { text, params };
}

async function insertTemplate(c: pg.Client, table: string, columns: string, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const v = values(rows.slice(i, i + 2000));
    await c.query(`insert into ${table} (${columns}) values ${v.text}`, v.params);
  }
}

/** The big tables' secondary indexes: dropped before the load, rebuilt after (much faster than row by row). */
const BIG_TABLES = ['subscribers', 'users', 'subscriptions', 'usage_periods', 'bills', 'ledger_lines', 'offer_events'];

export async function generateScale(opts: ScaleOptions): Promise<ScaleResult> {
  const log = opts.log ?? (() => {});
  const N = opts.subscribers;
  const months = opts.months ?? 12;
  const billMonths = Math.min(months, opts.billMonths ?? months);
  const kMin = months - billMonths;
  const eventsPer = Math.max(0, Math.round((opts.offerEvents ?? 10 * N) / N));
  const today = opts.today;
  const catalog = catalogData;
  const configs = allConfigurations(
    catalog,
    catalog.plans.filter((p) => p.status === 'active').map((p) => p.code),
  );
  const C = configs.length;
  const U = USAGE_PROFILES.length;
  const { first, last } = vocabulary();
  const seconds: Record<string, number> = {};
  const t0 = performance.now();
  let lap = t0;
  const step = async (name: string, f: () => Promise<unknown>) => {
    await f();
    const now = performance.now();
    seconds[name] = Math.round((now - lap) / 100) / 10;
    lap = now;
    log(`scale: ${name} in ${seconds[name]} s`);
  };

  const c = new pg.Client({ connectionString: opts.url });
  await c.connect();
  try {
    await c.query(`set session_replication_role = replica; set maintenance_work_mem = '512MB'; set work_mem = '128MB'`);
    const hash = (await c.query(`select password_hash from users where role = 'subscriber' limit 1`)).rows[0]
      ?.password_hash as string | undefined;
    if (!hash) throw new Error('scale: the database has no demo subscriber to copy the password hash from');

    // ---- templates (small), from the domain
    await c.query(`
      create temp table t_config (c int primary key, plan_code text not null, add_ons text[] not null);
      create temp table t_recurring (c int, item_type text, item_code text, name text, amount int, ord int);
      create temp table t_usage (c int, u int, item_code text, description text, amount int, quantity int, ord int);
      create temp table t_profile (u int primary key, ld int, intl int, unanswered int, busy int);
      create temp table t_period (d int, k int, start date, "end" date, prev_start date, elapsed_fraction float8, primary key (d, k));
      create temp table t_offer (o int primary key, offer_key text, kind text, target jsonb, price_change int, saving int);
      create temp table t_first (i int primary key, name text);
      create temp table t_last (i int primary key, name text);`);
    await insertTemplate(
      c,
      't_config',
      'c, plan_code, add_ons',
      configs.map((cfg, i) => [i, cfg.planCode, cfg.addOns]),
    );
    const probe = periodContaining(1, today);
    const recurring: unknown[][] = configs.flatMap((cfg, i) =>
      recurringLines(catalog, cfg, probe).map((l, ord) => [i, l.itemType, l.code, l.name, l.amountCents, ord]),
    );
    await insertTemplate(c, 't_recurring', 'c, item_type, item_code, name, amount, ord', recurring);
    const usage: unknown[][] = configs.flatMap((cfg, i) =>
      USAGE_PROFILES.flatMap((p, u) =>
        rateUsage(catalog, cfg, { ldMinutes: p.ld, intlMinutes: p.intl }).lines.map((l, ord) => [
          i,
          u,
          l.code,
          l.description,
          l.amountCents,
          l.quantity,
          ord,
        ]),
      ),
    );
    await insertTemplate(c, 't_usage', 'c, u, item_code, description, amount, quantity, ord', usage);
    await insertTemplate(
      c,
      't_profile',
      'u, ld, intl, unanswered, busy',
      USAGE_PROFILES.map((p, u) => [u, p.ld, p.intl, p.unanswered, p.busy]),
    );
    // Periods k = 0 … months: k = months is the current one.
    const periods: unknown[][] = [];
    for (let d = 1; d <= 31; d++) {
      const ps: BillingPeriod[] = [periodContaining(d, today)];
      for (let k = 0; k < months; k++) ps.unshift(periodContaining(d, addDays(ps[0]!.start, -1)));
      ps.forEach((p, k) => {
        const elapsed = Math.max(0, daysBetween(p.start, today));
        periods.push([d, k, p.start, p.end, k > 0 ? ps[k - 1]!.start : null, k === months ? elapsed / p.days : 1]);
      });
    }
    await insertTemplate(c, 't_period', 'd, k, start, "end", prev_start, elapsed_fraction', periods);
    const kinds = ['cross_sell', 'up_sell', 'right_size'];
    const offers = configs
      .filter((_, i) => i % 9 === 0)
      .map((cfg, o) => [
        o,
        `${kinds[o % 3]}:${configKey(cfg)}`,
        kinds[o % 3],
        JSON.stringify(cfg),
        500 - (o % 7) * 150,
        (o % 5) * 300,
      ]);
    await insertTemplate(c, 't_offer', 'o, offer_key, kind, target, price_change, saving', offers);
    await insertTemplate(
      c,
      't_first',
      'i, name',
      first.map((x, i) => [i, x]),
    );
    await insertTemplate(
      c,
      't_last',
      'i, name',
      last.map((x, i) => [i, x]),
    );
    const O = offers.length;
    await c.query(`
      create temp table t_money as
      select t.c, p.u,
        (select coalesce(sum(r.amount), 0) from t_recurring r where r.c = t.c) as recurring,
        (select coalesce(sum(x.amount), 0) from t_usage x where x.c = t.c and x.u = p.u) as usage
      from t_config t cross join t_profile p;
      alter table t_money add primary key (c, u);
      analyze t_config; analyze t_recurring; analyze t_usage; analyze t_period; analyze t_offer; analyze t_money`);

    // ---- drop the big tables' secondary indexes (not primary keys), rebuilt at the end
    const indexes = (
      await c.query(
        `select i.indexname, i.indexdef from pg_indexes i
         where i.schemaname = 'public' and i.tablename = any($1)
           and not exists (select 1 from pg_constraint k where k.conname = i.indexname)`,
        [BIG_TABLES],
      )
    ).rows as { indexname: string; indexdef: string }[];
    await c.query(indexes.map((i) => `drop index "${i.indexname}"`).join('; '));

    // Subscriber n: configuration n mod C, usage profile (n / C) mod U, billing day 1 + n mod 31,
    // names by a multiplicative hash (so neighbours do not share a surname).
    const F = first.length;
    const L = last.length;
    await c.query(`
      create temp table t_sub as
      select n, n % ${C} as c, (n / ${C}) % ${U} as u, 1 + n % 31 as d,
        (n::bigint * 7919) % ${F} as fi, (n::bigint * 104729) % ${L} as li
      from generate_series(1, ${N}) n;
      alter table t_sub add primary key (n)`);
    await step('subscribers', () =>
      c.query(`
        insert into subscribers (account_number, name, email, phone, phone_digits, billing_day, joined_on)
        select 'SC-' || (1000000 + s.n), f.name || ' ' || l.name,
          lower(f.name || '.' || l.name || '.' || s.n || '@scale.example.net'),
          '+1 7' || lpad((s.n / 10000000)::text, 2, '0') || '-' || lpad(((s.n / 10000) % 1000)::text, 3, '0') || '-' || lpad((s.n % 10000)::text, 4, '0'),
          '17' || lpad((s.n / 10000000)::text, 2, '0') || lpad(((s.n / 10000) % 1000)::text, 3, '0') || lpad((s.n % 10000)::text, 4, '0'),
          s.d, p.start
        from t_sub s join t_first f on f.i = s.fi join t_last l on l.i = s.li join t_period p on p.d = s.d and p.k = 0
        order by s.n`),
    );
    await c.query(`
      create temp table t_map as
      select substr(account_number, 4)::int - 1000000 as n, id as subscriber_id from subscribers where account_number like 'SC-%';
      alter table t_map add primary key (n); analyze t_map`);
    await step('users', () =>
      c.query(
        `insert into users (email, name, password_hash, role, subscriber_id)
         select b.email, b.name, $1, 'subscriber', b.id from subscribers b where b.account_number like 'SC-%' order by b.id`,
        [hash],
      ),
    );
    await step('subscriptions', () =>
      c.query(`
        insert into subscriptions (subscriber_id, plan_code, period_start, period_end)
        select m.subscriber_id, t.plan_code, p.start, p."end"
        from t_sub s join t_map m using (n) join t_config t on t.c = s.c join t_period p on p.d = s.d and p.k = ${months}
        order by m.subscriber_id`),
    );
    await c.query(`
      create temp table t_all as
      select s.*, m.subscriber_id, x.id as subscription_id
      from t_sub s join t_map m using (n) join subscriptions x on x.subscriber_id = m.subscriber_id;
      alter table t_all add primary key (n); analyze t_all`);
    await step('subscription add-ons', () =>
      c.query(`
        insert into subscription_add_ons (subscription_id, add_on_code, added_on)
        select a.subscription_id, unnest(t.add_ons), p.start
        from t_all a join t_config t on t.c = a.c join t_period p on p.d = a.d and p.k = 0`),
    );
    await step('usage periods', () =>
      c.query(`
        insert into usage_periods (subscriber_id, period_start, period_end, ld_minutes, intl_minutes, unanswered_calls, missed_while_busy)
        select a.subscriber_id, p.start, p."end", round(u.ld * p.elapsed_fraction), round(u.intl * p.elapsed_fraction),
          round(u.unanswered * p.elapsed_fraction), round(u.busy * p.elapsed_fraction)
        from t_all a join t_profile u on u.u = a.u join t_period p on p.d = a.d`),
    );
    // Bill numbers after the demo's, k-major (older boundaries first, as the rollover would
    // have issued them), gapless; ids likewise, so that the lines need no join to find their bill.
    const base = Number(
      (await c.query(`select last_number from bill_number_counter where id = 1`)).rows[0].last_number,
    );
    const idBase = Number((await c.query(`select coalesce(max(id), 0) as m from bills`)).rows[0].m);
    const billId = (k: string, n: string) => `(${idBase} + (${k} - ${kMin})::bigint * ${N} + ${n})`;
    await step('bills', () =>
      c.query(`
        insert into bills (id, number, subscription_id, subscriber_id, bill_date, closed_period_start, next_period_end, due_date, total_cents, credit_forward_cents)
        overriding system value
        select ${billId('p.k', 'a.n')}, ${base} + (p.k - ${kMin})::bigint * ${N} + a.n, a.subscription_id, a.subscriber_id,
          p.start, p.prev_start, p."end", p.start + ${daysBetween(today, dueDateOf(today))},
          m.recurring + case when p.k > 0 then m.usage else 0 end, 0
        from t_period p join t_all a on a.d = p.d join t_money m on m.c = a.c and m.u = a.u
        where p.k >= ${kMin}`),
    );
    await c.query(`
      update bill_number_counter set last_number = ${base} + ${(billMonths + 1) * N} where id = 1;
      select setval(pg_get_serial_sequence('bills', 'id'), ${idBase + (billMonths + 1) * N})`);
    // One statement per line position, so that each bill's lines are in the domain's order by id.
    const maxOrd = Math.max(...recurring.map((r) => r[5] as number), ...usage.map((r) => r[6] as number));
    await step('ledger lines (recurring)', async () => {
      for (let ord = 0; ord <= maxOrd; ord++)
        await c.query(`
          insert into ledger_lines (subscription_id, kind, bill_period_start, item_type, item_code, description, amount_cents, bill_id)
          select a.subscription_id, 'recurring', p.start, r.item_type, r.item_code,
            r.name || ', ' || to_char(p.start, 'YYYY-MM-DD') || ' to ' || to_char(p."end" - 1, 'YYYY-MM-DD'), r.amount,
            ${billId('p.k', 'a.n')}
          from t_period p join t_all a on a.d = p.d join t_recurring r on r.c = a.c and r.ord = ${ord}
          where p.k >= ${kMin}`);
    });
    await step('ledger lines (usage)', async () => {
      for (let ord = 0; ord <= maxOrd; ord++)
        await c.query(`
          insert into ledger_lines (subscription_id, kind, bill_period_start, item_type, item_code, description, amount_cents, quantity, bill_id)
          select a.subscription_id, 'usage', p.start, 'usage', x.item_code, x.description, x.amount, x.quantity,
            ${billId('p.k', 'a.n')}
          from t_period p join t_all a on a.d = p.d join t_usage x on x.c = a.c and x.u = a.u and x.ord = ${ord}
          where p.k > 0 and p.k >= ${kMin}`);
    });
    // Offer events: per subscriber, eventsPer events on distinct days over the year; mostly
    // impressions, some acceptances, dismissals and snoozes.
    await step('offer events', () =>
      c.query(`
        insert into offer_events (subscriber_id, offer_key, kind, target_config, event_type, day, monthly_price_change_cents, monthly_saving_cents, until)
        select a.subscriber_id, o.offer_key, o.kind, o.target, e.t::offer_event_type, e.day,
          o.price_change, o.saving, case when e.t in ('dismissed', 'snoozed') then e.day + 30 end
        from t_all a
          cross join lateral (
            select j, (date '${today}' - (j * 36 + a.n % 36)) as day,
              case when (a.n + j) % 20 = 0 then 'accepted' when (a.n + j) % 20 = 1 then 'dismissed'
                   when (a.n + j) % 20 = 2 then 'snoozed' else 'impression' end as t
            from generate_series(0, ${eventsPer - 1}) j
          ) e
          join t_offer o on o.o = (a.n + e.j * 7) % ${O}`),
    );
    await step('offer rollup', () =>
      c.query(`
        delete from offer_event_daily;
        insert into offer_event_daily (day, kind, offer_key, target_config, impressions, acceptances, dismissals, snoozes, revenue_change_cents, savings_cents)
        select day, kind, offer_key, target_config,
          count(*) filter (where event_type = 'impression'), count(*) filter (where event_type = 'accepted'),
          count(*) filter (where event_type = 'dismissed'), count(*) filter (where event_type = 'snoozed'),
          coalesce(sum(monthly_price_change_cents) filter (where event_type = 'accepted'), 0),
          coalesce(sum(monthly_saving_cents) filter (where event_type = 'accepted'), 0)
        from offer_events group by 1, 2, 3, 4`),
    );
    await step('indexes rebuilt', async () => {
      for (const i of indexes) await c.query(i.indexdef);
    });
    await c.query(`set session_replication_role = origin`);
    await step('analyze', () => c.query(`vacuum analyze`));

    // ---- check a sample against the domain's own bill
    const sample = (
      await c.query(`
        select a.n, a.c, a.u, b.bill_date::text, b.closed_period_start::text as closed, b.next_period_end::text as next_end,
          b.total_cents, b.due_date::text,
          (select json_agg(json_build_object('kind', l.kind, 'code', l.item_code, 'description', l.description, 'amount', l.amount_cents) order by l.id)
            from ledger_lines l where l.bill_id = b.id) as lines
        from t_all a join bills b on b.subscription_id = a.subscription_id
        where a.n in (1, ${Math.max(1, Math.floor(N / 2))}, ${N}) and b.closed_period_start is not null
        order by a.n, b.bill_date limit 6`)
    ).rows as {
      n: number;
      c: number;
      u: number;
      bill_date: Day;
      closed: Day;
      next_end: Day;
      total_cents: number;
      due_date: Day;
      lines: { kind: string; code: string; description: string; amount: number }[];
    }[];
    for (const r of sample) {
      const cfg: Configuration = configs[r.c]!;
      const next: BillingPeriod = { start: r.bill_date, end: r.next_end, days: daysBetween(r.bill_date, r.next_end) };
      const booked: BillLine[] = recurringLines(catalog, cfg, next).map((l) => ({
        kind: 'recurring',
        itemType: l.itemType,
        itemCode: l.code,
        description: l.description,
        amountCents: l.amountCents,
        quantity: null,
      }));
      const p = USAGE_PROFILES[r.u]!;
      const bill = assembleBill({
        billDate: r.bill_date,
        closedPeriod: { start: r.closed, end: r.bill_date, days: daysBetween(r.closed, r.bill_date) },
        booked,
        usage: rateUsage(catalog, cfg, { ldMinutes: p.ld, intlMinutes: p.intl }).lines,
        creditBrought: null,
      });
      const got = r.lines.map((l) => `${l.code}:${l.amount}`).join(',');
      const want = bill.lines.map((l) => `${l.itemCode}:${l.amountCents}`).join(',');
      if (bill.totalCents !== r.total_cents || bill.dueDate !== r.due_date || got !== want)
        throw new Error(
          `scale: generated bill of subscriber ${r.n} on ${r.bill_date} disagrees with the domain: ${r.total_cents} [${got}] due ${r.due_date}, expected ${bill.totalCents} [${want}] due ${bill.dueDate}`,
        );
      const recurringDescription = r.lines.find((l) => l.kind === 'recurring')?.description;
      if (recurringDescription !== booked[0]?.description)
        throw new Error(`scale: recurring line "${recurringDescription}" ≠ the domain's "${booked[0]?.description}"`);
    }
    log(`scale: ${sample.length} sampled bills agree with the domain (lines, total, due date)`);

    const counts = (
      await c.query(`
        select (select count(*) from subscribers) as subscribers, (select count(*) from users) as users,
          (select count(*) from usage_periods) as usage_periods, (select count(*) from bills) as bills,
          (select count(*) from ledger_lines) as ledger_lines, (select count(*) from offer_events) as offer_events,
          (select count(*) from offer_event_daily) as offer_event_daily, pg_database_size(current_database()) as bytes`)
    ).rows[0] as Record<string, string>;
    const rows = Object.fromEntries(
      Object.entries(counts)
        .filter(([k]) => k !== 'bytes')
        .map(([k, v]) => [k, Number(v)]),
    );
    return {
      subscribers: N,
      months,
      billMonths,
      rows,
      seconds,
      totalSeconds: Math.round((performance.now() - t0) / 100) / 10,
      databaseBytes: Number(counts.bytes),
    };
  } finally {
    await c.end();
  }
}
