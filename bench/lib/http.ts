/**
 * HTTP side of the benchmark: signing in as a browser does, load with autocannon, the plan
 * change confirm driven through its server action, and the JavaScript a page makes the
 * browser download.
 */
import { Secret, TOTP } from 'otpauth';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import autocannon, { type RawResult } from 'autocannon';
import type { Configuration } from '../../lib/domain/types';
import { type ChangeIntent, intentBetween } from '../../lib/domain/changes';

/** What a browser sends with every page request (compression included: the server pays for it). */
export const BROWSER_HEADERS: Record<string, string> = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-encoding': 'gzip, deflate',
  'user-agent': 'switchboard-bench',
};

function cookiePairs(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]!);
}

/** The current code of an authenticator app holding `secret` (base32), as staff type it at sign-in. */
export function totpCode(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
}

/**
 * Signs in through next-auth's credentials callback, as the login form does. Returns the Cookie
 * header. Staff sign in with a second factor: pass their authenticator secret (the demo's).
 */
export async function signIn(base: string, email: string, password: string, totpSecret?: string): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookies = cookiePairs(csrfRes);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookies.join('; '), origin: base },
    body: new URLSearchParams({
      csrfToken,
      email,
      password,
      ...(totpSecret ? { code: totpCode(totpSecret) } : {}),
      callbackUrl: `${base}/`,
      json: 'true',
    }),
  });
  await res.arrayBuffer();
  const session = cookiePairs(res).find((c) => /^(__Secure-)?next-auth\.session-token=/.test(c));
  if (!session) throw new Error(`Sign-in as ${email} failed (HTTP ${res.status})`);
  return session;
}

export async function signInAll(base: string, emails: string[], password: string, parallel = 4): Promise<string[]> {
  const out: string[] = new Array(emails.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < emails.length) {
        const i = next++;
        out[i] = await signIn(base, emails[i]!, password);
      }
    }),
  );
  return out;
}

/** One request, checked: 200 and not a redirect (a redirect to /login means the session was refused). */
export async function getPage(base: string, pathname: string, cookie: string): Promise<string> {
  const res = await fetch(`${base}${pathname}`, { headers: { ...BROWSER_HEADERS, cookie }, redirect: 'manual' });
  const body = await res.text();
  if (res.status !== 200)
    throw new Error(
      `GET ${pathname} → HTTP ${res.status}${res.headers.get('location') ? ` (to ${res.headers.get('location')})` : ''}`,
    );
  return body;
}

export interface LoadResult {
  name: string;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx responses (a redirect to /login counts), socket errors and timeouts. */
  errors: number;
  statusCounts: Record<string, number>;
  /** Server CPU time (user + system) per request: steadier than throughput when other work shares the machine. */
  serverCpuMsPerRequest?: number;
  note?: string;
}

export interface LoadOptions {
  connections: number;
  /** Measured seconds per page, split over the rounds. */
  durationS: number;
  warmupS: number;
  /** The pages are measured in turns (slices of durationS / rounds), so a drift in the machine's load hits them alike. */
  rounds: number;
}

export interface LoadScenario {
  name: string;
  /** Each request takes the next (path, cookie) of the rotation. */
  targets: { path: string; cookie: string }[];
}

function runSlice(base: string, scenario: LoadScenario, seconds: number, connections: number, counter: { i: number }) {
  return autocannon({
    url: base,
    connections,
    duration: seconds,
    timeout: 20,
    headers: BROWSER_HEADERS,
    skipAggregateResult: true,
    requests: [
      {
        setupRequest: (req) => {
          const t = scenario.targets[counter.i++ % scenario.targets.length]!;
          return { ...req, path: t.path, headers: { ...req.headers, cookie: t.cookie } };
        },
      },
    ],
  }) as unknown as PromiseLike<RawResult>;
}

/**
 * Autocannon on loopback: every page warmed up, then measured in turns (round 1 in order,
 * round 2 in reverse, …), each page's slices aggregated (latency histograms merged).
 */
