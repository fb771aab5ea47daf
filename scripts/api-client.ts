/**
 * npm run api-client:create -- --name NAME --scopes SCOPE,…|all [--json]
 * npm run api-client:create -- --list-scopes
 *
 * Creates an API client for the TMF Open APIs and prints its id and secret (shown this once;
 * only a hash is stored). --json prints {"clientId": …, "clientSecret": …} alone, for automation.
 * On the embedded database (PGlite) run it with the server stopped, as the other scripts; on
 * PostgreSQL (DATABASE_URL) it runs beside the app.
 */
import { parseArgs } from 'node:util';
import { API_SCOPES, parseScopeList } from '../lib/api-scopes';
import { createApiClient } from '../lib/server/api-clients';
import { AppError } from '../lib/server/errors';
import { DataFolderLockedError } from '../db/lock';
import { describeTarget, openForScript } from './lib';

const USAGE = 'Usage: npm run api-client:create -- --name NAME --scopes SCOPE,…|all [--json]   (scopes: --list-scopes)';

/** The command line's options (strict: an unknown option is a usage error, exit 2). */
function readArgs() {
  try {
    return parseArgs({
      options: {
        name: { type: 'string' },
        scopes: { type: 'string' },
        json: { type: 'boolean', default: false },
        'list-scopes': { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
    process.exit(2);
  }
}

async function main() {
  const args = readArgs();
  const v = args.values;
  if (v['list-scopes']) {
    for (const [scope, what] of Object.entries(API_SCOPES)) console.log(`${scope.padEnd(16)} ${what}`);
    return;
  }
  if (!v.name || !v.scopes) {
    console.error(USAGE);
    process.exit(2);
  }
  const { scopes, unknown } = parseScopeList(v.scopes, /,/);
  if (unknown.length) {
    console.error(`Unknown scope: ${unknown.join(', ')}. Scopes: ${Object.keys(API_SCOPES).join(', ')} (or "all").`);
    process.exit(2);
  }
  // Logs of opening (migrate, first seed) go to stderr so that --json prints only the JSON.
  const log = console.log;
  if (v.json) console.log = (...a: unknown[]) => console.error(...a);
  const handle = await openForScript('npm run api-client:create');
  console.log = log;
  try {
    const c = await createApiClient(handle.db, { kind: 'command-line' }, { name: v.name, scopes });
    if (v.json) console.log(JSON.stringify({ clientId: c.clientId, clientSecret: c.clientSecret }));
    else {
      console.log(
        `Created API client "${c.view.name}" in ${describeTarget()} with scopes: ${c.view.scopes.join(', ')}`,
      );
      console.log(`  client_id:     ${c.clientId}`);
      console.log(`  client_secret: ${c.clientSecret}`);
      console.log(
        'The secret is shown this once. Get a token: POST /api/oauth/token with grant_type=client_credentials.',
      );
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
  console.error(e instanceof AppError ? e.message : e);
  process.exit(1);
});
