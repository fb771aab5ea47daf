/**
 * npx tsx bench/scale-generate.ts N [--bill-months=B] [--keep]: only the scale database of
 * npm run bench -- --scale=N (demo data, then N generated subscribers: bench/lib/scale.ts), on
 * a throwaway database of BENCH_PG_URL's server. With --keep the database stays and its URL is
 * printed, to be measured later with npm run bench -- --scale=N --scale-url=URL
 * --scale-generated=FILE. Standard output is the generator's JSON alone (progress and the URL go
 * to standard error), so `… > FILE` is that FILE.
 * Without --keep it is dropped (a dry run of the generator and its check against the domain).
 */
import { createThrowawayPostgres } from '../db/throwaway';
import { PG_ADMIN_URL, prepareDatabase } from './lib/data';
import { generateScale } from './lib/scale';

const N = Number(process.argv[2] ?? 20000);
if (!Number.isInteger(N) || N < 1) throw new Error('usage: bench/scale-generate.ts N [--bill-months=B] [--keep]');
const keep = process.argv.includes('--keep');
const billMonths = Number(process.argv.find((a) => a.startsWith('--bill-months='))?.split('=')[1] ?? 12);
const db = await createThrowawayPostgres(PG_ADMIN_URL, 'switchboard_scale');
try {
  const d = await prepareDatabase({ databaseUrl: db.url });
  console.error(`seeded in ${Math.round(d.seedMs)} ms`);
  const r = await generateScale({ url: db.url, subscribers: N, today: d.today, billMonths, log: console.error });
  console.log(JSON.stringify(r, null, 1));
  if (keep) console.error('KEPT', db.url);
} finally {
  if (!keep) await db.drop();
}
