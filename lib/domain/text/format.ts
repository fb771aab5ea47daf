/**
 * The one formatting module: money through Intl.NumberFormat in the operator's currency, days
 * through Intl.DateTimeFormat in one readable style. Pure: the settings come in (lib/config
 * reads them from SWITCHBOARD_CURRENCY and SWITCHBOARD_LOCALE; lib/server/format.ts binds them).
 *
 * Decisions:
 * - Money is integer cents (SPEC §1), so the currency must have two minor-unit digits (USD, EUR,
 *   GBP…); config refuses one that doesn't (JPY, BHD), rather than show 2000 cents as ¥2,000.
 * - A day ("2026-12-10", a calendar day in the operator's time zone) is shown as the locale's
 *   medium date ("Dec 10, 2026" in en-US). Its spaces are no-break spaces, so a date never
 *   breaks across two lines; ISO days stay where machines read them (URLs, data-* attributes,
 *   JSON, CSV).
 * - Days from one to another (a billing period, a line's days) are the locale's range of two
 *   medium dates ("Jan 1 – 31, 2027"), never "2027-01-01 to 2027-01-31".
 * - A moment (a timestamp) is shown as that day plus the time, in UTC, the operator's zone
 *   (SPEC §2), saying so: "Dec 10, 2026, 10:02 UTC".
 */
import type { Cents } from '../types';

export interface DisplaySettings {
  /** A BCP 47 locale, e.g. "en-US". */
  locale: string;
  /** An ISO 4217 currency with two decimals, e.g. "USD". */
  currency: string;
}

export const DEFAULT_DISPLAY: DisplaySettings = { locale: 'en-US', currency: 'USD' };

export interface Formats {
  readonly settings: DisplaySettings;
  /** "$20.00", "-$10.00". */
  money(cents: Cents): string;
  /** A change or a ledger line: "+$7.50", "-$10.00", "$0.00". */
  signedMoney(cents: Cents): string;
  /** A whole amount for chart axes: "$20". */
  wholeMoney(cents: Cents): string;
  /** "Dec 10, 2026" (no-break spaces) from "2026-12-10". */
  day(isoDay: string): string;
  /**
   * The days from `first` to `last`, both included, as the locale writes a range: "Jan 1 – 31,
   * 2027", "Dec 16, 2026 – Jan 15, 2027"; one day when they are the same. Each end keeps its
   * no-break spaces; the range may break after its dash.
   */
  days(first: string, last: string): string;
  /** "Dec 2026" from "2026-12-10" (chart labels). */
  month(isoDay: string): string;
  /** "Dec 10, 2026, 10:02 UTC" from an instant. */
  moment(at: Date | string): string;
  /** "10:02 UTC" from an instant. */
  time(at: Date | string): string;
}

const NBSP = '\u00a0';
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why settings can't be used, or null when they can (config reports it with the variable's name). */
export function displaySettingsProblem(s: DisplaySettings): string | null {
  try {
    Intl.getCanonicalLocales(s.locale);
  } catch {
    return `SWITCHBOARD_LOCALE: "${s.locale}" is not a locale (for example en-US, en-GB, fr-FR)`;
  }
  if (!/^[A-Z]{3}$/.test(s.currency) || !Intl.supportedValuesOf('currency').includes(s.currency))
    return `SWITCHBOARD_CURRENCY: "${s.currency}" is not an ISO 4217 currency code (for example USD, EUR, GBP)`;
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: s.currency }).resolvedOptions()
    .maximumFractionDigits;
  if (digits !== 2)
    return `SWITCHBOARD_CURRENCY: ${s.currency} has ${digits} decimals; amounts are kept in cents, so the currency needs 2`;
  return null;
}

