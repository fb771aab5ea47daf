import { z } from 'zod';
import { code, int32Id, storableText } from '@/lib/contracts/fields';
import { hasVisibleText } from '@/lib/domain/text';

/** Zod pieces for action inputs (the shared ones are in lib/contracts/fields). */
export { code, offerKey } from '@/lib/contracts/fields';
export const subscriberId = int32Id;
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
  .refine(
    (v) => v === '' || hasVisibleText(v),
    'must contain visible characters (letters, digits or punctuation), not only spaces or invisible ones',
  )
  .optional();
export const bool = z
  .union([
    z.literal('on'),
    z.literal('true'),
    z.literal('1'),
    z.literal('false'),
    z.literal('0'),
    z.literal(''),
    z.boolean(),
  ])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true' || v === '1');
