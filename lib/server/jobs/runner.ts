import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db, Queryable } from '@/db/client';
import { config, jobsConfig } from '@/lib/config';
import { dayOf } from '@/lib/domain/periods';
import { readNow } from '../clock';
import { getDb } from '../db';
import { log } from '../log';
import { runDailyJobs, runOutboxDelivery } from './tasks';

/**
 * Starts this instance's background jobs (called from instrumentation.ts when the server
 * starts; JOBS=off turns them off).
 *
 * PostgreSQL: graphile-worker. Its cron (known_crontabs) queues each tick once across all
 * instances; any instance's worker takes it. Jobs: the daily job (rollover and billing, then
 * reminders) every hour and once at start-up (catch-up); the delivery job every minute, at once
 * when a delivery is written (a NOTIFY from the deliveries trigger, turned into one job by its
 * job key), and when the earliest retry is due. Delivery takes a session advisory lock, so one
 * pass runs at a time across instances; a crashed instance's connection (and lock) goes with it.
 *
 * Embedded PGlite (one process): the same job functions on a timer in this process — delivery
 * every JOBS_TICK_MS, the daily job at start-up, whenever the business day changes (the test
 * clock too) and every hour.
 */
export const DAILY_TASK = 'switchboard_daily';
export const OUTBOX_TASK = 'switchboard_outbox';
const OUTBOX_LOCK = 72210;
const HOUR = 3_600_000;

interface JobsState {
  stop(): Promise<void>;
}
const g = globalThis as unknown as { __switchboardJobs?: Promise<JobsState> };

export function startJobs(): Promise<JobsState | null> {
  if (process.env.NEXT_PHASE === 'phase-production-build') return Promise.resolve(null);
  if (!jobsConfig().jobs) {
    log.info('[jobs] background jobs are off on this instance (JOBS=off)');
    return Promise.resolve(null);
  }
  g.__switchboardJobs ??= (config().databaseUrl ? startQueue(config().databaseUrl!) : startTimer()).catch(
    (e: unknown) => {
      g.__switchboardJobs = undefined;
      log.error('[jobs] could not start the background jobs', e);
      throw e;
    },
  );
  return g.__switchboardJobs;
}

export async function stopJobs(): Promise<void> {
  const running = g.__switchboardJobs;
  g.__switchboardJobs = undefined;
  if (running) await (await running).stop();
}

/** Asks for a daily run now (after the test clock moved). PostgreSQL: queued for whichever instance; PGlite: the timer sees the new day. */
export async function queueDailyRun(db: Queryable): Promise<void> {
  if (!config().databaseUrl) return;
  // The queue's schema exists once an instance has run the jobs (JOBS=off everywhere: nothing to queue).
  const found = (await db.execute(
    sql`select exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'graphile_worker' and p.proname = 'add_job') as ok`,
  )) as unknown as { rows: { ok: boolean }[] };
  if (!found.rows[0]?.ok) return;
  await db.execute(sql`select graphile_worker.add_job(${DAILY_TASK}, '{}'::json, job_key := ${`${DAILY_TASK}_now`})`);
}

// ---------------------------------------------------------------- embedded database: a timer

function mutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

async function startTimer(): Promise<JobsState> {
  const { tickMs } = jobsConfig();
  const exclusive = mutex();
  let lastDay: string | undefined;
  let lastDailyAt = 0;
  let busy = false;
  let stopped = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const db: Db = await getDb();
      const today = dayOf(await readNow(db));
      if (today !== lastDay || Date.now() - lastDailyAt >= HOUR) {
        await runDailyJobs(db);
        lastDay = today;
        lastDailyAt = Date.now();
      }
      await runOutboxDelivery(db, exclusive);
    } catch (e) {
      log.error('[jobs] a background run failed; the next tick tries again', e);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), tickMs);
  timer.unref();
  void tick();
  log.info(`[jobs] background jobs run in this process (embedded database), every ${tickMs} ms`);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL: graphile-worker

async function startQueue(connectionString: string): Promise<JobsState> {
  const [{ default: pg }, gw] = await Promise.all([import('pg'), import('graphile-worker')]);
  const pool = new pg.Pool({ connectionString, max: 4 });
  pool.on('error', (err) => log.warn(`[jobs] idle queue connection error: ${err.message}`));
  const db = await getDb();

  /** One delivery pass at a time across instances: a session advisory lock on its own connection. */
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query(`set lock_timeout = '120s'`);
      await client.query('select pg_advisory_lock($1)', [OUTBOX_LOCK]);
      try {
        return await fn();
      } finally {
        await client.query('select pg_advisory_unlock($1)', [OUTBOX_LOCK]);
      }
    } finally {
      await client.query('reset lock_timeout').catch(() => undefined);
      client.release();
    }
  };

  const logger = new gw.Logger(() => (level, message) => {
    if (level === 'error') log.error(`[jobs] ${message}`);
    else if (level === 'warning') log.warn(`[jobs] ${message}`);
  });

  const runner = await gw.run({
    pgPool: pool,
    concurrency: 2,
    noHandleSignals: true,
    pollInterval: 2_000,
    logger,
    taskList: {
      [DAILY_TASK]: async () => {
        await runDailyJobs(db);
      },
      [OUTBOX_TASK]: async (_payload, helpers) => {
        const r = await runOutboxDelivery(db, exclusive);
        if (r.nextDueAt) await helpers.addJob(OUTBOX_TASK, {}, { runAt: r.nextDueAt, jobKey: `${OUTBOX_TASK}_retry` });
      },
    },
    // Cron ticks are queued once across instances (graphile-worker's known_crontabs); fill
    // queues a tick missed while every instance was down.
    crontab: [
      `0 * * * * ${DAILY_TASK} ?id=daily_hourly&fill=1h&max=3`,
      `* * * * * ${OUTBOX_TASK} ?id=outbox_minutely&max=1`,
    ].join('\n'),
  });

  // Catch-up at start-up, then the delivery job whenever a delivery is written.
  await runner.addJob(DAILY_TASK, {}, { jobKey: `${DAILY_TASK}_now`, maxAttempts: 3 });
  await runner.addJob(OUTBOX_TASK, {}, { jobKey: `${OUTBOX_TASK}_now` });

  let listener: import('pg').Client | undefined;
  let stopped = false;
  let pendingNudge: NodeJS.Timeout | undefined;
  const nudge = () => {
    // Many deliveries written together (a rollover batch) make one job.
    pendingNudge ??= setTimeout(() => {
      pendingNudge = undefined;
      runner
        .addJob(OUTBOX_TASK, {}, { jobKey: `${OUTBOX_TASK}_now` })
        .catch((e: unknown) =>
          log.warn(`[jobs] could not queue a delivery run: ${e instanceof Error ? e.message : String(e)}`),
        );
    }, 50);
  };
  const listen = async () => {
    if (stopped) return;
    const client = new pg.Client({ connectionString });
    client.on('notification', nudge);
    client.on('error', (err) => {
      log.warn(`[jobs] the outbox listener lost its connection (${err.message}); reconnecting`);
      client.end().catch(() => undefined);
      if (listener === client) listener = undefined;
      setTimeout(() => void listen().catch(() => undefined), 1_000).unref();
    });
    await client.connect();
    await client.query('listen switchboard_outbox');
    listener = client;
  };
  await listen();
  log.info('[jobs] background jobs run on graphile-worker (PostgreSQL)');

  return {
    stop: async () => {
      stopped = true;
      if (pendingNudge) clearTimeout(pendingNudge);
      await listener?.end().catch(() => undefined);
      await runner.stop();
      await pool.end();
    },
  };
}
