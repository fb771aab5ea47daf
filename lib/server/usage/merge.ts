import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import type { ConfigJson } from '@/db/schema';
import { normalize } from '@/lib/domain/catalog';
import { readProtectionsOf, usageCatalogForHolder, type CatalogSource } from '../catalog';
import { lateUsageAdjustment, type StagedUsage } from '@/lib/domain/usage';
import { isUniqueViolation } from '../errors';

/**
 * The one way usage records get in (docs/usage.md), for the API and the import alike, in the
 * caller's transaction:
 * 1. the records are staged in a temporary table (`usage_staging`, dropped at commit): COPY on
 *    PostgreSQL for a file, multi-row inserts otherwise (stageRows);
 * 2. mergeStaged: the subscriptions concerned are locked (the rollover waits, so no record is
 *    counted in a period that is being billed meanwhile), every record is resolved and
 *    classified in one statement (`usage_resolved`), the new ones are inserted once by id
 *    (ON CONFLICT DO NOTHING: a record sent again, or twice in one file, is a duplicate), and the
 *    period totals are increased with one grouped upsert;
 * 3. records for a period already billed (late) are added to that period's totals one
 *    (subscriber, period) group at a time, each booking the adjustment for the next bill.
 */

export const STAGING_COLUMNS = ['line', 'id', 'subscriber', 'customer_id', 'usage_date', 'kind', 'quantity'] as const;

export interface StagedRow extends StagedUsage {
  /** The file's line number, or the batch's index. */
  line: number;
  detail?: Record<string, unknown> | null;
}

export interface MergeResult {
  /** Rows staged (refusals found before staging are not counted here). */
  staged: number;
  /** Stored: rated + rejected. */
  accepted: number;
  rated: number;
  rejected: number;
  late: number;
  duplicate: number;
  /** Refused by the merge (unknown subscriber, a time in the future or before the account opened). */
  refused: number;
  /** Adjustment lines booked for late usage, and their sum. */
  adjustments: number;
  adjustmentCents: number;
}

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export async function createStaging(tx: Queryable): Promise<void> {
  await tx.execute(sql`
    create temp table usage_staging (
      line integer not null, id text not null, subscriber text, customer_id integer,
      usage_date timestamptz, kind text, quantity integer, detail jsonb
    ) on commit drop
  `);
}

/** Multi-row inserts into the staging table (the API, and the import on the embedded database). */
export async function stageRows(tx: Queryable, rows: readonly StagedRow[], chunk = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const values = rows
      .slice(i, i + chunk)
      .map(
        (r) =>
          sql`(${r.line}::integer, ${r.id}, ${r.subscriber}, ${r.customerId}::integer, ${r.usageDate}::timestamptz, ${r.kind}, ${r.quantity}::integer, ${r.detail ? JSON.stringify(r.detail) : null}::jsonb)`,
      );
    await tx.execute(
      sql`insert into usage_staging (line, id, subscriber, customer_id, usage_date, kind, quantity, detail) values ${sql.join(values, sql`, `)}`,
    );
  }
}

/** The day of an instant in the operator's time zone (UTC). */
const DAY = sql.raw(`(usage_date at time zone 'UTC')::date`);

