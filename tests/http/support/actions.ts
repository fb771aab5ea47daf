/**
 * Server actions called directly, as the POST requests a browser sends, and signed-in HTTP
 * clients (one cookie jar per user).
 *
 * The wire format (Next.js 16.4 / React 19.3, read from node_modules/next/dist/server/app-render/
 * action-handler.js and react-server-dom-webpack's processReply / decodeReplyFromBusboy):
 * - POST to a page that uses the action (the action's "workers" in
 *   .next/server/server-reference-manifest.json; another page forwards it there), with the
 *   headers `Next-Action: <id>` and `Accept: text/x-component`, and `Origin` equal to the host
 *   (Next.js refuses a mismatched Origin as CSRF and warns about a missing one).
 * - The body is React's "reply" encoding of the argument list. For (prevState, formData) it is
 *   multipart/form-data: every form field as `_1_<name>` (prefix "_" + part id + "_"), then a
 *   field `0` holding the JSON argument array, where the FormData is the reference "$K1" and
 *   strings starting with "$" are escaped as "$$". We use React's own `encodeReply` (the client
 *   build runs under Node) so the requests are exactly what the browser sends, and build
 *   hostile bodies by hand only to send what no browser would.
 * - The answer is an RSC stream (text/x-component): rows `<hex id>:<JSON>`; row 0 is
 *   `{"a":"$@<row>", ...}` whose row holds the action's return value (an ActionState here).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../../db/demo-totp';
import { ROOT } from './server';

const require = createRequire(import.meta.url);
const reactClient = require('next/dist/compiled/react-server-dom-webpack/client.node') as {
  encodeReply(value: unknown): Promise<FormData | string>;
};

export const PASSWORD = 'switchboard-demo';

/** The demo staff's current authenticator code (issue 21; a subscriber's sign-in ignores it). */
export function demoTotpCode(): string {
  return new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
}

export interface ActionState {
  status: 'idle' | 'success' | 'error';
  message: string;
  code?: string;
  fieldErrors?: Record<string, string[]>;
  data?: unknown;
}

// ---------------------------------------------------------------- the action manifest

export interface ActionEntry {
  id: string;
  /** Source file relative to the repo, e.g. app/_actions/changes.ts */
  file: string;
  exportName: string;
  /** Pages that carry the action, e.g. app/change/page */
  workers: string[];
}

export function readActionManifest(): ActionEntry[] {
  const file = path.join(ROOT, '.next', 'server', 'server-reference-manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
    edge: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  const entries: ActionEntry[] = [];
  for (const runtime of [manifest.node, manifest.edge]) {
    for (const [id, e] of Object.entries(runtime ?? {})) {
      entries.push({
        id,
        file: e.filename.replace(/\\/g, '/'),
        exportName: e.exportedName,
        workers: Object.keys(e.workers),
      });
    }
  }
  return entries;
}

/** The URL of a worker page, with dynamic segments filled in ("[id]" → params.id); route groups ("(portal)") are not in URLs. */
export function pageUrl(worker: string, params: Record<string, string | number> = {}): string {
  const route =
    worker
      .replace(/^app/, '')
      .replace(/\/\([^/)]+\)/g, '')
      .replace(/\/page$/, '') || '/';
  return route.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for [${name}] in ${worker}`);
    return encodeURIComponent(String(v));
  });
}

// ---------------------------------------------------------------- HTTP clients

/** One user's browser: a cookie jar and fetch with manual redirects. */
export class HttpClient {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly label = 'nobody',
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    // Like a browser on this site: a POST carries its Origin (routes refuse a cross-site one).
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD' && !headers.has('origin'))
      headers.set('origin', new URL(this.base).origin);
    const res = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${this.base}${pathOrUrl}`, {
      ...init,
      headers,
      redirect: 'manual',
      signal: init.signal ?? AbortSignal.timeout(60_000),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async getJson(
    p: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
    const res = await this.fetch(p, init);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text, headers: res.headers };
  }

  async getText(p: string): Promise<{ status: number; text: string; location: string | null }> {
    const res = await this.fetch(p);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  /** Signs in through next-auth's credentials endpoint (csrf token first), as the login form does. */
  async signIn(email: string, password = PASSWORD): Promise<void> {
    const csrf = await this.getJson('/api/auth/csrf');
    const token = (csrf.body as { csrfToken?: string } | undefined)?.csrfToken;
    if (!token) throw new Error(`no csrf token: ${csrf.status} ${csrf.text.slice(0, 200)}`);
    const res = await this.fetch('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrfToken: token,
        email,
        password,
        // Staff sign in with a second factor (issue 21): the demo staff's code goes with every sign-in.
        code: demoTotpCode(),
        callbackUrl: `${this.base}/dashboard`,
        json: 'true',
      }).toString(),
    });
    const text = await res.text();
    if (!this.cookies.has('next-auth.session-token'))
      throw new Error(`sign-in as ${email} failed: ${res.status} ${text.slice(0, 300)}`);
  }
}

export async function signedIn(base: string, email: string): Promise<HttpClient> {
  const c = new HttpClient(base, email);
  await c.signIn(email);
  return c;
}

/**
 * A client whose session cookie is validly signed but names an account that does not exist
 * (as after an account is deleted): the proxy lets it through (the JWT verifies), so only the
 * action's or route's own check stands between it and the data. It even claims to be an admin.
 */