export async function loadInTurns(
  base: string,
  scenarios: LoadScenario[],
  opts: LoadOptions,
  hooks: { onResult?: (r: LoadResult) => void; serverCpuMs?: () => number } = {},
): Promise<Record<string, LoadResult>> {
  const counters = new Map(scenarios.map((s) => [s.name, { i: 0 }]));
  if (opts.warmupS > 0)
    for (const s of scenarios) await runSlice(base, s, opts.warmupS, opts.connections, counters.get(s.name)!);
  const raw = new Map<string, RawResult[]>(scenarios.map((s) => [s.name, []]));
  const cpu = new Map<string, number>(scenarios.map((s) => [s.name, 0]));
  const slice = Math.max(1, Math.round(opts.durationS / opts.rounds));
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
    for (const s of order) {
      const c0 = hooks.serverCpuMs?.() ?? 0;
      raw.get(s.name)!.push(await runSlice(base, s, slice, opts.connections, counters.get(s.name)!));
      cpu.set(s.name, cpu.get(s.name)! + (hooks.serverCpuMs?.() ?? 0) - c0);
    }
  }
  const out: Record<string, LoadResult> = {};
  for (const s of scenarios) {
    const slices = raw.get(s.name)!;
    const r = autocannon.aggregateResult(slices, { url: base, connections: opts.connections });
    const seconds = slices.reduce((n, x) => n + (new Date(x.finish).getTime() - new Date(x.start).getTime()) / 1000, 0);
    const completed = slices.reduce((n, x) => n + x.totalCompletedRequests, 0);
    out[s.name] = {
      name: s.name,
      connections: opts.connections,
      durationS: Math.round(seconds * 10) / 10,
      requests: completed,
      rps: Math.round((completed / seconds) * 10) / 10,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      errors: r.non2xx + r.errors + r.timeouts,
      statusCounts: {
        '2xx': r['2xx'],
        '3xx': r['3xx'],
        '4xx': r['4xx'],
        '5xx': r['5xx'],
        socketErrors: r.errors,
        timeouts: r.timeouts,
      },
      ...(hooks.serverCpuMs && completed > 0
        ? { serverCpuMsPerRequest: Math.round((cpu.get(s.name)! / completed) * 100) / 100 }
        : {}),
    };
    hooks.onResult?.(out[s.name]!);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Plan change confirm, through the server action
// ---------------------------------------------------------------------------------------

/** The preview URL of the change from one configuration to another, as the portal's links carry it (an intent). */
function changePath(from: Configuration, to: Configuration): string {
  return intentPath(intentBetween(from, to));
}

export function intentPath(intent: ChangeIntent): string {
  const q = new URLSearchParams();
  if (intent.plan) q.set('plan', intent.plan);
  if (intent.add.length > 0) q.set('add', intent.add.join(','));
  if (intent.remove.length > 0) q.set('remove', intent.remove.join(','));
  return `/change?${q.toString()}`;
}

/**
 * The id of the confirm action, as the browser learns it: the preview page's form carries it
 * (React's progressive-enhancement field `$ACTION_1:0` = {"id": …}); checked against the
 * build's server-reference manifest.
 */
export function confirmActionId(previewHtml: string): string {
  const fromPage = /name="\$ACTION_\d+:0" value="\{&quot;id&quot;:&quot;([0-9a-f]+)&quot;/.exec(previewHtml)?.[1];
  const manifestPath = path.join(process.cwd(), '.next', 'server', 'server-reference-manifest.json');
  let fromManifest: string | undefined;
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
      node?: Record<string, { exportedName?: string; filename?: string }>;
    };
    fromManifest = Object.entries(manifest.node ?? {}).find(
      ([, v]) => v.exportedName === 'confirmChangeAction' && v.filename === 'app/_actions/changes.ts',
    )?.[0];
  } catch {
    // manifest format changed: the page is enough
  }
  const id = fromPage ?? fromManifest;
  if (!id)
    throw new Error('Could not find the confirm action id in the preview page or the server-reference manifest.');
  if (fromPage && fromManifest && fromPage !== fromManifest)
    throw new Error(`Action id mismatch: page ${fromPage}, manifest ${fromManifest}`);
  return id;
}

function versionIn(previewHtml: string): number {
  const m = /name="version" value="(\d+)"/.exec(previewHtml);
  if (!m) throw new Error('No version field on the preview page');
  return Number(m[1]);
}

export interface ConfirmClient {
  subscriberId: number;
  cookie: string;
  a: Configuration;
  b: Configuration;
}

export interface ConfirmResultStats extends LoadResult {
  applied: number;
  stale: number;
}

/** React's own reply encoder: the copy Next.js bundles into the browser's JavaScript. */
type EncodeReply = (value: unknown) => Promise<string | FormData>;
let encoder: EncodeReply | undefined;
function encodeReply(value: unknown): Promise<string | FormData> {
  encoder ??= (
    createRequire(import.meta.url)('next/dist/compiled/react-server-dom-turbopack/client.browser') as {
      encodeReply: EncodeReply;
    }
  ).encodeReply;
  return encoder(value);
}

/**
 * POSTs the confirm exactly as the browser's `useActionState` form does with JavaScript on:
 * to the preview URL, with the `Next-Action` header, Origin, and the action's arguments
 * (previous state, the form's FormData) encoded by React's `encodeReply` as multipart/form-data.
 */
