/**
 * fast-check generators of malformed, oversized and hostile inputs, and the independent
 * oracles that say which generated inputs would be *valid* (those are not sent: a valid input
 * changes the database, which the fuzz test forbids). The oracles are written from the spec
 * and the forms, not from the server code, and err on the side of "maybe valid".
 */
import fc from 'fast-check';

/** Strings with a history of breaking things. */
export const HOSTILE_STRINGS = [
  "'; drop table users; --",
  "' OR '1'='1",
  '1; select pg_sleep(5)--',
  '1) union select password_hash from users --',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  'a\u0000b',
  '\u202eevil',
  '\uFEFF',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '{"__proto__":{"isAdmin":true}}',
  '$K1',
  '$@0',
  '$$',
  '$undefined',
  '$ACTION_ID_0',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  '0x1F',
  '0b101',
  '1_000',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '🙂',
  'Ω≈ç√∫',
  'ＰＬＵＳ',
  'İ',
  'ß',
  '\t\n\r',
  ' ',
  '',
];

/** Lone surrogates can't travel in a form (they become U+FFFD): generate what is actually sent. */
export function wellFormed(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

export const hostile = fc.constantFrom(...HOSTILE_STRINGS);

export const numericText = fc.oneof(
  fc.integer().map(String),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom(
    '-1',
    '0',
    '2147483648',
    '2147483647',
    '9007199254740993',
    '1e3',
    '1.5',
    '-0',
    '1e-7',
    '00',
    '+1',
    ' 7 ',
    '٣',
  ),
);

/** Oversized: past every field limit (500, 2000, 20 000) and up to ~800 kB. */
export const hugeText = fc
  .constantFrom(501, 2_001, 20_001, 200_000)
  .chain((n) => fc.constantFrom('x', 'é', '🙂', "'", ' ').map((c) => c.repeat(n)));

export const smallText = fc.oneof(
  { weight: 4, arbitrary: hostile },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(wellFormed) },
  { weight: 3, arbitrary: numericText },
);

export const anyText = fc.oneof({ weight: 8, arbitrary: smallText }, { weight: 1, arbitrary: hugeText });

/** Field names an attacker would try on top of the real ones. */
export const junkKeys = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '$ACTION_ID_abc',
    '$ACTION_REF_1',
    '$ACTION_KEY',
    '0',
    '',
    'role',
    'userId',
    'isAdmin',
    'subscriberId[]',
    'subscriberId ',
    'SUBSCRIBERID',
  ),
  fc.string({ maxLength: 20 }).map(wellFormed),
);

export type FormInput = Array<[string, string]>;

type FieldOp = { op: 'drop' } | { op: 'set'; v: string } | { op: 'repeat'; vs: string[] };

/**
 * A form built from a valid base: one or more fields dropped, replaced or sent several times
 * (an array), plus junk fields; the order of fields is shuffled.
 */
export function formArb(
  base: Record<string, string>,
  fieldValues: Record<string, fc.Arbitrary<string>>,
): fc.Arbitrary<FormInput> {
  const names = Object.keys(fieldValues);
  const opFor = (n: string): fc.Arbitrary<FieldOp> =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant<FieldOp>({ op: 'drop' }) },
      { weight: 8, arbitrary: fieldValues[n]!.map((v): FieldOp => ({ op: 'set', v: wellFormed(v) })) },
      {
        weight: 1,
        arbitrary: fc
          .array(fc.oneof(smallText, fieldValues[n]!), { minLength: 2, maxLength: 25 })
          .map((vs): FieldOp => ({ op: 'repeat', vs: vs.map(wellFormed) })),
      },
    );
  const changes = fc
    .uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: Math.min(3, names.length) })
    .chain((picked) => fc.tuple(...picked.map(opFor)).map((ops) => picked.map((n, i) => [n, ops[i]!] as const)));
  const extra = fc.array(fc.tuple(junkKeys, smallText.map(wellFormed)), { maxLength: 4 });
  return fc.tuple(changes, extra, fc.boolean()).map(([ch, ex, reverse]) => {
    const byName = new Map(ch);
    const out: FormInput = [];
    for (const [k, v] of Object.entries(base)) {
      const op = byName.get(k);
      if (!op) out.push([k, v]);
      else if (op.op === 'set') out.push([k, op.v]);
      else if (op.op === 'repeat') for (const x of op.vs) out.push([k, x]);
    }
    for (const [n, op] of ch) {
      if (n in base) continue;
      if (op.op === 'set') out.push([n, op.v]);
      else if (op.op === 'repeat') for (const x of op.vs) out.push([n, x]);
    }
    out.push(...ex);
    return reverse ? out.reverse() : out;
  });
}

/** What the server's formObject makes of a form: repeated keys become arrays; $ACTION… keys are skipped. */
export function asObject(form: FormInput): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  for (const [k, v] of form) {
    if (k.startsWith('$ACTION')) continue;
    const prev = out.get(k);
    out.set(k, prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]);
  }
  return out;
}

// ---------------------------------------------------------------- oracles ("could this be valid?")

