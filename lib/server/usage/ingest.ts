import 'server-only';
import type { Db, Queryable } from '@/db/client';
import type { ApiClientActor } from '../api-clients';
import { recordAudit } from '../audit';
import { getCatalogVersions } from '../catalog';
import { type NewEvent, recordEvents } from '../outbox';
import {
  createStaging,
  mergeStaged,
  resolvedPage,
  stageRows,
  type MergeResult,
  type ResolvedOutcome,
  type StagedRow,
} from './merge';

/** The most records one API call may send (the batch endpoint; POST usage sends one). */
export const MAX_BATCH_RECORDS = 10_000;

/**
 * Records sent by an API client (TMF635 POST usage, or the batch endpoint), in one transaction:
 * staged, merged (lib/server/usage/merge.ts), and audited once with the counts. Returns the
 * counts and each staged record's outcome (its first line/index per id). `events` builds the
 * outbox events of the outcome (TMF635 UsageCreateEvent), written in the same transaction.
 */
export async function ingestApiRecords(
  db: Db,
  client: ApiClientActor,
  rows: readonly StagedRow[],
  action: `tmf635.${string}`,
  opts: { events?: (tx: Queryable, outcomes: readonly ResolvedOutcome[]) => Promise<NewEvent[]> } = {},
): Promise<{ result: MergeResult; outcomes: ResolvedOutcome[] }> {
  // Late records are re-rated with the catalog versions of their periods.
  const catalog = await getCatalogVersions(db);
  const now = client.now;
  return db.transaction(async (tx) => {
    await createStaging(tx);
    await stageRows(tx, rows);
    const result = await mergeStaged(tx, catalog, { source: 'api', clientId: client.clientId, now });
    const outcomes = await resolvedPage(tx, -1, rows.length + 1, true);
    if (opts.events) await recordEvents(tx, await opts.events(tx, outcomes));
    await recordAudit(tx, {
      actor: client,
      action,
      outcome: 'ok',
      detail: {
        records: rows.length,
        accepted: result.accepted,
        rejected: result.rejected,
        late: result.late,
        duplicate: result.duplicate,
        refused: result.refused,
        ...(rows.length === 1 ? { id: rows[0]!.id } : {}),
      },
    });
    return { result, outcomes };
  });
}
