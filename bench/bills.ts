/**
 * npm run bench:bills (and part of npm run bench): bills issued per second on PostgreSQL.
 *
 * A throwaway database gets the catalog and 2 × N subscriptions (default N = 10,000) on
 * generated configurations, each with a period's usage; half end their period on 2026-12-01,
 * half on 2026-12-02. Then the real rollover closes them, issuing one bill each (recurring
 * lines booked, usage rated, number allocated, lines attached, in one transaction per
 * subscription on the per-subscription path, in one per batch on the set-based one):
 *   - the job as it runs today: rolloverDue, set-based (batches of ROLLOVER_BATCH subscriptions,
 *     ROLLOVER_CONCURRENCY at once, each batch one transaction; lib/server/rollover-batch.ts);
 *   - W workers at once (default 8, --bills-workers=W), each closing one subscription per
 *     transaction (rolloverSubscription: the path a test clock's advance and what a batch
 *     leaves take), as several instances would, all queueing on the one bill-number counter
 *     row. The two are different paths: the second is not the first with more workers.
 * Then it checks what was issued: one bill per subscription, numbers 1…2N without a gap, bills
 * adding up to their lines. The last line printed is the JSON result (bench/run.ts reads it).
 *
 * Runs with --conditions=react-server (it calls lib/server, which is server-only).
 */
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { catalogData } from '../db/catalog-data';
import * as s from '../db/schema';
import { prng } from '../db/seed';
import { applyReferenceData } from '../db/reference-data';
import { createThrowawayPostgres } from '../db/throwaway';
import { allConfigurations } from '../lib/domain/catalog';
import { periodContaining } from '../lib/domain/periods';
import { ROLLOVER_BATCH, ROLLOVER_CONCURRENCY, rolloverDue, rolloverSubscription } from '../lib/server/billing';
import { PG_ADMIN_URL } from './lib/data';

