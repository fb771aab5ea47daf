/**
 * Next.js calls register() once when the server starts: the background jobs start here, so
 * `npm start` needs no second command (lib/server/jobs/runner.ts; JOBS=off turns them off).
 * Node.js runtime only, and never during `next build`.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startJobs } = await import('./lib/server/jobs/runner');
  // Started in the background: a database that is slow to open doesn't hold up the server.
  void startJobs().catch(() => undefined);
}
