/**
 * npm start — builds the portal if needed, prepares the database (created, migrated and
 * seeded on first run), then serves the production build and prints where and how to sign in.
 * npm run dev — the same with `next dev`.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DataFolderLockedError } from '../db/lock';
import { config } from '../lib/config';
import { DEMO_LOGINS, describeTarget, freePort, openForScript } from './lib';

async function main() {
  const dev = process.argv.includes('--dev');
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  env.SWITCHBOARD_ENV ??= 'development';
  const nextBin = path.join(process.cwd(), 'node_modules', '.bin', 'next');

  if (!dev && !fs.existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) {
    console.log('No production build yet: running `next build` (about a minute)…');
    const r = spawnSync(nextBin, ['build'], { stdio: 'inherit', env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }

  // Prepare the database in this process, then let go of it before the server takes it.
  const handle = await openForScript(dev ? 'npm run dev (preparing)' : 'npm start (preparing)');
  await handle.close();

  const wanted = config().port;
  const port = await freePort(wanted);
  if (port !== wanted) console.log(`Port ${wanted} is busy; using ${port}.`);
  const url = `http://localhost:${port}`;
  env.NEXTAUTH_URL = url;
  env.PORT = String(port);

  const child = spawn(nextBin, [dev ? 'dev' : 'start', '-p', String(port)], { stdio: ['inherit', 'pipe', 'inherit'], env });
  let announced = false;
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /ready|started|Local:/i.test(chunk.toString())) {
      announced = true;
      console.log(`\nSwitchboard is running at ${url}  (database: ${describeTarget()})\n${DEMO_LOGINS}\n`);
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((e: unknown) => {
  console.error(e instanceof DataFolderLockedError ? e.message : e);
  process.exit(1);
});
