import 'server-only';
import { NextResponse } from 'next/server';
import { AppError, HTTP_STATUS } from './errors';
import { log } from './log';

/** JSON route handler wrapper: AppError → its status and message; anything else → logged, generic 500. */
export async function jsonRoute(name: string, body: () => Promise<unknown>): Promise<NextResponse> {
  try {
    const data = await body();
    return NextResponse.json(data, { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    if (e instanceof AppError) {
      return NextResponse.json({ error: { code: e.code, message: e.message, fieldErrors: e.fieldErrors } }, { status: HTTP_STATUS[e.code], headers: { 'cache-control': 'no-store' } });
    }
    log.error(`[route ${name}] failed`, e);
    return NextResponse.json({ error: { code: 'internal', message: 'Something went wrong on our side.' } }, { status: 500 });
  }
}

/** A file download (a bill's PDF): errors answer as jsonRoute's do. */
export async function fileRoute(name: string, body: () => Promise<{ body: Buffer; contentType: string; filename: string }>): Promise<Response> {
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

/** Reads a JSON body of at most `maxBytes`, or throws a clear 400. */
export async function readJson(request: Request, maxBytes = 16_384): Promise<unknown> {
  const tooLarge = () => new AppError('invalid', `The request body is too large (at most ${maxBytes} bytes).`);
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw tooLarge();
  // Read at most maxBytes (+1 to notice more), whatever the declared length said.
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
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid', 'The request body is not valid JSON.');
  }
}