function dayDate(isoDay: string): Date {
  const m = ISO_DAY.exec(isoDay);
  if (!m) throw new Error(`Not a day (YYYY-MM-DD): ${isoDay}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

const noBreak = (s: string) => s.replace(/[ \u202f]/g, NBSP);

/** A range as ICU writes it; its thin spaces around the dash (U+2009) stay breakable. */
function range(format: Intl.DateTimeFormat, first: string, last: string): string {
  const a = dayDate(first);
  const b = dayDate(last);
  if (b < a) throw new RangeError(`A range ends before it starts: ${first} to ${last}`);
  return noBreak(first === last ? format.format(a) : format.formatRange(a, b));
}

/** How many results a memo keeps before it starts over (a few KiB; a page uses a handful). */
export const MEMO_LIMIT = 1000;

/**
 * A function's results kept by key, at most MEMO_LIMIT of them (then it starts over). For the
 * formats a page calls many times with the same few arguments: V8's `formatRange` costs ~45 µs
 * a call (it builds an ICU interval format each time), a bill's lines and the dashboard call it
 * once a line (issue 23).
 */
function memo<K, V>(fn: (key: K) => V): (key: K) => V {
  const kept = new Map<K, V>();
  return (key) => {
    let v = kept.get(key);
    if (v === undefined) {
      if (kept.size >= MEMO_LIMIT) kept.clear();
      v = fn(key);
      kept.set(key, v);
    }
    return v;
  };
}

export function createFormats(settings: DisplaySettings): Formats {
  const problem = displaySettingsProblem(settings);
  if (problem) throw new Error(problem);
  const { locale, currency } = settings;
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const signed = new Intl.NumberFormat(locale, { style: 'currency', currency, signDisplay: 'exceptZero' });
  const whole = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' });
  const instant = (at: Date | string) => (typeof at === 'string' ? new Date(at) : at);
  const days = memo((key: string) => range(day, key.slice(0, 10), key.slice(11)));
  return {
    settings,
    money: memo((cents: Cents) => money.format(cents / 100)),
    signedMoney: (cents) => signed.format(cents / 100),
    wholeMoney: (cents) => whole.format(cents / 100),
    day: memo((isoDay: string) => noBreak(day.format(dayDate(isoDay)))),
    // Keyed by both ends; anything but two ISO days goes straight to range(), which says what is wrong.
    days: (first, last) =>
      ISO_DAY.test(first) && ISO_DAY.test(last) ? days(`${first} ${last}`) : range(day, first, last),
    month: (isoDay) => noBreak(month.format(dayDate(isoDay))),
    time: (at) => noBreak(`${time.format(instant(at))} UTC`),
    moment: (at) => {
      const d = instant(at);
      return `${noBreak(day.format(d))}, ${noBreak(`${time.format(d)} UTC`)}`;
    },
  };
}

let defaults: Formats | undefined;
/** The default formats (en-US, USD): what domain copy uses when it is given none. */
export function defaultFormats(): Formats {
  defaults ??= createFormats(DEFAULT_DISPLAY);
  return defaults;
}

/**
 * The figures as domain copy wrote them before this module ("20.00", "2026-12-10"): what a
 * copy function uses when it is given no formats (its own unit tests, and text stored as data,
 * such as a bill line's description, which must read the same in every locale's PDF and API).
 */
export const PLAIN_FORMATS: Formats = {
  settings: DEFAULT_DISPLAY,
  money: (cents) => plainCents(cents),
  signedMoney: (cents) => (cents > 0 ? `+${plainCents(cents)}` : plainCents(cents)),
  wholeMoney: (cents) => String(Math.round(cents / 100)),
  day: (isoDay) => isoDay,
  days: (first, last) => (first === last ? first : `${first} to ${last}`),
  month: (isoDay) => isoDay.slice(0, 7),
  moment: (at) => (typeof at === 'string' ? new Date(at) : at).toISOString().slice(0, 16).replace('T', ' '),
  time: (at) => (typeof at === 'string' ? new Date(at) : at).toISOString().slice(11, 16),
};

function plainCents(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
