/**
 * Usage in (issue 19, docs/usage.md) on real databases: the SQL billing period agrees with the
 * domain's; an import of 100,000 rows with 1% bad gives exact accepted / duplicate / refused
 * counts, a re-import is all duplicates and changes nothing, and memory stays flat; a late
 * record is billed as an adjustment on the next bill; a record posted through the API's use
 * case shows on the dashboard meter at the next view.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addDays, lastDayOf, periodContaining } from '@/lib/domain/periods';
import { createApiClient, type ApiClientActor } from '@/lib/server/api-clients';
import { rolloverSubscription } from '@/lib/server/billing';
import { getCatalog } from '@/lib/server/catalog';
import { getDashboard } from '@/lib/server/dashboard';
import { importUsageFile, type ImportSummary } from '@/lib/server/usage/import';
import { ingestApiRecords } from '@/lib/server/usage/ingest';
import { createTestDb, drivers, type TestDb } from './support/db';
import { actorFor, subscriberIdOf, subscriptionOf, useTestDb } from './support/actors';

const rows = <T>(r: unknown) => (r as { rows: T[] }).rows;
const NOW = new Date('2026-11-16T10:00:00Z');

/** 100,000 rows: every 100th is bad, in five different ways (1,000 bad in all). */
function writeFile(file: string, accounts: string[], prefix: string, count = 100_000): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'id,subscriber,time,kind,quantity\n');
  const kinds = ['long-distance', 'international', 'unanswered-call', 'missed-while-busy'];
  let chunk = '';
  for (let i = 0; i < count; i++) {
    const acct = accounts[i % accounts.length]!;
    const time = `2026-11-${String(1 + (i % 15)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`;
    let line = `${prefix}-${i},${acct},${time},${kinds[i % 4]},${1 + (i % 7)}`;
    if (i % 100 === 99) {
      switch (((i / 100) % 5) | 0) {
        case 0:
          line = `${prefix}-${i},${acct},${time},long-distance,-4`; // negative quantity
          break;
        case 1:
          line = `${prefix}-${i},${acct},yesterday,long-distance,3`; // bad time
          break;
        case 2:
          line = `${prefix}-${i},SB-0000000,${time},long-distance,3`; // unknown subscriber
          break;
        case 3:
          line = `,${acct},${time},long-distance,3`; // no id
          break;
        default:
          line = `${prefix}-${i},${acct},${time}`; // too few columns
      }
    }
    chunk += `${line}\n`;
    if (chunk.length > 1 << 16) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

describe.each(drivers)('usage in on %s', (driver) => {
  let t: TestDb;
  let dir: string;
  let client: ApiClientActor;

  beforeAll(async () => {
    t = await createTestDb(driver, { today: '2026-11-16' });
    useTestDb(t);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-usage-'));
    const made = await createApiClient(t.db, { kind: 'command-line' }, { name: 'Mediation', scopes: ['usage.write'] });
    client = {
      kind: 'api-client',
      clientId: made.clientId,
      name: 'Mediation',
      scopes: ['usage.write'],
      now: NOW,
      today: '2026-11-16',
    };
  }, 120_000);

  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await t?.destroy();
  });

  it('billing_period_start/end in SQL agree with periodContaining', async () => {
    const cases: { bd: number; day: string }[] = [];
    for (const bd of [1, 15, 28, 29, 30, 31])
      for (let d = '2027-12-20'; d < '2028-04-05'; d = addDays(d, 3)) cases.push({ bd, day: d });
    const got = rows<{ s: string; e: string }>(
      await t.db.execute(sql`
        select billing_period_start(c.bd, c.day)::text as s, billing_period_end(c.bd, billing_period_start(c.bd, c.day))::text as e
        from json_to_recordset(${JSON.stringify(cases)}::json) as c(bd integer, day date) order by c.day, c.bd
      `),
    );
    const want = [...cases]
      .sort((a, b) => a.day.localeCompare(b.day) || a.bd - b.bd)
      .map((c) => {
        const p = periodContaining(c.bd, c.day);
        return { s: p.start, e: p.end };
      });
    expect(got).toEqual(want);
  });

  it('imports 100,000 rows with 1% bad: exact counts, line numbers, a re-import is all duplicates, memory flat', async () => {
    const accounts = rows<{ account_number: string }>(
      await t.db.execute(sql`select account_number from subscribers s join subscriptions x on x.subscriber_id = s.id
          where s.joined_on <= '2026-11-01' order by s.id limit 10`),
    ).map((r) => r.account_number);
    const file = path.join(dir, 'usage.csv');
    writeFile(file, accounts, `imp-${driver}`);
    const before = rows<{ n: number }>(
      await t.db.execute(
        sql`select coalesce(sum(ld_minutes + intl_minutes + unanswered_calls + missed_while_busy), 0)::int as n from usage_periods`,
      ),
    )[0]!.n;
    const refusals: { line: number; reason: string }[] = [];
    const first: ImportSummary = await importUsageFile(t, t.url, fs.createReadStream(file), {
      now: NOW,
      onRefused: (line, reason) => refusals.push({ line, reason }),
    });
    console.log(
      `[usage import on ${driver}] 100,000 rows: peak RSS ${(first.peakRssBytes / 2 ** 20).toFixed(0)} MB; samples ${first.rssSamples.map((b) => (b / 2 ** 20).toFixed(0)).join(', ')} MB`,
    );
    expect(first).toMatchObject({ rows: 100_000, accepted: 99_000, rated: 99_000, duplicate: 0, refused: 1_000 });
    expect(refusals).toHaveLength(1_000);
    // Line numbers: data row i is on line i + 2 (the header is line 1).
    const byLine = new Map(refusals.map((r) => [r.line, r.reason]));
    expect(byLine.get(101)).toMatch(/negative quantity -4/);
    expect(byLine.get(201)).toMatch(/bad time "yesterday"/);
    expect(byLine.get(301)).toMatch(/unknown subscriber "SB-0000000"/);
    expect(byLine.get(401)).toMatch(/no record id/);
    expect(byLine.get(501)).toMatch(/expected 5 columns, found 3/);
    const added = rows<{ n: number }>(
      await t.db.execute(
        sql`select coalesce(sum(ld_minutes + intl_minutes + unanswered_calls + missed_while_busy), 0)::int as n from usage_periods`,
      ),
    )[0]!.n;
    const expected = Array.from({ length: 100_000 }, (_, i) => (i % 100 === 99 ? 0 : 1 + (i % 7))).reduce(
      (a, b) => a + b,
      0,
    );
    expect(added - before).toBe(expected);

    const again = await importUsageFile(t, t.url, fs.createReadStream(file), { now: NOW });
    expect(again).toMatchObject({ rows: 100_000, accepted: 0, duplicate: 99_000, refused: 1_000 });
    const after = rows<{ n: number }>(
      await t.db.execute(
        sql`select coalesce(sum(ld_minutes + intl_minutes + unanswered_calls + missed_while_busy), 0)::int as n from usage_periods`,
      ),
    )[0]!.n;
    expect(after).toBe(added);
    const stored = rows<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from usage_records`))[0]!.n;
    expect(stored).toBe(99_000);

    // Memory: the file is read as a stream. The second half of the run holds no more than the first
    // (on PGlite the database itself lives in this process, so only the PostgreSQL run is held to it).
    const samples = first.rssSamples;
    const early = Math.max(...samples.slice(0, Math.ceil(samples.length / 2)));
    const late = Math.max(...samples.slice(Math.ceil(samples.length / 2)));
    if (driver === 'pg') expect(late - early).toBeLessThan(64 * 2 ** 20);
  }, 600_000);

  it('an import that fails midway (a header missing a column, or a broken stream) writes nothing', async () => {
    const count = async () =>
      rows<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from usage_records`))[0]!.n;
    const n = await count();
    await expect(
      importUsageFile(t, t.url, Readable.from(['id,subscriber,time,quantity\nx,SB-1,2026-11-02T00:00:00Z,1\n']), {
        now: NOW,
      }),
    ).rejects.toThrow(/missing: kind/);
    const acct = rows<{ a: string }>(
      await t.db.execute(sql`select account_number as a from subscribers order by id limit 1`),
    )[0]!.a;
    async function* broken() {
      yield 'id,subscriber,time,kind,quantity\n';
      for (let i = 0; i < 3000; i++) yield `broken-${i},${acct},2026-11-02T00:00:00Z,long-distance,1\n`;
      throw new Error('the file went away');
    }
    await expect(importUsageFile(t, t.url, Readable.from(broken()), { now: NOW })).rejects.toThrow(/went away/);
    expect(await count()).toBe(n);
  });

  it.runIf(driver === 'pg')(
    'a record stored by a concurrent import meanwhile counts as a duplicate here, and the rest is stored',
    async () => {
      const [acct] = rows<{ a: string; id: number }>(
        await t.db.execute(sql`select s.account_number as a, s.id from subscribers s
          join subscriptions x on x.subscriber_id = s.id where s.joined_on <= '2026-11-01' order by s.id limit 1`),
      );
      // Another import's transaction holds record race-1, not yet committed: this import's check for
      // stored ids can't see it, so its insert waits on the unique index and then fails there.
      const other = new pg.Client({ connectionString: t.url });
      await other.connect();
      try {
        await other.query('begin');
        await other.query(
          `insert into usage_records (id, subscriber_id, usage_date, spec_id, quantity, status, late, period_start, source)
           values ('race-1', $1, '2026-11-03T00:00:00Z', 'long-distance', 9, 'rated', false, '2026-11-01', 'import')`,
          [acct!.id],
        );
        const file = [
          'id,subscriber,time,kind,quantity',
          ...[1, 2, 3].map((i) => `race-${i},${acct!.a},2026-11-03T0${i}:00:00Z,long-distance,${i}`),
        ].join('\n');
        const running = importUsageFile(t, t.url, Readable.from([`${file}\n`]), { now: NOW });
        await new Promise((r) => setTimeout(r, 500));
        await other.query('commit');
        expect(await running).toMatchObject({ rows: 3, accepted: 2, duplicate: 1, refused: 0 });
      } finally {
        await other.end();
      }
      const stored = rows<{ id: string; quantity: number }>(
        await t.db.execute(sql`select id, quantity from usage_records where id like 'race-%' order by id`),
      );
      expect(stored).toEqual([
        { id: 'race-1', quantity: 9 },
        { id: 'race-2', quantity: 2 },
        { id: 'race-3', quantity: 3 },
      ]);
    },
  );

  it('a late record (its period already billed) is kept, reported late and billed on the next bill as an adjustment', async () => {
    const catalog = await getCatalog(t.db);
    const ada = await subscriberIdOf(t.db, 'ada@example.com');
    const sub = await subscriptionOf(t.db, ada);
    const billingDay = rows<{ b: number }>(
      await t.db.execute(sql`select billing_day as b from subscribers where id = ${ada}`),
    )[0]!.b;
    const closed = periodContaining(billingDay, addDays(sub.periodStart, -1));
    const billed = rows<{ n: number }>(
      await t.db.execute(
        sql`select count(*)::int as n from bills where subscription_id = ${sub.id} and closed_period_start = ${closed.start}::date`,
      ),
    )[0]!.n;
    expect(billed, 'the seed billed the closed period').toBe(1);
    const { result } = await ingestApiRecords(
      t.db,
      client,
      [
        {
          line: 0,
          id: `late-${driver}`,
          subscriber: null,
          customerId: ada,
          usageDate: `${addDays(closed.start, 2)}T12:00:00.000Z`,
          kind: 'long-distance',
          quantity: 10,
        },
      ],
      'tmf635.usage.create',
    );
    expect(result).toMatchObject({ accepted: 1, rated: 1, late: 1, adjustments: 1, adjustmentCents: 100 });
    const rec = rows<{ late: boolean; period_start: string; status: string }>(
      await t.db.execute(
        sql`select late, period_start::text, status from usage_records where id = ${`late-${driver}`}`,
      ),
    )[0]!;
    expect(rec).toEqual({ late: true, period_start: closed.start, status: 'rated' });
    // The next bill (issued when the current period closes) carries the adjustment.
    await rolloverSubscription(t.db, catalog, sub.id, sub.periodEnd);
    const lines = rows<{ kind: string; description: string; amount_cents: number }>(
      await t.db.execute(sql`
        select l.kind, l.description, l.amount_cents from ledger_lines l join bills b on b.id = l.bill_id
        where b.subscription_id = ${sub.id} and b.bill_date = ${sub.periodEnd}::date and l.kind = 'adjustment'`),
    );
    expect(lines).toEqual([
      {
        kind: 'adjustment',
        amount_cents: 100,
        description: `Late usage for ${closed.start} to ${lastDayOf(closed)}: 10 long-distance minutes beyond the allowance × 0.10 = 1.00`,
      },
    ]);
  });

  it('a record sent through the API use case shows on the dashboard meter at the next view; a resend counts once', async () => {
    const carla = await subscriberIdOf(t.db, 'carla@example.com');
    const actor = await actorFor(t.db, 'carla@example.com');
    const before = (await getDashboard(actor, carla)).view.usage.ldMinutes;
    const record = {
      line: 0,
      id: `meter-${driver}`,
      subscriber: null,
      customerId: carla,
      usageDate: '2026-11-16T09:00:00.000Z',
      kind: 'long-distance',
      quantity: 7,
    };
    await ingestApiRecords(t.db, client, [record], 'tmf635.usage.create');
    expect((await getDashboard(actor, carla)).view.usage.ldMinutes).toBe(before + 7);
    const again = await ingestApiRecords(t.db, client, [record], 'tmf635.usage.create');
    expect(again.result).toMatchObject({ accepted: 0, duplicate: 1 });
    expect((await getDashboard(actor, carla)).view.usage.ldMinutes).toBe(before + 7);
  });

  it('stores a well-formed record that cannot be rated as rejected with its reason, counted nowhere', async () => {
    const { result, outcomes } = await ingestApiRecords(
      t.db,
      client,
      [
        {
          line: 0,
          id: `rej-a-${driver}`,
          subscriber: null,
          customerId: null,
          usageDate: null,
          kind: 'af59-b504c742900e',
          quantity: null,
        },
        {
          line: 1,
          id: `rej-b-${driver}`,
          subscriber: null,
          customerId: 2,
          usageDate: '2026-11-15T00:00:00Z',
          kind: 'nope',
          quantity: 3,
        },
        {
          line: 2,
          id: `ref-c-${driver}`,
          subscriber: null,
          customerId: 2,
          usageDate: '2027-01-01T00:00:00Z',
          kind: 'long-distance',
          quantity: 3,
        },
      ],
      'tmf635.usage.batch',
    );
    expect(result).toMatchObject({ accepted: 2, rejected: 2, rated: 0, refused: 1 });
    expect(outcomes.map((o) => [o.line, o.outcome, o.reason])).toEqual([
      [0, 'rejected', 'no subscriber named'],
      [1, 'rejected', 'unknown usage specification "nope"'],
      [2, 'refused', 'the time is in the future'],
    ]);
  });
});
