/**
 * npm run usage:import FILE [--json]
 *
 * Imports the operator's rated-usage CSV (columns id, subscriber, time, kind, quantity: see
 * docs/usage.md) in one transaction, streaming. Prints each refused row on stderr as
 * "line N: reason", then the counts: accepted (rated, rejected, late), duplicate, refused, and
 * the peak resident memory. --json prints the counts as one JSON line instead. Exit 0 when the
 * file was imported (refused rows included), 1 when it could not be (nothing is written), 2 on
 * a usage error. On the embedded database run it with the server stopped, as the other scripts.
 * A bulk path: no TMF635 UsageCreateEvent is written per row (docs/usage.md); only POST usage tells the hubs.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { config } from '../lib/config';
import { DataFolderLockedError } from '../db/lock';
import { ImportFileError, importUsageFile } from '../lib/server/usage/import';
import { describeTarget, openForScript } from './lib';

const USAGE = 'Usage: npm run usage:import FILE [--json]';

async function main() {
  let args: ReturnType<typeof parseArgs<{ options: { json: { type: 'boolean' } }; allowPositionals: true }>>;
  try {
    args = parseArgs({ options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
    process.exit(2);
  }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) {
    console.error(USAGE);
    process.exit(2);
  }
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    console.error(`No such file: ${file}`);
    process.exit(1);
  }
  const log = console.log;
  console.log = (...a: unknown[]) => console.error(...a);
  const handle = await openForScript('npm run usage:import');
  console.log = log;
  const started = process.hrtime.bigint();
  try {
    const s = await importUsageFile(handle, config().databaseUrl, fs.createReadStream(file), {
      onRefused: (line, reason) => console.error(`line ${line}: ${reason}`),
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perSecond = Math.round(s.rows / Math.max(seconds, 1e-6));
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    if (args.values.json) {
      console.log(JSON.stringify({ ...s, rssSamples: undefined, seconds, rowsPerSecond: perSecond }));
    } else {
      console.log(
        `Imported ${file} into ${describeTarget()}: ${s.rows} rows; accepted ${s.accepted} (rated ${s.rated}, rejected ${s.rejected}, late ${s.late}), duplicate ${s.duplicate}, refused ${s.refused}`,
      );
      if (s.adjustments) console.log(`${s.adjustments} late-usage adjustment line(s) booked for the next bills.`);
      console.log(
        `${seconds.toFixed(1)} s, ${perSecond} rows/s; peak RSS ${mb(s.peakRssBytes)} MB (samples: ${s.rssSamples.map(mb).join(', ')} MB)`,
      );
    }
  } catch (e) {
    if (e instanceof ImportFileError) {
      console.error(`${e.message} Nothing was imported.`);
      process.exitCode = 1;
    } else throw e;
  } finally {
    await handle.close();
  }
}

main().catch((e) => {
  if (e instanceof DataFolderLockedError) console.error(e.message);
  else console.error('Import failed; nothing was imported:', e instanceof Error ? e.message : e);
  process.exit(1);
});
