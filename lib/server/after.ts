import 'server-only';
import { after } from 'next/server';
import { log } from './log';

/**
 * Work the person needn't wait for (recording offer impressions): run by Next's `after()` once
 * the response is sent. Outside a request (scripts, the integration tests) there is no
 * response to wait for, and it runs at once. A failure is logged, never shown.
 */
export async function afterResponse(name: string, work: () => Promise<void>): Promise<void> {
  const run = () => work().catch((e: unknown) => log.error(`[after ${name}] failed`, e));
  try {
    after(run);
  } catch {
    // after() throws synchronously when there is no request scope.
    await run();
  }
}
