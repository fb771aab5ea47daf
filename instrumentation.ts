/**
 * Next.js calls register() once when the server starts, before it serves a request. Everything
 * it does needs Node.js: see instrumentation-node.ts (the configuration check, the database
 * opened up front, the client address taken from the socket).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  await (await import('./instrumentation-node')).registerNode();
}
