/**
 * Part of npm run bench -- --scale=N (bench/run.ts runs it in its own process, with
 * --conditions=react-server: it calls lib/server). On the scale database (--url=…):
 *   1. agent search: each kind of query (name substring, phone, email, account number) built
 *      by lib/server/agents searchQuery, run alone R times (p50/p99) and explained
 *      (EXPLAIN (ANALYZE, BUFFERS));
 *   2. offer analytics over a year: offerAnalytics (the rollup) timed, beside the same
 *      aggregate over the raw offer events;
 *   3. the daily rollover of the next boundary (≈ 1/31 of the subscriptions: one billing day)
 *      by rolloverDue as the job runs it (set-based, the job queue's concurrency), then the
 *      per-subscription rollover on a slice of the following day for the ratio.
 * The last line printed is the JSON result.
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { parseSearchQuery, searchQuery } from '../lib/server/agents';
import { loadActor } from '../lib/server/actor';
import { offerAnalytics } from '../lib/server/analytics';
import { rolloverDue, ROLLOVER_CONCURRENCY } from '../lib/server/billing';
import { readCatalog } from '../lib/server/catalog';
import { addDays } from '../lib/domain/periods';
import type { Day } from '../lib/domain/types';

const args = process.argv.slice(2);
const arg = (name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')
    .slice(1)
    .join('=');
const URL_ = arg('url');
const REPEAT = Number(arg('repeat') ?? 200);
const ONLY = arg('only');
const SEARCHES = (arg('searches') ?? '').split('|').filter(Boolean);
const log = (m: string) => console.log(`[bench:scale] ${m}`);
const rows = <T>(r: unknown) => (r as { rows: T[] }).rows;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
}

async function main() {
  if (!URL_) throw new Error('--url=postgres://… is required');
  // offerAnalytics opens the process's database from the environment, as the server does.
  process.env.DATABASE_URL = URL_;
  const out: Record<string, unknown> = {};
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  const handle = await openDatabase({ databaseUrl: URL_, poolMax: ROLLOVER_CONCURRENCY + 2 });
  try {
    const db = handle.db;
    if (!ONLY || ONLY === 'search') {
      const searches: Record<string, unknown> = {};
      for (const q of SEARCHES) {
        const built = searchQuery(db, parseSearchQuery(q), 1);
        if (!built) continue;
        const { sql: text, params } = built.select.toSQL();
        const times: number[] = [];
        let matches = 0;
        for (let i = 0; i < REPEAT; i++) {
          const t0 = performance.now();
          const r = await client.query(text, params);
          times.push(performance.now() - t0);
          // The window count is the select's last column (drizzle names it by position).
          matches = r.rows[0] ? Number(Object.values(r.rows[0] as Record<string, unknown>).at(-1)) : 0;
        }
        const plan = (await client.query(`explain (analyze, buffers) ${text}`, params)).rows
          .map((r) => (r as Record<string, string>)['QUERY PLAN'])
          .join('\n');
        const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN);
        searches[q] = {
          matches,
          p50Ms: percentile(times, 50),
          p99Ms: percentile(times, 99),
          runs: REPEAT,
          executionMs,
          plan,
        };
        log(`search "${q}": ${matches} matches, p50 ${percentile(times, 50)} ms, p99 ${percentile(times, 99)} ms`);
      }
      out.search = searches;
    }
    if (!ONLY || ONLY === 'analytics') {
      const adminId = rows<{ id: number }>(
        await db.execute(sql`select id from users where role = 'admin' order by id limit 1`),
      )[0]!.id;
      const actor = (await loadActor(db, adminId))!;
      const today = (await client.query(`select current_date::text as d`)).rows[0].d as Day;
      const admin = { ...actor, today, now: new Date() };
      const events = Number((await client.query('select count(*) as n from offer_events')).rows[0].n);
      const from = addDays(today, -365);
      const times: number[] = [];
      let analyticsRows = 0;
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        const a = await offerAnalytics(admin, { from, to: today });
        times.push(performance.now() - t0);
        analyticsRows = a.rows.length;
      }
      const r0 = performance.now();
      await client.query(
        `select kind, offer_key, target_config, count(*) filter (where event_type = 'impression'),
           count(*) filter (where event_type = 'accepted'), count(*) filter (where event_type = 'dismissed'),
           count(*) filter (where event_type = 'snoozed'),
           coalesce(sum(monthly_price_change_cents) filter (where event_type = 'accepted'), 0),
           coalesce(sum(monthly_saving_cents) filter (where event_type = 'accepted'), 0)
         from offer_events where day between $1 and $2 group by 1, 2, 3`,
        [from, today],
      );
      const rawMs = Math.round(performance.now() - r0);
      out.analytics = {
        events,
        days: 366,
        rows: analyticsRows,
        rollupP50Ms: percentile(times, 50),
        rollupMaxMs: percentile(times, 100),
        rawEventsMs: rawMs,
      };
      log(
        `offer analytics over ${events} events, 366 days: ${percentile(times, 50)} ms (max of 20: ${percentile(times, 100)} ms) from the rollup; ${rawMs} ms over the raw events`,
      );
    }
    if (!ONLY || ONLY === 'rollover') {
      const catalog = await readCatalog(db);
      const [next] = rows<{ day: string; n: string }>(
        await db.execute(sql`
          select period_end::text as day, count(*) as n from subscriptions
          where period_end > current_date group by 1 order by 1 limit 1`),
      );
      const day = next!.day as Day;
      const subscriptions = await client.query('select count(*) as n from subscriptions');
      log(`rollover of ${next!.n} subscriptions due on ${day} (set-based, concurrency ${ROLLOVER_CONCURRENCY})…`);
      const t0 = performance.now();
      const r = await rolloverDue(db, catalog, day);
      const seconds = (performance.now() - t0) / 1000;
      log(
        `rollover: ${r.subscriptions} subscriptions, ${r.periods} bills in ${seconds.toFixed(1)} s = ${(r.subscriptions / seconds).toFixed(0)} subscriptions/s; ${r.failed.length} failed`,
      );
      // The per-subscription rollover, on a slice of the next day's, for the ratio.
      const sliceN = Number(arg('per-subscription') ?? 1500);
      const nextDay = addDays(day, 1);
      const slice = rows<{ id: number }>(
        await db.execute(
          sql`select id from subscriptions where period_end = ${nextDay}::date order by id limit ${sliceN}`,
        ),
      ).map((x) => x.id);
      const { rolloverSubscription } = await import('../lib/server/billing');
      let next_ = 0;
      let done = 0;
      const p0 = performance.now();
      await Promise.all(
        Array.from({ length: ROLLOVER_CONCURRENCY }, async () => {
          while (next_ < slice.length) {
            const n = await rolloverSubscription(db, catalog, slice[next_++]!, nextDay);
            done += n;
          }
        }),
      );
      const perS = (performance.now() - p0) / 1000;
      log(
        `per-subscription (as before, ${ROLLOVER_CONCURRENCY} at once): ${done} in ${perS.toFixed(1)} s = ${(done / perS).toFixed(0)} subscriptions/s`,
      );
      const [check] = rows<{ bad: string; n: string; min: string; max: string }>(
        await db.execute(sql`
          select (select count(*) from bills b where b.bill_date >= ${day}::date
              and b.total_cents <> (select coalesce(sum(l.amount_cents), 0) from ledger_lines l where l.bill_id = b.id)) as bad,
            count(*) as n, min(number) as min, max(number) as max from bills`),
      );
      out.rollover = {
        day,
        subscriptionsInDatabase: Number(subscriptions.rows[0].n),
        due: Number(next!.n),
        subscriptions: r.subscriptions,
        bills: r.periods,
        failed: r.failed.length,
        seconds: Math.round(seconds * 10) / 10,
        subscriptionsPerSecond: Math.round(r.subscriptions / seconds),
        concurrency: ROLLOVER_CONCURRENCY,
        perSubscription: {
          subscriptions: done,
          seconds: Math.round(perS * 10) / 10,
          perSecond: Math.round(done / perS),
        },
        check: {
          newBillsNotAddingUp: Number(check!.bad),
          gapless: Number(check!.min) === 1 && Number(check!.max) === Number(check!.n),
        },
      };
      log(`check: ${check!.bad} new bills not adding up; numbers 1…${check!.max} of ${check!.n}`);
    }
  } finally {
    await client.end();
    await handle.close();
  }
  console.log(JSON.stringify(out));
}

main().catch((e: unknown) => {
  console.error(`[bench:scale] failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