const MAX_INT = 2_147_483_647;

/** zod's coerce.number on a form value. */
export function coerced(v: string | string[] | undefined): number {
  if (typeof v !== 'string') return NaN;
  return Number(v);
}

export function isId(v: string | string[] | undefined, id: number): boolean {
  const n = coerced(v);
  return Number.isInteger(n) && n === id;
}

export function intIn(v: string | string[] | undefined, min: number, max: number): boolean {
  const n = coerced(v);
  return Number.isInteger(n) && n >= min && n <= max;
}

/**
 * Decision written down here: free text that is stored (a note, a reason) must not contain NUL
 * (PostgreSQL text can't hold it), so it is invalid input and must be refused clearly.
 */
export function storableText(s: string): boolean {
  return !s.includes('\u0000');
}

export function optionalReason(v: string | string[] | undefined): boolean {
  return v === undefined || (typeof v === 'string' && v.trim().length <= 500 && storableText(v));
}

const CODE = /^[A-Za-z0-9_]+$/;
export const PLAN_CODES = ['BASIC', 'LEGACY', 'PLUS', 'PREMIUM', 'UNLIMITED'];
export const ADD_ON_CODES = [
  'voicemail',
  'visual_voicemail',
  'caller_id',
  'call_waiting',
  'three_way',
  'ld_300',
  'ld_unlimited',
  'intl_saver',
];

/** A plan code the catalog might accept (any case, trimmed: conservative). */
export function maybePlan(v: string | string[] | undefined): boolean {
  if (typeof v !== 'string') return false;
  const t = v.trim();
  return t.length <= 40 && CODE.test(t) && PLAN_CODES.includes(t.toUpperCase());
}

/** An add-on list the catalog might accept: every code known (conservative), at most 20, and not both long-distance add-ons. */
export function maybeAddOns(v: string | string[] | undefined): boolean {
  const list = v === undefined ? [] : Array.isArray(v) ? v : v === '' ? [] : v.split(',');
  if (list.length > 20) return false;
  const codes = list.map((c) => c.trim());
  if (!codes.every((c) => c.length >= 1 && c.length <= 40 && CODE.test(c) && ADD_ON_CODES.includes(c.toLowerCase())))
    return false;
  const lower = codes.map((c) => c.toLowerCase());
  return !(lower.includes('ld_300') && lower.includes('ld_unlimited'));
}

/** A change intent's plan: absent or empty (keep the plan) or one the catalog might accept. */
export function maybePlanOrNone(v: string | string[] | undefined): boolean {
  return v === undefined || (typeof v === 'string' && v.trim() === '') || maybePlan(v);
}

/** A list of add-on codes to remove: every code known (conservative), at most 20. */
export function maybeCodeList(v: string | string[] | undefined): boolean {
  const list = v === undefined ? [] : Array.isArray(v) ? v : v.split(',');
  const codes = list.map((c) => c.trim()).filter((c) => c !== '');
  if (codes.length > 20) return false;
  return codes.every((c) => c.length <= 40 && CODE.test(c) && ADD_ON_CODES.includes(c.toLowerCase()));
}

export const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function boolValue(v: string | string[] | undefined): 'true' | 'false' | 'invalid' {
  if (v === undefined) return 'false';
  if (typeof v !== 'string') return 'invalid';
  if (['on', 'true', '1'].includes(v)) return 'true';
  if (['false', '0', ''].includes(v)) return 'false';
  return 'invalid';
}

export const TWENTY_YEARS_MS = 20 * 365 * 86_400_000;

/** The test clock form (op set/advance/reset) could be accepted. */
export function maybeClockForm(o: Map<string, string | string[]>): boolean {
  const op = o.get('op');
  if (op === 'reset') return true;
  if (op === 'advance') return intIn(o.get('days'), -3650, 3650);
  if (op === 'set') {
    const at = o.get('at');
    if (typeof at !== 'string') return false;
    const t = at.trim();
    if (t.length < 10 || t.length > 40) return false;
    const ms = Date.parse(t);
    return Number.isFinite(ms) && Math.abs(ms - Date.now()) <= TWENTY_YEARS_MS + 2 * 86_400_000;
  }
  return false;
}

/** The JSON test-clock body could be accepted. */
export function maybeClockBody(text: string): boolean {
  if (text.length > 16_384 || !text.trim()) return false;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return false;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  const o = v as Record<string, unknown>;
  if (keys[0] === 'reset') return o.reset === true;
  if (keys[0] === 'advanceDays')
    return typeof o.advanceDays === 'number' && Number.isInteger(o.advanceDays) && Math.abs(o.advanceDays) <= 3650;
  if (keys[0] === 'set') {
    if (typeof o.set !== 'string' || o.set.length < 10 || o.set.length > 40) return false;
    const ms = Date.parse(o.set);
    return Number.isFinite(ms) && Math.abs(ms - Date.now()) <= TWENTY_YEARS_MS + 2 * 86_400_000;
  }
  return false;
}

export { MAX_INT };
