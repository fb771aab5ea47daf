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

/** Reads a JSON body of at most `maxBytes`, or throws a clear 400. */
export async function readJson(request: Request, maxBytes = 16_384): Promise<unknown> {
  const text = await request.text();
  if (text.length > maxBytes) throw new AppError('invalid', `The request body is too large (at most ${maxBytes} bytes).`);
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid', 'The request body is not valid JSON.');
  }
}
