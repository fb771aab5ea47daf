import 'server-only';
import { NextResponse } from 'next/server';
import { config } from '@/lib/config';
import { AppError, HTTP_STATUS } from './errors';
import { log } from './log';

/**
 * JSON route handler wrapper: AppError → its status and message; anything else → logged,
 * generic 500. `successStatus`: 201 for a create.
 */
export async function jsonRoute(
  name: string,
  body: () => Promise<unknown>,
  successStatus = 200,
): Promise<NextResponse> {
  try {
    const data = await body();
    return NextResponse.json(data, { status: successStatus, headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    if (e instanceof AppError) {
      return NextResponse.json(
        { error: { code: e.code, message: e.message, fieldErrors: e.fieldErrors } },
        { status: HTTP_STATUS[e.code], headers: { 'cache-control': 'no-store' } },
      );
    }
    log.error(`[route ${name}] failed`, e);
    return NextResponse.json(
      { error: { code: 'internal', message: 'Something went wrong on our side.' } },
      { status: 500 },
    );
  }
}

/** A file download (a bill's PDF): errors answer as jsonRoute's do. */
export async function fileRoute(
  name: string,
  body: () => Promise<{ body: Buffer; contentType: string; filename: string }>,
): Promise<Response> {
  let file: { body: Buffer; contentType: string; filename: string };
  try {
    file = await body();
  } catch (e) {
    return jsonRoute(name, () => Promise.reject(e));
  }
  return new Response(new Uint8Array(file.body), {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'content-length': String(file.body.byteLength),
      'cache-control': 'private, no-store',
    },
  });
}

/**
 * A request body as text, of at most `maxBytes`: refused by its declared length, and reading
 * stops past the limit whatever the declared length said. `tooLarge` makes the caller's error.
 */
export async function readBodyText(request: Request, maxBytes: number, tooLarge: () => Error): Promise<string> {
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON body of at most `maxBytes`, or throws a clear 400. */
export async function readJson(request: Request, maxBytes = 16_384): Promise<unknown> {
  const text = await readBodyText(
    request,
    maxBytes,
    () => new AppError('invalid', `The request body is too large (at most ${maxBytes} bytes).`),
  );
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid', 'The request body is not valid JSON.');
  }
}

/**
 * For a state-changing route handler that a session cookie can authorise: the request must not
 * come from another site, and must say it sends JSON. A cross-site form or fetch can send the
 * cookie with a text/plain body without a preflight; it can't send application/json
 * cross-origin without one (which is never granted), nor forge Origin. So: an Origin header,
 * when there is one (browsers send it on every POST), must name this host; without one, a
 * browser's Sec-Fetch-Site must not say cross-site; a non-browser client (a test suite with a
 * session cookie) sends neither and passes on the JSON rule alone. Called before the body is
 * read and before the session is looked at. Behind a proxy that rewrites Host, the host
 * compared is X-Forwarded-Host when TRUST_PROXY is set, and NEXTAUTH_URL's host is accepted too.
 */
export function requireSameOriginJson(request: Request): void {
  requireSameOrigin(request);
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    throw new AppError('invalid', 'Send the body as JSON, with the header Content-Type: application/json.');
}

/** The same-origin half of requireSameOriginJson, for a cookie-authenticated change without a body (DELETE). */
export function requireSameOrigin(request: Request): void {
  const origin = request.headers.get('origin');
  const hosts = new Set<string>();
  const host = request.headers.get('host');
  if (host) hosts.add(host.toLowerCase());
  const forwarded = request.headers.get('x-forwarded-host');
  if (forwarded && config().trustProxy > 0) hosts.add(forwarded.split(',')[0]!.trim().toLowerCase());
  const site = config().publicUrl;
  if (site) hosts.add(new URL(site).host.toLowerCase());
  const refused = new AppError(
    'forbidden',
    'Refused: this request did not come from this site (its Origin header names another site).',
  );
  if (origin !== null) {
    let originHost: string | null = null;
    try {
      originHost = origin !== 'null' ? new URL(origin).host.toLowerCase() : null;
    } catch {
      originHost = null;
    }
    if (!originHost || !hosts.has(originHost)) throw refused;
  } else {
    const fetchSite = (request.headers.get('sec-fetch-site') ?? '').toLowerCase();
    if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') throw refused;
  }
}
