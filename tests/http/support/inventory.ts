/**
 * Every server action and every route handler, read from the code (so a new one can't be
 * forgotten by the tests that must cover each): 'use server' modules and their exports,
 * app/api/**\/route.ts and their exported HTTP methods, cross-checked with the build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './server';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|js|jsx|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

const rel = (p: string) => path.relative(ROOT, p).split(path.sep).join('/');

/** Strips comments so a commented-out export or directive doesn't count. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

export interface SourceAction {
  /** "app/_actions/changes.ts#confirmChangeAction" */
  key: string;
  file: string;
  exportName: string;
}

export interface InlineDirective {
  file: string;
  line: number;
}

/**
 * Server actions in the source: every export of a module whose first statement is
 * 'use server' (under app/ and lib/), plus every inline 'use server' (a function-level action,
 * which has no stable export name: listed so a test can insist they live in app/_actions).
 */
export function sourceActions(): { actions: SourceAction[]; inline: InlineDirective[] } {
  const actions: SourceAction[] = [];
  const inline: InlineDirective[] = [];
  for (const file of [...walk(path.join(ROOT, 'app')), ...walk(path.join(ROOT, 'lib'))]) {
    const text = code(fs.readFileSync(file, 'utf8'));
    const moduleLevel = /^\s*(['"])use server\1\s*;?/.test(text);
    if (moduleLevel) {
      const names = new Set<string>();
      for (const m of text.matchAll(/^export\s+(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/gm)) names.add(m[1]!);
      for (const m of text.matchAll(/^export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]!);
      for (const m of text.matchAll(/^export\s*\{([^}]*)\}/gm)) {
        for (const part of m[1]!.split(',')) {
          const name = part
            .trim()
            .split(/\s+as\s+/)
            .pop()
            ?.trim();
          if (name) names.add(name);
        }
      }
      if (/^export\s+default\b/m.test(text)) names.add('default');
      for (const exportName of names) actions.push({ key: `${rel(file)}#${exportName}`, file: rel(file), exportName });
    }
    const hits = [...text.matchAll(/(['"])use server\1/g)].map((m) => m.index);
    for (const at of moduleLevel ? hits.slice(1) : hits)
      inline.push({ file: rel(file), line: text.slice(0, at).split('\n').length });
  }
  return { actions: actions.sort((a, b) => a.key.localeCompare(b.key)), inline };
}

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface SourceRoute {
  /** "app/api/v1/test/clock/route.ts" */
  file: string;
  /** "/api/v1/test/clock", with [param] segments kept */
  pattern: string;
  methods: HttpMethod[];
}

/** Route handlers: app/**\/route.ts and the HTTP methods each exports. */
export function sourceRoutes(): SourceRoute[] {
  const routes: SourceRoute[] = [];
  for (const file of walk(path.join(ROOT, 'app'))) {
    if (!/\/route\.(ts|js|tsx|jsx|mjs)$/.test(file)) continue;
    const text = code(fs.readFileSync(file, 'utf8'));
    const methods = new Set<HttpMethod>();
    for (const m of HTTP_METHODS) {
      if (new RegExp(`^export\\s+(?:async\\s+)?function\\s+${m}\\b`, 'm').test(text)) methods.add(m);
      if (new RegExp(`^export\\s+(?:const|let|var)\\s+${m}\\b`, 'm').test(text)) methods.add(m);
      for (const e of text.matchAll(/^export\s*\{([^}]*)\}/gm)) {
        if (
          e[1]!.split(',').some(
            (p) =>
              p
                .trim()
                .split(/\s+as\s+/)
                .pop()
                ?.trim() === m,
          )
        )
          methods.add(m);
      }
    }
    const pattern = rel(file)
      .replace(/^app/, '')
      .replace(/\/route\.\w+$/, '')
      .replace(/\/\([^)]+\)/g, '');
    routes.push({ file: rel(file), pattern, methods: [...methods] });
  }
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** Metadata files (app/icon.svg…) the build serves as routes of its own: static files, no code of ours. */
const METADATA_FILE =
  /^\/(?:.*\/)?(?:icon|apple-icon|favicon|opengraph-image|twitter-image)\d*\.(?:svg|png|ico|jpg|jpeg|gif)$|^\/(?:robots\.txt|sitemap\.xml|manifest\.(?:json|webmanifest))$/;

/**
 * The route handlers the build knows (app-paths-manifest: "/api/…/route"), without the routes
 * of metadata files — each of those must be a file in app/, so no handler hides among them.
 */
export function builtRoutes(): string[] {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ROOT, '.next', 'server', 'app-paths-manifest.json'), 'utf8'),
  ) as Record<string, string>;
  return Object.keys(manifest)
    .filter((k) => k.endsWith('/route'))
    .map((k) => k.replace(/\/route$/, '').replace(/\/\([^)]+\)/g, ''))
    .filter((route) => {
      if (!METADATA_FILE.test(route)) return true;
      if (!fs.existsSync(path.join(ROOT, 'app', route)))
        throw new Error(`${route} is built as a metadata route but app${route} is not a file`);
      return false;
    })
    .sort();
}

/**
 * Routes no test of ours has to call, with the reason. next-auth's own endpoints (csrf,
 * sign-in callback, session, sign-out) are public by design; sign-in and its throttle are
 * covered by tests/integration/auth.test.ts and the browser journeys.
 */
export const EXCLUDED_ROUTES: Record<string, string> = {
  '/api/auth/[...nextauth]':
    "next-auth's own endpoints (csrf, credentials callback, session, sign-out): public by design; sign-in abuse is covered by tests/integration/auth.test.ts",
  '/tmf-api/productCatalogManagement/v4/openapi.json':
    'the published TMF620 OpenAPI document: public by design, no data (tests/http/tmf-ctk.test.ts fetches it)',
  '/tmf-api/customerManagement/v4/openapi.json':
    'the published TMF629 OpenAPI document: public by design, no data (tests/http/tmf-ctk.test.ts fetches it)',
  '/tmf-api/productInventory/v4/openapi.json':
    'the published TMF637 OpenAPI document: public by design, no data (tests/http/tmf-ctk.test.ts fetches it)',
  // Usage in (issue 19).
  '/tmf-api/usageManagement/v4/openapi.json':
    'the published TMF635 OpenAPI document: public by design, no data (tests/http/tmf-ctk.test.ts fetches it)',
  '/tmf-api/customerBillManagement/v4/openapi.json':
    'the published TMF678 OpenAPI document: public by design, no data (tests/http/tmf-ctk.test.ts fetches it)',
  '/tmf-api/productOrderingManagement/v4/openapi.json':
    'the published TMF622 OpenAPI document: public by design, no data (tests/http/tmf-ctk.test.ts fetches it)',
};
