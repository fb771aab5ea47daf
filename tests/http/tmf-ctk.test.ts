/**
 * TM Forum's own Conformance Test Kits (TMF620, TMF629, TMF637, TMF635, TMF678, TMF622, unmodified, run by the kits'
 * runner with their own payloads) against the production server, on PGlite and on PostgreSQL:
 * every assertion must pass. The API client is made with `npm run api-client:create` as an
 * operator would: before the server starts on PGlite (one process per data folder), beside the
 * running server on PostgreSQL. Its token comes from POST /api/oauth/token.
 *
 * The kits live beside the repository (../shared/tmf-ctk, as in CI); TMF_CTK_DIR points
 * elsewhere (a git worktree, say).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBuild, httpDrivers, ROOT, ServerHarness, unexpectedErrors, type ServerDatabase } from './support/server';

const CTK_DIR = process.env.TMF_CTK_DIR
  ? path.resolve(process.env.TMF_CTK_DIR)
  : path.resolve(ROOT, '..', 'shared', 'tmf-ctk');

const KITS = [
  { kit: 'TMF620', base: '/tmf-api/productCatalogManagement/v4/' },
  { kit: 'TMF629', base: '/tmf-api/customerManagement/v4/' },
  { kit: 'TMF637', base: '/tmf-api/productInventory/v4/' },
  // Usage in (issue 19).
  { kit: 'TMF635', base: '/tmf-api/usageManagement/v4/' },
  { kit: 'TMF678', base: '/tmf-api/customerBillManagement/v4/' },
  { kit: 'TMF622', base: '/tmf-api/productOrderingManagement/v4/' },
] as const;

function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm run api-client:create -- --name … --scopes all --json` on the server's database. */
async function createClient(db: ServerDatabase): Promise<{ clientId: string; clientSecret: string }> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    SWITCHBOARD_ENV: 'test',
    ...(db.dataDir ? { DATA_DIR: db.dataDir } : {}),
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
  };
  const r = await run(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      '--conditions=react-server',
      'scripts/api-client.ts',
      '--name',
      'TM Forum CTK',
      '--scopes',
      'all',
      '--json',
    ],
    env,
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { clientId: string; clientSecret: string };
}

describe.skipIf(!hasBuild()).each(httpDrivers)("TM Forum's conformance kits against `next start` on %s", (driver) => {
  let h: ServerHarness;
  let token: string;
  const lastLines: string[] = [];

  beforeAll(async () => {
    expect(fs.existsSync(path.join(CTK_DIR, 'run-ctk.mjs')), `the kits are not at ${CTK_DIR} (set TMF_CTK_DIR)`).toBe(
      true,
    );
    h = await ServerHarness.create(driver);
    let credentials: { clientId: string; clientSecret: string };
    if (driver === 'pglite') {
      credentials = await createClient(h.db);
      await h.start();
    } else {
      await h.start();
      credentials = await createClient(h.db);
    }
    const res = await fetch(`${h.url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }),
    });
    expect(res.status).toBe(200);
    token = ((await res.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    if (lastLines.length) console.log(`[tmf-ctk on ${driver}]\n${lastLines.join('\n')}`);
    await h?.destroy();
  });

  it('answers without a token with 401, WWW-Authenticate and the TMF error body; serves the OpenAPI documents', async () => {
    const res = await fetch(`${h.url}/tmf-api/productCatalogManagement/v4/productOffering`, { redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(res.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(await res.json()).toMatchObject({ code: 'unauthenticated', reason: 'Unauthorized', status: '401' });
    for (const k of KITS) {
      const doc = await fetch(`${h.url}${k.base}openapi.json`);
      expect(doc.status).toBe(200);
      expect(((await doc.json()) as { basePath: string }).basePath).toBe(k.base);
    }
  });

  for (const { kit, base } of KITS) {
    it(`${kit}: every assertion of the kit passes`, async () => {
      const r = await run(
        process.execPath,
        [path.join(CTK_DIR, 'run-ctk.mjs'), kit, `${h.url}${base}`, '--header', `Authorization: Bearer ${token}`],
        {},
      );
      const last = r.stdout.trim().split('\n').at(-1) ?? '';
      lastLines.push(`  ${last}`);
      expect(
        r.code,
        `${r.stdout
          .split('\n')
          .filter((l) => l.includes('FAILED'))
          .join('\n')}\n${r.stderr}`,
      ).toBe(0);
      expect(last).toMatch(
        new RegExp(`^${kit} CTK: [1-9]\\d* assertions passed, 0 failed \\(\\d+ requests, 0 could not be sent\\)$`),
      );
    });
  }

  it('logged no unhandled error', () => {
    expect(unexpectedErrors(h.stderr())).toEqual([]);
  });
});
