/**
 * One usage record's fields as they arrive (the import file's columns, a TMF635 body's values),
 * checked before anything is written (docs/usage.md). Three outcomes:
 * - refused: bad input (no id, a bad time, a quantity that is negative or not a whole number):
 *   reported with its line or index and the reason, never stored;
 * - stored `rejected` (decided later, with the database: no subscriber, no quantity, no time,
 *   a kind not rated here): well-formed but not rateable, kept with the reason, counted nowhere;
 * - stored `rated`: counted in its period.
 * Pure: no clock (whether a time is in the future is decided with the clock, in the merge).
 */
import { isDay } from '../periods';

export const MAX_RECORD_ID_LENGTH = 200;
export const MAX_QUANTITY = 1_000_000;

/** What the merge stages for one record (null: not given). */
export interface StagedUsage {
  id: string;
  /** Account number or phone number, as given. */
  subscriber: string | null;
  /** A TMF629 customer id (a relatedParty of @referredType Customer). */
  customerId: number | null;
  /** ISO 8601 instant. */
  usageDate: string | null;
  kind: string | null;
  quantity: number | null;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A control character (C0 or DEL), as lib/contracts' check (the domain imports nothing outside itself). */
const CONTROL = {
  test(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c === 0x7f) return true;
    }
    return false;
  },
};

export function checkRecordId(raw: string): Checked<string> {
  const id = raw.trim();
  if (!id) return { ok: false, reason: 'no record id' };
  if (id.length > MAX_RECORD_ID_LENGTH)
    return { ok: false, reason: `the record id is longer than ${MAX_RECORD_ID_LENGTH} characters` };
  if (CONTROL.test(id)) return { ok: false, reason: 'the record id contains control characters' };
  return { ok: true, value: id };
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** An ISO 8601 date-time with its offset ("2026-11-20T14:05:00Z", "…+01:00"); "" → null (no time). */
export function checkUsageTime(raw: string): Checked<string | null> {
  const t = raw.trim();
  if (!t) return { ok: true, value: null };
  const m = INSTANT.exec(t);
  if (!m || !isDay(m[1]!))
    return { ok: false, reason: `bad time "${t.slice(0, 40)}": expected an ISO 8601 date-time with its offset` };
  const ms = Date.parse(t);
  if (!Number.isFinite(ms)) return { ok: false, reason: `bad time "${t.slice(0, 40)}"` };
  return { ok: true, value: new Date(ms).toISOString() };
}

/** A whole number 0..MAX_QUANTITY; "" → null (no quantity). */
export function checkQuantity(raw: string | number | null | undefined): Checked<number | null> {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === ''))
    return { ok: true, value: null };
  const n = typeof raw === 'number' ? raw : /^[+-]?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(n))
    return { ok: false, reason: `bad quantity "${String(raw).slice(0, 20)}": expected a number` };
  if (n < 0) return { ok: false, reason: `negative quantity ${n}` };
  if (!Number.isInteger(n)) return { ok: false, reason: `quantity ${n} is not a whole number` };
  if (n > MAX_QUANTITY) return { ok: false, reason: `quantity ${n} is more than ${MAX_QUANTITY}` };
  return { ok: true, value: n };
}

/** Text that names a subscriber or a kind: trimmed, "" → null; too long or control characters → refused. */
export function checkName(raw: string, what: string): Checked<string | null> {
  const t = raw.trim();
  if (!t) return { ok: true, value: null };
  if (t.length > MAX_RECORD_ID_LENGTH || CONTROL.test(t))
    return { ok: false, reason: `bad ${what} "${t.slice(0, 40)}"` };
  return { ok: true, value: t };
}

/** The import file's columns, in any order (docs/usage.md). */
export const IMPORT_COLUMNS = ['id', 'subscriber', 'time', 'kind', 'quantity'] as const;

/** The header line: every column present once; others are ignored. Returns the missing ones. */
export function missingColumns(header: readonly string[]): string[] {
  const names = header.map((h) => h.trim().toLowerCase());
  return IMPORT_COLUMNS.filter((c) => !names.includes(c));
}

/** One data row of the import file (by column name) → the staged record, or why it is refused. */
export function checkImportRow(row: Readonly<Record<string, string | undefined>>): Checked<StagedUsage> {
  const id = checkRecordId(row.id ?? '');
  if (!id.ok) return id;
  const time = checkUsageTime(row.time ?? '');
  if (!time.ok) return time;
  const quantity = checkQuantity(row.quantity ?? '');
  if (!quantity.ok) return quantity;
  const subscriber = checkName(row.subscriber ?? '', 'subscriber');
  if (!subscriber.ok) return subscriber;
  const kind = checkName(row.kind ?? '', 'kind');
  if (!kind.ok) return kind;
  return {
    ok: true,
    value: {
      id: id.value,
      subscriber: subscriber.value,
      customerId: null,
      usageDate: time.value,
      kind: kind.value,
      quantity: quantity.value,
    },
  };
}
