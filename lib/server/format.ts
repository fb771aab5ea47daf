import 'server-only';
import { config } from '@/lib/config';
import { createFormats, type Formats } from '@/lib/domain/text';

let cached: Formats | undefined;

/** Money and dates as the operator shows them (lib/config: SWITCHBOARD_CURRENCY, SWITCHBOARD_LOCALE). */
export function formats(): Formats {
  cached ??= createFormats(config().display);
  return cached;
}
