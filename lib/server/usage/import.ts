import 'server-only';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db, DbHandle, Queryable } from '@/db/client';
import * as schema from '@/db/schema';
import { checkImportRow, IMPORT_COLUMNS, missingColumns } from '@/lib/domain/usage';
import { recordAudit } from '../audit';
import { getCatalogVersions } from '../catalog';
import { readNow } from '../clock';
import { createStaging, mergeStaged, resolvedPage, stageRows, STAGING_COLUMNS, type StagedRow } from './merge';

/**
 * `npm run usage:import FILE` (docs/usage.md): the operator's rated-usage CSV, streamed in
 * constant memory (csv-parse's stream, read with backpressure), in ONE transaction, so an
 * import stopped midway leaves nothing behind:
 * - PostgreSQL: COPY into the temporary staging table (pg-copy-streams) on a connection of its
 *   own, then the set-based merge (lib/server/usage/merge.ts);
 * - the embedded database: the same staging table filled with multi-row inserts, same merge.
 * Rows refused while reading (bad id, time or quantity, wrong number of columns, unparseable
 * CSV) and by the merge (unknown subscriber, a time in the future or before the account
 * opened) are reported with their line number and reason; the others are kept.
 */

export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

export interface ImportSummary {
  /** Data rows read (the header not counted). */
  rows: number;
  accepted: number;
  rated: number;
  rejected: number;
  late: number;
  duplicate: number;
  refused: number;
  adjustments: number;
  adjustmentCents: number;
  /** Highest resident set size sampled while importing (bytes). */
  peakRssBytes: number;
  /** The RSS samples, one every `sampleEvery` rows. */
  rssSamples: number[];
  /** Wall-clock seconds reading and staging the file, and merging it (for the benchmark). */
  readSeconds: number;
  mergeSeconds: number;
}

export interface ImportOptions {
  /** Each refused row, as it is found (read errors in file order, then the merge's in line order). */
  onRefused?: (line: number, reason: string) => void;
  sampleEvery?: number;
  /** The business clock (default: the one clock, test clock included). */
  now?: Date;
}

/** A CSV field for COPY … (FORMAT csv): null → empty, text quoted. */
function copyField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  return `"${v.replace(/"/g, '""')}"`;
}

interface Sink {
  /** A promise only when the row filled a chunk that is being written (the reader waits for it). */
  push(row: StagedRow): Promise<void> | undefined;
  end(): Promise<void>;
}

async function readInto(
  input: Readable,
  sink: Sink,
  onRefused: (line: number, reason: string) => void,
  sampleEvery: number,
): Promise<{ rows: number; refused: number; rss: number[]; seconds: number }> {
  const started = performance.now();
  let refused = 0;
  let rows = 0;
  const rss: number[] = [process.memoryUsage().rss];
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined) => {
        rows++;
        refused++;
        onRefused(typeof err?.lines === 'number' ? err.lines : 0, `not valid CSV: ${err?.message ?? 'unreadable'}`);
        return undefined;
      },
    }),
  );
  input.on('error', (e) => parser.destroy(e));
  let header: string[] | null = null;
  // Where each column is (the last of a name given twice, as reading by name had it).
  let at = { id: 0, subscriber: 0, time: 0, kind: 0, quantity: 0 };
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = record.map((h) => h.trim().toLowerCase());
      const missing = missingColumns(header);
      if (missing.length)
        throw new ImportFileError(
          `The first line must name the columns ${IMPORT_COLUMNS.join(', ')}; missing: ${missing.join(', ')}.`,
        );
      const h = header;
      at = {
        id: h.lastIndexOf('id'),
        subscriber: h.lastIndexOf('subscriber'),
        time: h.lastIndexOf('time'),
        kind: h.lastIndexOf('kind'),
        quantity: h.lastIndexOf('quantity'),
      };
      continue;
    }
    rows++;
    if (rows % sampleEvery === 0) rss.push(process.memoryUsage().rss);
    const line = info.lines;
    if (record.length !== header.length) {
      refused++;
      onRefused(line, `expected ${header.length} columns, found ${record.length}`);
      continue;
    }
    const checked = checkImportRow({
      id: record[at.id],
      subscriber: record[at.subscriber],
      time: record[at.time],
      kind: record[at.kind],
      quantity: record[at.quantity],
    });
    if (!checked.ok) {
      refused++;
      onRefused(line, checked.reason);
      continue;
    }
    const wait = sink.push({ ...checked.value, line });
    if (wait) await wait;
  }
  if (!header) throw new ImportFileError('The file is empty: the first line must name the columns.');
  await sink.end();
  rss.push(process.memoryUsage().rss);
  return { rows, refused, rss, seconds: (performance.now() - started) / 1000 };
}

