/**
 * Input pieces shared by the server (actions, routes, use cases) and the browser (client
 * components): plain zod, no server code, so both sides read a code, an id or a day the same way.
 */
import { z } from 'zod';

/** The largest value of a PostgreSQL `integer` column. */
export const INT32_MAX = 2_147_483_647;

/** PostgreSQL text can't hold NUL: free text is checked with this and refused as input, rather than failing its insert. */
/** True when the text holds an ASCII control character (U+0000–U+001F or U+007F). */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

export function storableText(text: string): boolean {
  return !text.includes('\u0000');
}

/** A catalog code: a plan ("PREMIUM") or an add-on ("ld_300"). */
export const code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_]+$/, 'not a valid code');

/** The shape of an offer key: kind, then the target ("up_sell:PREMIUM+ld_300"). */
export const OFFER_KEY_PATTERN = /^[a-z_]+:[A-Za-z0-9_+]+$/;
export const offerKey = z.string().min(3).max(200).regex(OFFER_KEY_PATTERN, 'not a valid offer');

/** A row id (subscriber, scheduled change…) from a form or a URL: a positive int32. */
export const int32Id = z.coerce.number({ message: 'not a number' }).int().min(1).max(INT32_MAX);

/** A calendar day, "2026-11-30" (a real date: no 2026-02-30). */
export const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-11-30.')
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, 'Not a calendar date.');
