/** Helpers for the command-line scripts (not part of the app bundle). */
import net from 'node:net';
import { config } from '../lib/config';
import { openReady } from '../db/bootstrap';
import { openDatabase, type DbHandle } from '../db/client';
import { dayOf } from '../lib/domain/periods';

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(preferred: number): Promise<number> {
  for (let p = preferred; p < preferred + 50; p++) if (await portFree(p)) return p;
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Open the configured database for a script: migrated, with the reference data, and (outside a deployment) the demo data when it has no accounts. */
export async function openForScript(command: string, opts: { seedDemo?: boolean } = {}): Promise<DbHandle> {
  const c = config();
  return openReady({
    databaseUrl: c.databaseUrl,
    dataDir: c.dataDir,
    command,
    today: dayOf(new Date()),
    seedDemo: opts.seedDemo ?? !c.deployment,
    log: console.log,
  });
}

export async function openRawForScript(command: string): Promise<DbHandle> {
  const c = config();
  return openDatabase({ databaseUrl: c.databaseUrl, dataDir: c.dataDir, command });
}

export function describeTarget(): string {
  const c = config();
  if (c.databaseUrl) {
    const u = new URL(c.databaseUrl);
    return `PostgreSQL ${u.host}${u.pathname}`;
  }
  return `embedded PGlite in ${c.dataDir}`;
}

export const DEMO_LOGINS = `Demo accounts (password for all: switchboard-demo):
  ada@example.com    subscriber, Basic Line
  ben@example.com    subscriber, Plus + Voicemail + Long Distance 300
  carla@example.com  subscriber, Premium
  dev@example.com    subscriber, Unlimited
  eve@example.com    subscriber, Basic + four features
  finn@example.com   subscriber, Classic Line (retired plan)
  gus@example.com    subscriber, Basic, international caller
  hana@example.com   subscriber, Plus, joined this period
  agent@example.com  support agent
  admin@example.com  admin`;