async function mergeAndReport(
  tx: Queryable,
  read: { rows: number; refused: number; rss: number[]; seconds: number },
  onRefused: (line: number, reason: string) => void,
  at: Date | undefined,
): Promise<ImportSummary> {
  const started = performance.now();
  // Late records are re-rated with the catalog versions of their periods.
  const catalog = await getCatalogVersions(tx);
  const now = at ?? (await readNow(tx));
  const r = await mergeStaged(tx, catalog, { source: 'import', clientId: null, now });
  for (let after = 0; ; ) {
    const page = await resolvedPage(tx, after, 5000);
    if (!page.length) break;
    for (const p of page) onRefused(p.line, p.reason ?? 'refused');
    after = page.at(-1)!.line;
  }
  const summary: ImportSummary = {
    rows: read.rows,
    accepted: r.accepted,
    rated: r.rated,
    rejected: r.rejected,
    late: r.late,
    duplicate: r.duplicate,
    refused: read.refused + r.refused,
    adjustments: r.adjustments,
    adjustmentCents: r.adjustmentCents,
    peakRssBytes: Math.max(...read.rss, process.memoryUsage().rss),
    rssSamples: read.rss,
    readSeconds: Number(read.seconds.toFixed(3)),
    mergeSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
  await recordAudit(tx, {
    actor: { kind: 'command-line' },
    action: 'usage_import',
    outcome: 'ok',
    detail: { ...summary, rssSamples: undefined },
  });
  return summary;
}

/** Imports one file into the database of `handle` (PostgreSQL: `databaseUrl` opens the COPY connection). */
export async function importUsageFile(
  handle: Pick<DbHandle, 'db' | 'driver'>,
  databaseUrl: string | undefined,
  input: Readable,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const onRefused = opts.onRefused ?? (() => {});
  const sampleEvery = opts.sampleEvery ?? 10_000;
  if (handle.driver === 'pg') {
    if (!databaseUrl) throw new Error('importUsageFile on PostgreSQL needs the database URL.');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const db = drizzle({ client, schema }) as unknown as Db;
      return await db.transaction(async (tx) => {
        await createStaging(tx);
        const copy = client.query(
          copyFrom(`COPY usage_staging (${STAGING_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`),
        );
        const done = finished(copy);
        done.catch(() => {});
        // Lines are sent in chunks of about 64 KiB (one CopyData message each), not one message per row.
        let chunk = '';
        const flush = async () => {
          const ok = copy.write(chunk);
          chunk = '';
          if (!ok) await Promise.race([once(copy, 'drain'), done]);
        };
        const sink: Sink = {
          push(r) {
            chunk += `${r.line},${copyField(r.id)},${copyField(r.subscriber)},${copyField(r.customerId)},${copyField(r.usageDate)},${copyField(r.kind)},${copyField(r.quantity)}\n`;
            return chunk.length >= 65_536 ? flush() : undefined;
          },
          async end() {
            if (chunk) await flush();
            copy.end();
            await done;
          },
        };
        const read = await readInto(input, sink, onRefused, sampleEvery).catch((e: unknown) => {
          copy.destroy(e instanceof Error ? e : new Error(String(e)));
          throw e;
        });
        return mergeAndReport(tx, read, onRefused, opts.now);
      });
    } finally {
      await client.end().catch(() => {});
    }
  }
  return handle.db.transaction(async (tx) => {
    await createStaging(tx);
    let batch: StagedRow[] = [];
    const sink: Sink = {
      push(r) {
        batch.push(r);
        if (batch.length < 1000) return undefined;
        const full = batch;
        batch = [];
        return stageRows(tx, full);
      },
      async end() {
        if (batch.length) await stageRows(tx, batch);
        batch = [];
      },
    };
    const read = await readInto(input, sink, onRefused, sampleEvery);
    return mergeAndReport(tx, read, onRefused, opts.now);
  });
}
