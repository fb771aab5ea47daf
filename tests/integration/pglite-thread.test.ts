/**
 * The PGlite database thread (db/pglite-thread.ts): statements prepared once and reused must
 * answer exactly as PGlite's own unprepared path does, keep errors and transactions intact,
 * and survive the schema changing under them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite, types } from '@electric-sql/pglite';
import { openPgliteThread, type ThreadedClient } from '@/db/pglite-thread';

const id = (v: unknown) => v;
const parsers = {
  [types.TIMESTAMP]: id,
  [types.TIMESTAMPTZ]: id,
  [types.INTERVAL]: id,
  [types.DATE]: id,
  1231: id,
  1115: id,
  1185: id,
  1187: id,
  1182: id,
};

let dir: string;
let thread: ThreadedClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-thread-'));
  thread = await openPgliteThread(path.join(dir, 'a'));
  await thread.query(`create type kind as enum ('x', 'y')`);
  await thread.query(`create table t (
    id serial primary key, name text not null unique, day date, at timestamptz, amount numeric(8,2),
    big bigint, tags text[], doc jsonb, k kind, ok boolean)`);
});
afterAll(async () => {
  await thread?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('PGlite thread: prepared statements', () => {
  const insert =
    'insert into t (name, day, at, amount, big, tags, doc, k, ok) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id';
  const rows: unknown[][] = [
    [
      'a',
      '2026-11-27',
      '2026-11-27T10:00:00.000Z',
      '12.50',
      9007199254740993n.toString(),
      ['x', 'y'],
      JSON.stringify({ n: 1, s: 'é' }),
      'x',
      true,
    ],
    ['b', null, null, null, null, null, null, null, null],
    [
      "c'; drop table t; --",
      '2026-01-31',
      '2026-01-31T23:59:59.999Z',
      '-0.01',
      '-1',
      [],
      JSON.stringify([1, 'two']),
      'y',
      false,
    ],
  ];

  it('answers as PGlite does unprepared: values, types, nulls and both row modes', async () => {
    for (const r of rows) await thread.query(insert, r);
    const reference = await PGlite.create({ parsers });
    try {
      await reference.exec(`create type kind as enum ('x', 'y'); create table t (
        id serial primary key, name text not null unique, day date, at timestamptz, amount numeric(8,2),
        big bigint, tags text[], doc jsonb, k kind, ok boolean)`);
      // the enum array type has to be known to the reference too
      await reference.refreshArrayTypes();
      for (const r of rows) await reference.query(insert, r);
      for (const rowMode of ['object', 'array'] as const) {
        for (const q of [
          'select * from t order by id',
          'select * from t where name = $1',
          'select count(*) as n, sum(amount) as s from t where id > $1',
        ]) {
          const params = q.includes('$1') ? [q.includes('name') ? "c'; drop table t; --" : 0] : [];
          for (let i = 0; i < 7; i++) {
            // past five runs PostgreSQL may switch a prepared statement to its generic plan
            const mine = await thread.query(q, params, { rowMode });
            const theirs = await reference.query(q, params, { rowMode });
            expect(mine.rows).toEqual(theirs.rows);
            expect(mine.fields).toEqual(theirs.fields);
          }
        }
      }
    } finally {
      await reference.close();
    }
    const one = await thread.query('select day, at, amount from t where name = $1', ['a']);
    expect(one.rows).toEqual([
      { day: '2026-11-27', at: expect.stringMatching(/^2026-11-27 10:00:00(\+00)?/), amount: '12.50' },
    ]);
  });

  it('prepares each text once, and only data statements', async () => {
    const before = await thread.preparedStatements();
    for (let i = 0; i < 20; i++) await thread.query('select name from t where id = $1', [1 + (i % 3)]);
    expect(await thread.preparedStatements()).toBe(before + 1);
    await thread.query('set statement_timeout = 0');
    await thread.transaction(async (tx) => {
      await tx.query('select 1 as one');
    });
    expect(await thread.preparedStatements()).toBe(before + 2); // the select; not SET/BEGIN/COMMIT
  });

  it('keeps errors as the database reports them, and the statement usable after one', async () => {
    const dup = 'insert into t (name) values ($1)';
    await thread.query(dup, ['dup']);
    const err = await thread.query(dup, ['dup']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '23505', constraint: 't_name_key' });
    await thread.query(dup, ['dup2']);
    expect((await thread.query('select count(*)::int as n from t where name like $1', ['dup%'])).rows).toEqual([
      { n: 2 },
    ]);
    const bad = await thread.query('select $1::int as n', ['not a number']).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: '22P02' });
  });

  it('rolls back prepared writes with their transaction; an aborted transaction refuses until rolled back', async () => {
    const ins = 'insert into t (name) values ($1)';
    await expect(
      thread.transaction(async (tx) => {
        await tx.query(ins, ['rolled-back']);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect((await thread.query('select count(*)::int as n from t where name = $1', ['rolled-back'])).rows).toEqual([
      { n: 0 },
    ]);

    await expect(
      thread.transaction(async (tx) => {
        await tx.query('select 1 / 0').catch(() => {});
        await tx.query('select name from t where id = $1', [1]); // a new text, in an aborted transaction
      }),
    ).rejects.toMatchObject({ code: '25P02' });
    await thread.query(ins, ['after-abort']);
    expect((await thread.query('select name from t where name = $1', ['after-abort'])).rows).toEqual([
      { name: 'after-abort' },
    ]);
  });

  it('follows the schema: DDL forgets prepared statements, and a result type changed behind its back is prepared again', async () => {
    await thread.query('create table shape (a int)');
    await thread.query('insert into shape values ($1)', [1]);
    expect((await thread.query('select * from shape')).rows).toEqual([{ a: 1 }]);
    expect(await thread.preparedStatements()).toBeGreaterThan(0);
    await thread.query('alter table shape add column b text');
    expect(await thread.preparedStatements()).toBe(0);
    expect((await thread.query('select * from shape')).rows).toEqual([{ a: 1, b: null }]);

    // DDL the thread cannot see (inside a function) changes the result type of a prepared statement
    await thread.query(
      `create function reshape() returns void language plpgsql as $$ begin execute 'alter table shape add column c int'; end $$`,
    );
    expect((await thread.query('select * from shape')).rows).toEqual([{ a: 1, b: null }]);
    await thread.query('select reshape()');
    expect((await thread.query('select * from shape')).rows).toEqual([{ a: 1, b: null, c: null }]);
  });

  it('stops preparing new texts past its limit, and keeps answering', async () => {
    const small = await openPgliteThread(path.join(dir, 'b'), 3);
    try {
      for (let i = 0; i < 10; i++)
        expect((await small.query(`select ${i} + $1::int as n`, [1])).rows).toEqual([{ n: i + 1 }]);
      expect(await small.preparedStatements()).toBe(3);
      expect((await small.query('select 0 + $1::int as n', [5])).rows).toEqual([{ n: 5 }]);
    } finally {
      await small.close();
    }
  });
});
