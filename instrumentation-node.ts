/**
 * The Node.js part of instrumentation.ts (kept apart so the Edge build never compiles it),
 * run once when the server starts, before it serves a request.
 *
 * 1. The configuration is checked up front: a deployment without a usable NEXTAUTH_SECRET (or
 *    with any other bad setting) exits with the message naming the variable, instead of
 *    starting and failing on the first request. Then the database is opened (migrated, the
 *    catalog applied) in the background, so the first visitor doesn't wait for it.
 * 2. The client address. Next.js keeps an X-Forwarded-For the client sent and only fills it in
 *    from the socket when it is missing, so a client could name any address it likes, and
 *    neither route handlers nor next-auth's authorize() see the socket. So every incoming
 *    request's X-Forwarded-For is rewritten here, on the Node request itself, before Next.js
 *    reads it: with TRUST_PROXY unset (0) it becomes the socket's address alone; with
 *    TRUST_PROXY=n the socket's address is appended, as one more proxy would do, and the
 *    address taken is the one n entries before it (lib/server/throttle.ts clientAddressFrom).
 */
export async function registerNode(): Promise<void> {
  const { config } = await import('./lib/config');
  let trustProxy: number;
  try {
    const c = config();
    // The session secret is resolved now: a deployment without one stops here.
    void c.authSecret;
    trustProxy = c.trustProxy;
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
  // Open the database now (migrations, the catalog, and outside a deployment the demo data on
  // first run) instead of on the first request. A failure is logged and retried by that request.
  const { getDbHandle } = await import('./lib/server/db');
  getDbHandle().catch(() => {});

  const http = await import('node:http');
  const proto = http.Server.prototype as unknown as {
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
    __switchboardClientAddress?: true;
  };
  if (proto.__switchboardClientAddress) return;
  proto.__switchboardClientAddress = true;
  const emit = proto.emit;
  proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') stampClientAddress(args[0] as import('node:http').IncomingMessage, trustProxy);
    return emit.call(this, event, ...args);
  };
}

function stampClientAddress(req: import('node:http').IncomingMessage, trustProxy: number): void {
  const socket = (req.socket?.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  const sent = req.headers['x-forwarded-for'];
  const chain = Array.isArray(sent) ? sent.join(', ') : (sent ?? '');
  req.headers['x-forwarded-for'] = trustProxy > 0 && chain.trim() ? `${chain}, ${socket}` : socket;
}