export interface BillsBench {
  subscriptions: number;
  job: { bills: number; seconds: number; billsPerSecond: number };
  workers: { workers: number; bills: number; seconds: number; billsPerSecond: number };
  check: { bills: number; gapless: boolean; linesMatchTotals: boolean; usageLines: number };
  setupSeconds: number;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  const v = a ? Number(a.split('=')[1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive whole number`);
  return v;
};
const N = option('bills-subscriptions', 10_000);
const WORKERS = option('bills-workers', 8);
const log = (m: string) => console.log(`[bench:bills] ${m}`);
const rows = <T>(r: unknown) => (r as { rows: T[] }).rows;

async function main(): Promise<BillsBench> {
  const pgdb = await createThrowawayPostgres(PG_ADMIN_URL, 'switchboard_bench_bills');
  const handle = await openDatabase({ databaseUrl: pgdb.url, poolMax: WORKERS + 2 });
  try {
    const t0 = performance.now();
    await handle.migrate();
    const db = handle.db;
    await applyReferenceData(db, catalogData);
    const configs = allConfigurations(
      catalogData,
      catalogData.plans.map((p) => p.code),
    );
    const rand = prng(16_2026);
    // Billing days 1 and 2: the periods containing 2026-11-15 end on 2026-12-01 and 2026-12-02.
    for (const billingDay of [1, 2]) {
      const period = periodContaining(billingDay, '2026-11-15');
      for (let start = 0; start < N; start += 1000) {
        const n = Math.min(1000, N - start);
        const base = billingDay * 1_000_000 + start;
        const subs = await db
          .insert(s.subscribers)
          .values(
            Array.from({ length: n }, (_, i) => ({
              accountNumber: `BB-${base + i}`,
              name: `Bench ${base + i}`,
              email: `bench.${base + i}@example.invalid`,
              phone: `+1 555-77-${base + i}`,
              phoneDigits: `155577${base + i}`,
              billingDay,
              joinedOn: period.start,
            })),
          )
          .returning({ id: s.subscribers.id });
        const picked = subs.map(() => configs[Math.floor(rand() * configs.length)]!);
        const subscriptions = await db
          .insert(s.subscriptions)
          .values(
            subs.map((x, i) => ({
              subscriberId: x.id,
              planCode: picked[i]!.planCode,
              periodStart: period.start,
              periodEnd: period.end,
            })),
          )
          .returning({ id: s.subscriptions.id });
        const addOns = subscriptions.flatMap((x, i) =>
          picked[i]!.addOns.map((addOnCode) => ({ subscriptionId: x.id, addOnCode, addedOn: period.start })),
        );
        if (addOns.length) await db.insert(s.subscriptionAddOns).values(addOns);
        await db.insert(s.usagePeriods).values(
          subs.map((x) => ({
            subscriberId: x.id,
            periodStart: period.start,
            periodEnd: period.end,
            ldMinutes: Math.floor(rand() * 1200),
            intlMinutes: rand() < 0.3 ? Math.floor(rand() * 200) : 0,
            unansweredCalls: 0,
            missedWhileBusy: 0,
          })),
        );
      }
    }
    await db.execute(sql`analyze`);
    const setupSeconds = (performance.now() - t0) / 1000;
    log(`set up ${2 * N} subscriptions in ${setupSeconds.toFixed(1)} s`);

    // 1. The job, set-based.
    const j0 = performance.now();
    const job = await rolloverDue(db, catalogData, '2026-12-01');
    const jobS = (performance.now() - j0) / 1000;
    if (job.failed.length) throw new Error(`the job failed on ${job.failed.length} subscriptions`);
    log(
      `job (rolloverDue, set-based batches of ${ROLLOVER_BATCH}, ${ROLLOVER_CONCURRENCY} at once): ${job.periods} bills in ${jobS.toFixed(1)} s = ${(job.periods / jobS).toFixed(0)} bills/s`,
    );

    // 2. W workers at once over the second half, one subscription a transaction.
    const due = rows<{ id: number }>(
      await db.execute(sql`select id from subscriptions where period_end = '2026-12-02' order by id`),
    ).map((r) => r.id);
    let next = 0;
    let issued = 0;
    const w0 = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next < due.length) {
          const id = due[next++]!;
          const n = await rolloverSubscription(db, catalogData, id, '2026-12-02');
          issued += n;
        }
      }),
    );
    const workersS = (performance.now() - w0) / 1000;
    log(
      `${WORKERS} workers, one subscription a transaction: ${issued} bills in ${workersS.toFixed(1)} s = ${(issued / workersS).toFixed(0)} bills/s`,
    );

    const [c] = rows<{ bills: string; min: string; max: string; bad: string; usage: string }>(
      await db.execute(sql`
        select count(*) as bills, min(number) as min, max(number) as max,
          (select count(*) from bills b where b.total_cents <> (select coalesce(sum(l.amount_cents), 0) from ledger_lines l where l.bill_id = b.id)) as bad,
          (select count(*) from ledger_lines where kind = 'usage') as usage
        from bills`),
    );
    const bills = Number(c!.bills);
    const check = {
      bills,
      gapless: Number(c!.min) === 1 && Number(c!.max) === bills,
      linesMatchTotals: Number(c!.bad) === 0,
      usageLines: Number(c!.usage),
    };
    log(
      `check: ${bills} bills, numbers 1…${c!.max} ${check.gapless ? 'without a gap' : 'WITH GAPS'}, ${check.linesMatchTotals ? 'every total = its lines' : 'TOTALS DISAGREE'}, ${check.usageLines} usage lines`,
    );
    const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      subscriptions: 2 * N,
      job: { bills: job.periods, seconds: round(jobS, 2), billsPerSecond: round(job.periods / jobS) },
      workers: {
        workers: WORKERS,
        bills: issued,
        seconds: round(workersS, 2),
        billsPerSecond: round(issued / workersS),
      },
      check,
      setupSeconds: round(setupSeconds),
    };
  } finally {
    await handle.close().catch(() => {});
    await pgdb.drop().catch((e: unknown) => log(`could not drop the database: ${(e as Error).message}`));
  }
}

main()
  .then((r) => {
    console.log(JSON.stringify(r));
  })
  .catch((e: unknown) => {
    console.error(`[bench:bills] failed: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  });
