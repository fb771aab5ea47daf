/**
 * npm run bench:usage (and part of npm run bench): usage records ingested per second on PostgreSQL.
 *
 * A throwaway database gets the catalog and the demo seed (plus --usage-subscribers generated
 * accounts, default 2,000). Then:
 *   - import: a CSV of --usage-rows rows (default 200,000; 1% bad) through the import path of
 *     `npm run usage:import` (csv-parse stream → COPY into the staging table → one set-based
 *     merge, in one transaction), in this process: rows per second, and the peak RSS;
 *   - API batch: the production server (`next start`, when a build exists) and POST usageBatch
 *     with 5,000 records a call, one call at a time: records per second over HTTP (JSON, ajv
 *     validation of each record, the same merge).
 * The last line printed is the JSON result (bench/run.ts reads it). Figures depend on the load
 * of the machine: the load average is printed with them.
 *
 * Runs with --conditions=react-server (it calls lib/server, which is server-only).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { applyReferenceData } from '../db/reference-data';
import { seedDatabase } from '../db/seed';
import { createThrowawayPostgres } from '../db/throwaway';
import { dayOf } from '../lib/domain/periods';
import { createApiClient } from '../lib/server/api-clients';
import { importUsageFile } from '../lib/server/usage/import';
import { PG_ADMIN_URL } from './lib/data';
import { startServer } from './lib/server';

export interface UsageBench {
  loadAverage1m: { before: number; after: number };
  import: {
    rows: number;
    accepted: number;
    refused: number;
    seconds: number;
    rowsPerSecond: number;
    peakRssMB: number;
    readSeconds: number;
    mergeSeconds: number;
    nodeCpuSeconds: number;
  };
  reimport: { rows: number; duplicate: number; seconds: number; rowsPerSecond: number };
  api: { records: number; batches: number; seconds: number; recordsPerSecond: number } | { skipped: string };
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  const v = a ? Number(a.split('=')[1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const ROWS = option('usage-rows', 200_000);
const SUBSCRIBERS = option('usage-subscribers', 2_000);
const API_RECORDS = option('usage-api-records', 50_000);
const KINDS = ['long-distance', 'international', 'unanswered-call', 'missed-while-busy'];

const log = (m: string) => console.log(`[bench:usage] ${m}`);

function writeCsv(file: string, accounts: string[], today: string): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'id,subscriber,time,kind,quantity\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const bad = i % 100 === 99;
    chunk += `imp-${i},${accounts[i % accounts.length]},${today}T00:00:00Z,${KINDS[i % 4]},${bad ? -1 : 1 + (i % 9)}\n`;
    if (chunk.length > 1 << 16) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

async function main() {
  const loadBefore = os.loadavg()[0]!;
  const pgdb = await createThrowawayPostgres(PG_ADMIN_URL, 'sb_bench_usage');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-usage-'));
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const handle = await openDatabase({ databaseUrl: pgdb.url });
    await handle.migrate();
    await applyReferenceData(handle.db);
    const today = dayOf(new Date());
    log(`seeding ${SUBSCRIBERS} generated subscribers…`);
    await seedDatabase(handle.db, { today, generated: SUBSCRIBERS });
    const accounts = (
      (await handle.db.execute(
        sql`select s.account_number from subscribers s join subscriptions x on x.subscriber_id = s.id where x.period_start <= ${today}::date order by s.id`,
      )) as unknown as { rows: { account_number: string }[] }
    ).rows.map((r) => r.account_number);
    const file = path.join(dir, 'usage.csv');
    writeCsv(file, accounts, today);
    log(
      `import: ${ROWS} rows (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB) for ${accounts.length} subscribers…`,
    );
    let t = performance.now();
    const cpu0 = process.cpuUsage();
    const first = await importUsageFile(handle, pgdb.url, fs.createReadStream(file));
    const importS = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const nodeCpuS = (cpu.user + cpu.system) / 1e6;
    log(
      `import phases: read + COPY ${first.readSeconds} s, merge ${first.mergeSeconds} s; this process used ${nodeCpuS.toFixed(1)} CPU-s (${Math.round(ROWS / nodeCpuS)} rows per CPU-second of Node)`,
    );
    t = performance.now();
    const again = await importUsageFile(handle, pgdb.url, fs.createReadStream(file));
    const reimportS = (performance.now() - t) / 1000;
    log(
      `import: ${Math.round(ROWS / importS)} rows/s (accepted ${first.accepted}, refused ${first.refused}); re-import ${Math.round(ROWS / reimportS)} rows/s (duplicate ${again.duplicate})`,
    );

    let api: UsageBench['api'];
    if (!fs.existsSync(path.join(process.cwd(), '.next', 'BUILD_ID')))
      api = { skipped: 'no production build (npm run build)' };
    else {
      const c = await createApiClient(
        handle.db,
        { kind: 'command-line' },
        { name: 'Bench mediation', scopes: ['usage.write'] },
      );
      server = await startServer({
        db: { databaseUrl: pgdb.url },
        secret: randomBytes(32).toString('hex'),
        logQueries: false,
      });
      const tokenRes = await fetch(`${server.base}/api/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: c.clientId,
          client_secret: c.clientSecret,
        }),
      });
      const token = ((await tokenRes.json()) as { access_token: string }).access_token;
      const per = 5_000;
      const batches = Math.ceil(API_RECORDS / per);
      const bodies = Array.from({ length: batches }, (_, b) =>
        JSON.stringify({
          usage: Array.from({ length: per }, (_, i) => {
            const n = b * per + i;
            return {
              id: `api-${n}`,
              usageDate: `${today}T00:00:00Z`,
              usageSpecification: { id: KINDS[n % 4] },
              relatedParty: [{ id: accounts[n % accounts.length], '@referredType': 'BillingAccount' }],
              usageCharacteristic: [{ name: 'quantity', value: 1 + (n % 9) }],
            };
          }),
        }),
      );
      log(`API: ${batches} × POST usageBatch of ${per} records…`);
      t = performance.now();
      let accepted = 0;
      for (const body of bodies) {
        const r = await fetch(`${server.base}/tmf-api/usageManagement/v4/usageBatch`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
        if (r.status !== 200) throw new Error(`usageBatch answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
        accepted += ((await r.json()) as { accepted: number }).accepted;
      }
      const apiS = (performance.now() - t) / 1000;
      if (accepted !== batches * per) throw new Error(`usageBatch accepted ${accepted} of ${batches * per}`);
      api = { records: accepted, batches, seconds: apiS, recordsPerSecond: Math.round(accepted / apiS) };
      log(`API: ${api.recordsPerSecond} records/s`);
    }
    await handle.close();
    const result: UsageBench = {
      loadAverage1m: { before: loadBefore, after: os.loadavg()[0]! },
      import: {
        rows: ROWS,
        accepted: first.accepted,
        refused: first.refused,
        seconds: Number(importS.toFixed(2)),
        rowsPerSecond: Math.round(ROWS / importS),
        peakRssMB: Math.round(first.peakRssBytes / 2 ** 20),
        readSeconds: first.readSeconds,
        mergeSeconds: first.mergeSeconds,
        nodeCpuSeconds: Number(nodeCpuS.toFixed(2)),
      },
      reimport: {
        rows: ROWS,
        duplicate: again.duplicate,
        seconds: Number(reimportS.toFixed(2)),
        rowsPerSecond: Math.round(ROWS / reimportS),
      },
      api,
    };
    console.log(JSON.stringify(result));
  } finally {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    await pgdb.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