export async function mergeStaged(
  tx: Queryable,
  catalog: CatalogSource,
  opts: { source: 'api' | 'import'; clientId: string | null; now: Date },
): Promise<MergeResult> {
  const now = opts.now.toISOString();
  const [{ staged }] = rowsOf<{ staged: number }>(
    await tx.execute(sql`select count(*)::int as staged from usage_staging`),
  ) as [{ staged: number }];

  // Each record once (the first line of an id), with who it names: by customer id, account
  // number, or phone number (digits).
  await tx.execute(sql`
    create temp table usage_named on commit drop as
    select st.*, coalesce(c.id, a.id, p.id) as subscriber_id
    from (select distinct on (id) * from usage_staging order by id, line) st
    left join subscribers c on st.customer_id is not null and c.id = st.customer_id
    left join subscribers a on st.customer_id is null and st.subscriber is not null and a.account_number = st.subscriber
    left join lateral (
      select s.id from subscribers s
      where st.customer_id is null and st.subscriber is not null and a.id is null
        and s.phone_digits = nullif(regexp_replace(st.subscriber, '[^0-9]', '', 'g'), '')
      order by s.id limit 1
    ) p on true
  `);
  // Lock the subscriptions concerned, in id order (concurrent imports queue, never deadlock).
  await tx.execute(sql`
    select sc.id from subscriptions sc
    where sc.subscriber_id in (select subscriber_id from usage_named where subscriber_id is not null)
    order by sc.id for update
  `);
  // Every record resolved and classified in one pass: its outcome and reason, and for a rated
  // one its period (the current one, or the closed one it falls in: late).
  await tx.execute(sql`
    create temp table usage_resolved on commit drop as
    select y.*,
      case when y.outcome = 'rated' then
        case when y.day >= y.cur_start and y.day < y.cur_end then y.cur_end
          when y.day < y.cur_start then least(billing_period_end(y.billing_day, y.period_start), y.cur_start)
          else billing_period_end(y.billing_day, y.period_start) end
      end as period_end,
      coalesce(y.outcome = 'rated' and y.day < y.cur_start, false) as late
    from (
      select x.*,
        case when x.outcome = 'rated' then
          case when x.day >= x.cur_start and x.day < x.cur_end then x.cur_start else billing_period_start(x.billing_day, x.day) end
        end as period_start
      from (
        select st.line, st.id, st.usage_date, st.kind, st.quantity, st.detail, st.subscriber_id,
          sub.billing_day::integer as billing_day, sc.period_start as cur_start, sc.period_end as cur_end, k.counter,
          ${DAY} as day,
          case
            when (st.subscriber is not null or st.customer_id is not null) and st.subscriber_id is null then 'refused'
            when st.subscriber_id is not null and st.usage_date > ${now}::timestamptz then 'refused'
            when st.subscriber_id is not null and ${DAY} < sub.joined_on then 'refused'
            when st.subscriber_id is null or st.usage_date is null or st.quantity is null or st.kind is null
              or k.id is null or k.counter is null or sc.id is null then 'rejected'
            else 'rated'
          end as outcome,
          case
            when (st.subscriber is not null or st.customer_id is not null) and st.subscriber_id is null
              then 'unknown subscriber "' || left(coalesce(st.subscriber, st.customer_id::text), 40) || '"'
            when st.subscriber_id is not null and st.usage_date > ${now}::timestamptz then 'the time is in the future'
            when st.subscriber_id is not null and ${DAY} < sub.joined_on
              then 'the time is before the account opened on ' || sub.joined_on::text
            when st.subscriber_id is null then 'no subscriber named'
            when st.usage_date is null then 'no time given'
            when st.quantity is null then 'no quantity given'
            when st.kind is null then 'no usage specification named'
            when k.id is null then 'unknown usage specification "' || left(st.kind, 40) || '"'
            when k.counter is null then 'usage specification "' || left(st.kind, 40) || '" is not rated here'
            when sc.id is null then 'the subscriber has no plan yet'
          end as reason
        from usage_named st
        left join subscribers sub on sub.id = st.subscriber_id
        left join subscriptions sc on sc.subscriber_id = st.subscriber_id
        left join usage_specifications k on k.id = st.kind
      ) x
    ) y
  `);
  // The records stored now (not already there by id), kept apart rather than marked row by row.
  // The ones already stored are left out first (one anti-join), so the insert is a plain one:
  // ON CONFLICT's speculative insertion costs about a fifth more per row. A record with the same
  // id committed by a concurrent import meanwhile makes that insert fail on the unique index; it
  // is then undone (a savepoint) and done again with ON CONFLICT DO NOTHING: the first one stored
  // stays, this one counts as a duplicate, as before.
  await tx.execute(sql`create temp table usage_inserted (id text primary key) on commit drop`);
  const insertNew = (onConflict: boolean) => sql`
    with ins as (
      insert into usage_records (id, subscriber_id, usage_date, spec_id, quantity, status, reason, late, period_start, source, client_id, detail)
      select r.id, r.subscriber_id, r.usage_date, r.kind, r.quantity, r.outcome::usage_status, r.reason, r.late, r.period_start,
        ${opts.source}, ${opts.clientId}, r.detail
      from usage_resolved r
      where r.outcome <> 'refused' and not exists (select 1 from usage_records u where u.id = r.id)
      order by r.line
      ${onConflict ? sql`on conflict (id) do nothing` : sql``}
      returning id
    )
    insert into usage_inserted select id from ins
  `;
  try {
    await tx.transaction(async (sp) => {
      await sp.execute(insertNew(false));
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    await tx.execute(insertNew(true));
  }
  await tx.execute(sql`
    insert into usage_periods (subscriber_id, period_start, period_end, ld_minutes, intl_minutes, unanswered_calls, missed_while_busy)
    select subscriber_id, period_start, max(period_end), ${counterSums()}
    from usage_resolved r join usage_inserted i using (id) where r.outcome = 'rated' and not r.late
    group by subscriber_id, period_start
    on conflict (subscriber_id, period_start) do update set
      ld_minutes = usage_periods.ld_minutes + excluded.ld_minutes,
      intl_minutes = usage_periods.intl_minutes + excluded.intl_minutes,
      unanswered_calls = usage_periods.unanswered_calls + excluded.unanswered_calls,
      missed_while_busy = usage_periods.missed_while_busy + excluded.missed_while_busy
  `);
  const late = await bookLateUsage(tx, catalog);
  const [c] = rowsOf<{ refused: number; inserted: number; rated: number; rejected: number; late: number }>(
    await tx.execute(sql`
      select count(*) filter (where outcome = 'refused')::int as refused,
        count(*) filter (where inserted)::int as inserted,
        count(*) filter (where inserted and outcome = 'rated')::int as rated,
        count(*) filter (where inserted and outcome = 'rejected')::int as rejected,
        count(*) filter (where inserted and late)::int as late
      from (select r.outcome, r.late, i.id is not null as inserted from usage_resolved r left join usage_inserted i using (id)) c
    `),
  );
  return {
    staged,
    accepted: c!.inserted,
    rated: c!.rated,
    rejected: c!.rejected,
    late: c!.late,
    duplicate: staged - c!.refused - c!.inserted,
    refused: c!.refused,
    adjustments: late.lines,
    adjustmentCents: late.cents,
  };
}

function counterSums(): SQL {
  return sql.raw(
    ['ld_minutes', 'intl_minutes', 'unanswered_calls', 'missed_while_busy']
      .map((c) => `coalesce(sum(quantity) filter (where counter = '${c}'), 0)::integer as ${c}`)
      .join(', '),
  );
}

type LateGroup = {
  subscriber_id: number;
  subscription_id: number;
  next_bill: string;
  period_start: string;
  period_end: string;
  ld_minutes: number;
  intl_minutes: number;
  unanswered_calls: number;
  missed_while_busy: number;
  billed_ld: number | null;
  billed_intl: number | null;
  config: ConfigJson | null;
};

/**
 * Late records, per (subscriber, closed period): the period's totals grow, and the difference
 * in its usage charges is booked as adjustment lines on the next bill (bill_period_start = the
 * current period's end). The configuration is the one held at the period's end, rebuilt from
 * the applied orders (the last one effective before the end, else the first one after it, else
 * what is held now), so the period is re-rated as its bill rated it.
 */
async function bookLateUsage(tx: Queryable, catalog: CatalogSource): Promise<{ lines: number; cents: number }> {
  const groups = rowsOf<LateGroup>(
    await tx.execute(sql`
      select g.*, sc.id as subscription_id, sc.period_end::text as next_bill,
        up.ld_minutes as billed_ld, up.intl_minutes as billed_intl,
        coalesce(
          (select o.to_config from orders o where o.subscription_id = sc.id and o.status = 'applied'
             and o.effective_date < g.period_end::date order by o.effective_date desc, o.id desc limit 1),
          (select o.from_config from orders o where o.subscription_id = sc.id and o.status = 'applied'
             and o.effective_date >= g.period_end::date order by o.effective_date, o.id limit 1),
          json_build_object('planCode', sc.plan_code, 'addOns',
            coalesce((select json_agg(a.add_on_code) from subscription_add_ons a where a.subscription_id = sc.id), '[]'::json))::jsonb
        ) as config
      from (
        select subscriber_id, period_start::text as period_start, max(period_end)::text as period_end, ${counterSums()}
        from usage_resolved r join usage_inserted i using (id) where r.outcome = 'rated' and r.late
        group by subscriber_id, period_start
      ) g
      join subscriptions sc on sc.subscriber_id = g.subscriber_id
      left join usage_periods up on up.subscriber_id = g.subscriber_id and up.period_start = g.period_start::date
      order by g.subscriber_id, g.period_start
    `),
  );
  let lines = 0;
  let cents = 0;
  // A period is re-rated as its bill rated it: the catalog version of its last day, with the
  // holder's protections (issue 20: a rate protection running on its first day holds).
  const protectionsOf = await readProtectionsOf(tx, [...new Set(groups.map((g) => Number(g.subscription_id)))]);
  for (const g of groups) {
    const config = normalize(g.config ?? { planCode: '', addOns: [] });
    const rating = usageCatalogForHolder(catalog, protectionsOf.get(Number(g.subscription_id)) ?? [], {
      start: g.period_start,
      end: g.period_end,
    });
    const adjustments = rating.plans.some((p) => p.code === config.planCode)
      ? lateUsageAdjustment(
          rating,
          config,
          { start: g.period_start, end: g.period_end },
          { ldMinutes: g.billed_ld ?? 0, intlMinutes: g.billed_intl ?? 0 },
          { ldMinutes: g.ld_minutes, intlMinutes: g.intl_minutes },
        )
      : [];
    if (adjustments.length) {
      await tx.execute(sql`
        insert into ledger_lines (subscription_id, kind, bill_period_start, item_type, item_code, description, amount_cents, quantity)
        values ${sql.join(
          adjustments.map(
            (a) =>
              sql`(${g.subscription_id}, 'adjustment', ${g.next_bill}::date, 'usage', ${a.itemCode}, ${a.description}, ${a.amountCents}, ${a.quantity})`,
          ),
          sql`, `,
        )}
      `);
      lines += adjustments.length;
      cents += adjustments.reduce((s, a) => s + a.amountCents, 0);
    }
    await tx.execute(sql`
      insert into usage_periods (subscriber_id, period_start, period_end, ld_minutes, intl_minutes, unanswered_calls, missed_while_busy)
      values (${g.subscriber_id}, ${g.period_start}::date, ${g.period_end}::date, ${g.ld_minutes}, ${g.intl_minutes}, ${g.unanswered_calls}, ${g.missed_while_busy})
      on conflict (subscriber_id, period_start) do update set
        ld_minutes = usage_periods.ld_minutes + excluded.ld_minutes,
        intl_minutes = usage_periods.intl_minutes + excluded.intl_minutes,
        unanswered_calls = usage_periods.unanswered_calls + excluded.unanswered_calls,
        missed_while_busy = usage_periods.missed_while_busy + excluded.missed_while_busy
    `);
  }
  return { lines, cents };
}

export interface ResolvedOutcome {
  line: number;
  id: string;
  outcome: 'rated' | 'rejected' | 'refused';
  reason: string | null;
  inserted: boolean;
  late: boolean;
}

/** The merge's refusals (and, with `all`, every outcome), by line, a page at a time. */
export async function resolvedPage(
  tx: Queryable,
  afterLine: number,
  limit: number,
  all = false,
): Promise<ResolvedOutcome[]> {
  return rowsOf<ResolvedOutcome>(
    await tx.execute(sql`
      select r.line, r.id, r.outcome, r.reason, i.id is not null as inserted, r.late
      from usage_resolved r left join usage_inserted i using (id)
      where r.line > ${afterLine} ${all ? sql`` : sql`and r.outcome = 'refused'`}
      order by r.line limit ${limit}
    `),
  );
}
