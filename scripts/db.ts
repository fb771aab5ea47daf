/**
 * npm run db:migrate | db:seed | db:reset — on PGlite (./data) or PostgreSQL (DATABASE_URL).
 * On PGlite these refuse to run while the server holds the data folder.
 *
 * migrate: the SQL migrations, then the reference data (the catalog), in any environment.
 * seed, reset: the demo data too; refused in a deployment (demo logins have a published password).
 */
import { dropEverything } from '../db/client';
import { applyReferenceData } from '../db/reference-data';
import { isSeeded, seedDatabase } from '../db/seed';
import { DataFolderLockedError } from '../db/lock';
import { config } from '../lib/config';
import { dayOf } from '../lib/domain/periods';
import { describeTarget, openRawForScript } from './lib';

async function main() {
  const cmd = process.argv[2];
  if (cmd !== 'migrate' && cmd !== 'seed' && cmd !== 'reset') {
    console.error('Usage: tsx scripts/db.ts migrate|seed|reset');
    process.exit(2);
  }
  if (cmd !== 'migrate' && config().deployment) {
    console.error(
      `npm run db:${cmd} is refused in a deployment (SWITCHBOARD_ENV=production, or unset with NODE_ENV=production): ` +
        'the demo accounts share a published password. Use npm run db:migrate, and npm run admin:create for the first admin.',
    );
    process.exit(2);
  }
  const handle = await openRawForScript(`npm run db:${cmd}`);
  try {
    if (cmd === 'reset') {
      await dropEverything(handle);
      console.log(`Dropped all tables in ${describeTarget()}.`);
    }
    await handle.migrate();
    await applyReferenceData(handle.db);
    console.log(`Migrations and the catalog applied to ${describeTarget()}.`);
    if (cmd === 'seed' || cmd === 'reset') {
      if (await isSeeded(handle.db)) {
        console.log('The database already has accounts: no demo data added (use db:reset to start again).');
      } else {
        const r = await seedDatabase(handle.db, { today: dayOf(new Date()) });
        console.log(`Seeded the demo accounts and ${r.subscribers} subscribers.`);
      }
    }
  } finally {
    await handle.close();
  }
}

main().catch((e: unknown) => {
  if (e instanceof DataFolderLockedError) {
    console.error(e.message);
    process.exit(3);
  }
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
