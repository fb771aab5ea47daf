/**
 * A full dump of the database (every row of every table of the public schema, as JSON text,
 * sorted), and a readable diff of two dumps: "nothing was written" means equal dumps.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';

export type Dump = Record<string, string[]>;

function rowsOf<T>(r: unknown): T[] {
  return (r as { rows: T[] }).rows;
}

export async function dumpDatabase(q: Db): Promise<Dump> {
  const tables = rowsOf<{ table_name: string }>(
    await q.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    ),
  ).map((r) => r.table_name);
  const out: Dump = {};
  for (const t of tables) {
    if (!/^[a-z_][a-z0-9_]*$/.test(t)) throw new Error(`unexpected table name ${t}`);
    out[t] = rowsOf<{ j: string }>(await q.execute(sql.raw(`select to_jsonb(t)::text as j from "${t}" t`)))
      .map((r) => r.j)
      .sort();
  }
  return out;
}

export interface DumpDiff {
  table: string;
  added: string[];
  removed: string[];
}

/** Rows added and removed per table (a changed row is one removed and one added). */
export function diffDumps(before: Dump, after: Dump, opts: { exclude?: string[] } = {}): DumpDiff[] {
  const tables = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((t) => !(opts.exclude ?? []).includes(t))
    .sort();
  const diffs: DumpDiff[] = [];
  for (const table of tables) {
    const a = before[table] ?? [];
    const b = after[table] ?? [];
    const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
    const ca = count(a);
    const cb = count(b);
    const added: string[] = [];
    const removed: string[] = [];
    for (const [row, n] of cb) for (let i = ca.get(row) ?? 0; i < n; i++) added.push(row);
    for (const [row, n] of ca) for (let i = cb.get(row) ?? 0; i < n; i++) removed.push(row);
    if (added.length || removed.length) diffs.push({ table, added, removed });
  }
  return diffs;
}

/** Short text for an assertion message. */
export function describeDiffs(diffs: DumpDiff[]): string {
  return diffs
    .map(
      (d) =>
        `${d.table}: +${d.added.length} −${d.removed.length}\n${[...d.added.slice(0, 3).map((r) => `  + ${r.slice(0, 300)}`), ...d.removed.slice(0, 3).map((r) => `  − ${r.slice(0, 300)}`)].join('\n')}`,
    )
    .join('\n');
}

export interface AuditRow {
  id: number;
  actor_user_id: number | null;
  action: string;
  outcome: string;
}

/** The audit rows of a dump, parsed. */
export function auditRows(d: Dump): AuditRow[] {
  return (d['audit_events'] ?? []).map((j) => JSON.parse(j) as AuditRow).sort((x, y) => x.id - y.id);
}
