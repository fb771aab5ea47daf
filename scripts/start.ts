/**
 * npm start — builds the portal if needed, prepares the database (created, migrated, the
 * catalog applied, and the demo data seeded on first run), then serves the production build
 * and prints where and how to sign in. Without NEXTAUTH_SECRET the session secret is generated
 * once into the data folder (lib/config.ts).
 * npm run dev — the same with `next dev`.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DataFolderLockedError } from '../db/lock';
import { config } from '../lib/config';
import { currentDemoLogins, DEMO_LOGINS, describeTarget, freePort, openForScript } from './lib';

async function main() {
  const dev = process.argv.includes('--dev');
  // A demo run unless told otherwise (SWITCHBOARD_ENV=production makes it a deployment: no demo
  // data, NEXTAUTH_SECRET required). Set here so this process and the server agree.
  process.env.SWITCHBOARD_ENV ??= 'development';
  let c: ReturnType<typeof config>;
  try {
    c = config();
    void c.authSecret;
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  const nextBin = path.join(process.cwd(), 'node_modules', '.bin', 'next');

  if (!dev && !fs.existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) {
    console.log('No production build yet: running `next build` (about a minute)…');
    const r = spawnSync(nextBin, ['build'], { stdio: 'inherit', env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }

  // Prepare the database in this process, then let go of it before the server takes it.
  const handle = await openForScript(dev ? 'npm run dev (preparing)' : 'npm start (preparing)');
  const demoLogins = c.deployment ? '' : await currentDemoLogins(handle).catch(() => DEMO_LOGINS);
  await handle.close();

  const wanted = c.port;
  const port = await freePort(wanted);
  if (port !== wanted) console.log(`Port ${wanted} is busy; using ${port}.`);
  const url = `http://localhost:${port}`;
  env.NEXTAUTH_URL = url;
  env.PORT = String(port);

  const child = spawn(nextBin, [dev ? 'dev' : 'start', '-p', String(port)], {
    stdio: ['inherit', 'pipe', 'inherit'],
    env,
  });
  let announced = false;
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /ready|started|Local:/i.test(chunk.toString())) {
      announced = true;
      const secret =
        c.authSecretSource === 'NEXTAUTH_SECRET' ? 'NEXTAUTH_SECRET' : `generated, kept in ${c.authSecretSource}`;
      const logins = c.deployment
        ? 'No demo accounts in a deployment: create the first admin with npm run admin:create.'
        : demoLogins;
      console.log(
        `\nSwitchboard is running at ${url}  (database: ${describeTarget()}; session secret: ${secret})\n${logins}\n`,
      );
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((e: unknown) => {
  console.error(e instanceof DataFolderLockedError ? e.message : e);
  process.exit(1);
});
