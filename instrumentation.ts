/**
 * Next.js calls register() once when the server starts, before it serves a request. Everything
 * it does needs Node.js: see instrumentation-node.ts (the configuration check, the database
 * opened up front, the client address taken from the socket), then the background jobs start
 * (lib/server/jobs/runner.ts; JOBS=off turns them off), so `npm start` needs no second command.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  await (await import('./instrumentation-node')).registerNode();
  const { startJobs } = await import('./lib/server/jobs/runner');
  // Started in the background: a database that is slow to open doesn't hold up the server.
  void startJobs().catch(() => undefined);
}
