import { z } from 'zod';
import { hasVisibleText } from '@/lib/domain/text';
import { storableText } from '@/lib/server/errors';

/** Shared zod pieces for action inputs. */
export const code = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9_]+$/, 'not a valid code');
export const subscriberId = z.coerce.number({ message: 'not a number' }).int().min(1).max(2_147_483_647);
export const addOnList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : v === '' ? [] : v.split(',')))
  .pipe(z.array(code).max(20));
export const reason = z
  .string()
  .trim()
  .max(500, 'at most 500 characters')
  .refine(storableText, 'must not contain NUL characters')
  // Empty means "no reason" (required or not is the data layer's rule); given, it must say something.
  .refine((v) => v === '' || hasVisibleText(v), 'must contain visible characters (letters, digits or punctuation), not only spaces or invisible ones')
  .optional();
export const bool = z
  .union([z.literal('on'), z.literal('true'), z.literal('1'), z.literal('false'), z.literal('0'), z.literal(''), z.boolean()])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true' || v === '1');