async function postConfirm(
  base: string,
  actionId: string,
  client: ConfirmClient,
  from: Configuration,
  target: Configuration,
  version: number,
): Promise<{ ok: boolean; stale: boolean; status: number }> {
  const intent = intentBetween(from, target);
  const form = new FormData();
  form.append('subscriberId', String(client.subscriberId));
  if (intent.plan) form.append('plan', intent.plan);
  form.append('add', intent.add.join(','));
  form.append('remove', intent.remove.join(','));
  form.append('version', String(version));
  form.append('idempotencyKey', randomUUID());
  form.append('applyNow', 'false');
  const reply = await encodeReply([{ status: 'idle', message: '' }, form]);
  const res = await fetch(`${base}${changePath(from, target)}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      accept: 'text/x-component',
      'next-action': actionId,
      origin: base,
      cookie: client.cookie,
      'accept-encoding': 'gzip, deflate',
    },
    body: reply,
  });
  const body = await res.text();
  return {
    ok: res.status === 200 && body.includes('"status":"success"'),
    stale: body.includes('"code":"stale"'),
    status: res.status,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Confirm throughput: one client per subscriber, each swapping between two same-price configurations. */
export async function confirmLoad(
  base: string,
  clients: ConfirmClient[],
  opts: LoadOptions,
  serverCpuMs?: () => number,
): Promise<ConfirmResultStats> {
  const firstHtml = await getPage(base, changePath(clients[0]!.a, clients[0]!.b), clients[0]!.cookie);
  const actionId = confirmActionId(firstHtml);
  const state = await Promise.all(
    clients.map(async (c) => ({
      client: c,
      version: versionIn(await getPage(base, changePath(c.a, c.b), c.cookie)),
      onA: true,
    })),
  );
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let errors = 0;
    let stale = 0;
    const statusCounts: Record<string, number> = {};
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      state.map(async (s) => {
        while (performance.now() < end) {
          const from = s.onA ? s.client.a : s.client.b;
          const target = s.onA ? s.client.b : s.client.a;
          const start = performance.now();
          let r: { ok: boolean; stale: boolean; status: number };
          try {
            r = await postConfirm(base, actionId, s.client, from, target, s.version);
          } catch {
            r = { ok: false, stale: false, status: 0 };
          }
          latencies.push(performance.now() - start);
          const k = `${Math.floor(r.status / 100)}xx`;
          statusCounts[k] = (statusCounts[k] ?? 0) + 1;
          if (r.ok) {
            s.version++;
            s.onA = !s.onA;
          } else {
            errors++;
            if (r.stale) stale++;
            // Learn the version again, as the "fresh preview" link would.
            s.version = versionIn(await getPage(base, changePath(from, target), s.client.cookie));
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    return { latencies, errors, stale, statusCounts, elapsed };
  };
  if (opts.warmupS > 0) await run(opts.warmupS);
  const c0 = serverCpuMs?.() ?? 0;
  const r = await run(opts.durationS);
  const cpuMs = (serverCpuMs?.() ?? 0) - c0;
  const sorted = [...r.latencies].sort((x, y) => x - y);
  return {
    name: 'confirm',
    connections: clients.length,
    durationS: Math.round(r.elapsed * 10) / 10,
    requests: sorted.length,
    rps: Math.round(((sorted.length - r.errors) / r.elapsed) * 10) / 10,
    p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
    p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
    errors: r.errors,
    statusCounts: r.statusCounts,
    applied: sorted.length - r.errors,
    ...(serverCpuMs && sorted.length > 0
      ? { serverCpuMsPerRequest: Math.round((cpuMs / sorted.length) * 100) / 100 }
      : {}),
    stale: r.stale,
    note: `server action over HTTP (Next-Action ${actionId.slice(0, 8)}…), ${clients.length} clients on distinct subscribers`,
  };
}

// ---------------------------------------------------------------------------------------
// JavaScript per page
// ---------------------------------------------------------------------------------------

export interface PageJs {
  path: string;
  chunks: number;
  rawBytes: number;
  gzipBytes: number;
  /** Inline <script> (the RSC payload Next streams into the HTML), gzip: for information. */
  inlineGzipBytes: number;
  files: { src: string; gzipBytes: number }[];
}

export async function pageJavaScript(base: string, pathname: string, cookie: string): Promise<PageJs> {
  const html = await getPage(base, pathname, cookie);
  const srcs = [
    ...new Set([...html.matchAll(/<script\b[^>]*?\ssrc="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'))),
  ];
  const inline = [...html.matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).join('');
  const files = await Promise.all(
    srcs.map(async (src) => {
      const res = await fetch(new URL(src, base));
      if (res.status !== 200) throw new Error(`GET ${src} → HTTP ${res.status}`);
      const buf = Buffer.from(await res.arrayBuffer());
      return { src, raw: buf.length, gzipBytes: zlib.gzipSync(buf).length };
    }),
  );
  return {
    path: pathname,
    chunks: files.length,
    rawBytes: files.reduce((n, f) => n + f.raw, 0),
    gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0),
    inlineGzipBytes: zlib.gzipSync(Buffer.from(inline)).length,
    files: files.map((f) => ({ src: f.src, gzipBytes: f.gzipBytes })),
  };
}
