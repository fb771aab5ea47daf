/** Helpers for the command-line scripts (not part of the app bundle). */
import net from 'node:net';
import { sql } from 'drizzle-orm';
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

const DEMO_ROLES: [email: string, note: string][] = [
  ['ada@example.com', 'subscriber'],
  ['ben@example.com', 'subscriber'],
  ['carla@example.com', 'subscriber'],
  ['dev@example.com', 'subscriber'],
  ['eve@example.com', 'subscriber'],
  ['finn@example.com', 'subscriber'],
  ['gus@example.com', 'subscriber'],
  ['hana@example.com', 'subscriber'],
  ['agent@example.com', 'support agent'],
  ['admin@example.com', 'admin'],
];

/**
 * The demo logins with what each subscriber holds now, read from the database (issue 15: the
 * banner listed the seeded plans after they had changed). Accounts that aren't there are left out.
 */
export async function currentDemoLogins(handle: DbHandle): Promise<string> {
  const result = await handle.db.execute(sql`
    select u.email, p.name as plan,
      (select string_agg(a.name, ' + ' order by a.sort_order, a.code) from subscription_add_ons sa
         join add_ons a on a.code = sa.add_on_code where sa.subscription_id = s.id) as add_ons
    from users u
    left join subscriptions s on s.subscriber_id = u.subscriber_id
    left join plans p on p.code = s.plan_code
    where u.email in (${sql.join(
      DEMO_ROLES.map(([e]) => sql`${e}`),
      sql`, `,
    )})`);
  const rows = (result as unknown as { rows: { email: string; plan: string | null; add_ons: string | null }[] }).rows;
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  const lines = DEMO_ROLES.filter(([e]) => byEmail.has(e)).map(([email, role]) => {
    const r = byEmail.get(email)!;
    const holds = r.plan ? `, ${[r.plan, ...(r.add_ons ? [r.add_ons] : [])].join(' + ')}` : '';
    return `  ${email.padEnd(18)} ${role}${holds}`;
  });
  return `Demo accounts (password for all: switchboard-demo), as they are now:\n${lines.join('\n')}`;
}