export async function ghostClient(base: string, secret: string): Promise<HttpClient> {
  const c = new HttpClient(base, 'ghost session (valid cookie, no such account)');
  // With every session claim (a session id, a version, a fresh sign-in time), so the token's own
  // checks pass and only the database says there is no such account or session.
  const token = await encode({
    token: {
      sub: '987654',
      uid: 987654,
      role: 'admin',
      subscriberId: null,
      name: 'Ghost',
      email: 'ghost@example.com',
      sid: 'ghost-session-id-0000000000',
      sv: 1,
      authAt: Math.floor(Date.now() / 1000),
    },
    secret,
  });
  c.cookies.set('next-auth.session-token', token);
  return c;
}

// ---------------------------------------------------------------- calling actions

export type Fields = Array<[string, string]> | Record<string, string | string[] | undefined>;

export function toFormData(fields: Fields): FormData {
  const fd = new FormData();
  const entries: Array<[string, string]> = Array.isArray(fields)
    ? fields
    : Object.entries(fields).flatMap(([k, v]) =>
        v === undefined ? [] : Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]],
      );
  for (const [k, v] of entries) fd.append(k, v);
  return fd;
}

export interface ActionResponse {
  httpStatus: number;
  location: string | null;
  contentType: string;
  body: string;
  /** The action's return value, when the answer carried one. */
  state?: ActionState;
  /** Next.js's marker for an action id it doesn't know. */
  notFoundAction: boolean;
}

/** Parses the RSC rows of an action answer and returns the action's result value, if any. */
export function parseActionResult(body: string): unknown {
  const rows = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const colon = body.indexOf(':', i);
    if (colon < 0) break;
    const id = body.slice(i, colon);
    if (!/^[0-9a-f]+$/.test(id)) {
      // Hint rows (":HL[…]") have no id; skip the line.
      const nl = body.indexOf('\n', i);
      if (nl < 0) break;
      i = nl + 1;
      continue;
    }
    const j = colon + 1;
    if (body[j] === 'T') {
      // A text row: T<hex length>,<text> (the length is in UTF-8 bytes).
      const comma = body.indexOf(',', j);
      const len = parseInt(body.slice(j + 1, comma), 16);
      const bytes = Buffer.from(body.slice(comma + 1), 'utf8')
        .subarray(0, len)
        .toString('utf8');
      rows.set(id, JSON.stringify(bytes));
      i = comma + 1 + bytes.length;
      continue;
    }
    const nl = body.indexOf('\n', j);
    const end = nl < 0 ? body.length : nl;
    rows.set(id, body.slice(j, end));
    i = end + 1;
  }
  const root = rows.get('0');
  if (!root || !root.startsWith('{')) return undefined;
  const rootValue = JSON.parse(root) as { a?: unknown };
  const resolve = (v: unknown, depth = 0): unknown => {
    if (depth > 20) return v;
    if (typeof v === 'string') {
      const m = /^\$@?([0-9a-f]+)$/.exec(v);
      if (m && rows.has(m[1]!)) {
        const raw = rows.get(m[1]!)!;
        if (!/^[{["0-9tfn-]/.test(raw)) return { $row: raw };
        return resolve(JSON.parse(raw), depth + 1);
      }
      if (v === '$undefined') return undefined;
      if (v.startsWith('$$')) return v.slice(1);
      return v;
    }
    if (Array.isArray(v)) return v.map((x) => resolve(x, depth + 1));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, depth + 1)]));
    return v;
  };
  return resolve(rootValue.a);
}

export interface CallOptions {
  /** Page to post to. */
  page: string;
  actionId: string;
  /** (prevState, formData) as the form sends them. */
  fields?: Fields;
  /** Any other argument list (encoded with React's encodeReply). */
  args?: unknown[];
  /** A body built by hand (multipart FormData or a string), for what no browser sends. */
  rawBody?: FormData | string;
  prevState?: unknown;
  headers?: Record<string, string>;
}

export async function callAction(client: HttpClient, opts: CallOptions): Promise<ActionResponse> {
  let body: FormData | string;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else {
    const args = opts.args ?? [opts.prevState ?? { status: 'idle', message: '' }, toFormData(opts.fields ?? {})];
    body = await reactClient.encodeReply(args);
  }
  const origin = new URL(client.base).origin;
  const res = await client.fetch(opts.page, {
    method: 'POST',
    headers: {
      'next-action': opts.actionId,
      accept: 'text/x-component',
      origin,
      ...(typeof body === 'string' ? { 'content-type': 'text/plain;charset=UTF-8' } : {}),
      ...(opts.headers ?? {}),
    },
    body,
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let state: ActionState | undefined;
  if (contentType.includes('text/x-component')) {
    const v = parseActionResult(text);
    if (v && typeof v === 'object' && 'status' in v && 'message' in v) state = v as ActionState;
  }
  return {
    httpStatus: res.status,
    location: res.headers.get('location'),
    contentType,
    body: text,
    state,
    notFoundAction: res.headers.get('x-nextjs-action-not-found') === '1',
  };
}

// ---------------------------------------------------------------- reading pages

/** The hidden inputs of the confirm form on a change preview page. */
export function confirmFormFields(html: string): Record<string, string> | null {
  const form = /<form[^>]*data-testid="confirm-form"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) return null;
  const out: Record<string, string> = {};
  for (const m of form[1]!.matchAll(/<input[^>]*>/g)) {
    const tag = m[0];
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    if (name && /type="hidden"/.test(tag)) out[name] = decodeHtml(value);
  }
  return out;
}

export function decodeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
