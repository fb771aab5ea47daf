/**
 * npm run billing:rollover — closes every period that has ended: applies due scheduled
 * changes and books the next period's recurring charges. Safe to run any number of times,
 * and beside the app on PostgreSQL (on PGlite, stop the server first: one process per folder).
 */
import { readCatalogVersions } from '../lib/server/catalog';
import { rolloverDue } from '../lib/server/billing';
import { readNow } from '../lib/server/clock';
import { dayOf } from '../lib/domain/periods';
import { DataFolderLockedError } from '../db/lock';
import { describeTarget, openForScript } from './lib';

async function main() {
  const handle = await openForScript('npm run billing:rollover');
  try {
    const today = dayOf(await readNow(handle.db));
    const catalog = await readCatalogVersions(handle.db);
    const r = await rolloverDue(handle.db, catalog, today);
    console.log(
      `Rollover on ${today} (${describeTarget()}): ${r.periods} period(s) closed on ${r.subscriptions} subscription(s).`,
    );
    if (r.failed.length > 0) {
      console.error(
        `Could not close ${r.failed.length} subscription(s): ${r.failed.join(', ')} (see the errors above).`,
      );
      process.exitCode = 1;
    }
  } finally {
    await handle.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof DataFolderLockedError ? e.message : e);
  process.exit(e instanceof DataFolderLockedError ? 3 : 1);
});
