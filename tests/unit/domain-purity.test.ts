/**
 * lib/domain is pure TypeScript: no I/O, no framework, no database, and no hidden clock
 * (the current day is always passed in). It is made of folder modules, each with one job and
 * an index.ts that is its public API: a module reaches into another only through that index.
 * This test reads every file under lib/domain.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const DOMAIN = path.resolve(import.meta.dirname, '../../lib/domain');
/** The folder modules; `types.ts` beside them is the shared vocabulary (no root barrel). */
const MODULES = [
  'accounts',
  'bills',
  'catalog',
  'changes',
  // Addresses and callback URLs: the SSRF guard of the hubs (issue 19).
  'network',
  'notifications',
  'offers',
  'periods',
  'pricing',
  'rollover',
  'text',
  // Usage in (issue 19).
  'usage',
];
const MAX_LINES = 300;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Source without comments (so documentation may mention what the code must not do). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

/** Every module specifier: import/export … from 'x', import 'x', import('x'), require('x'). */
function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"`]([^'"`]+)['"`]/g,
    /\bimport\s*['"`]([^'"`]+)['"`]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

/** Why an import is not allowed in domain code, or null. */
function forbiddenImport(spec: string, file: string): string | null {
  const bare = spec.split('/')[0]!;
  if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(bare)) return 'a Node built-in (I/O)';
  if (/^(next|react|react-dom|drizzle-orm|drizzle-kit|pg|next-auth|server-only)(\/|$)/.test(spec))
    return 'a framework or database package';
  if (spec.startsWith('@electric-sql/')) return 'a database package';
  if (/(^|\/)(db|server)(\/|$)/.test(spec) || spec.includes('lib/server')) return 'the database or server layer';
  let target: string | null = null;
  if (spec.startsWith('.')) {
    target = path.resolve(path.dirname(file), spec);
    if (!target.startsWith(DOMAIN + path.sep)) return 'a module outside lib/domain';
  } else if (spec.startsWith('@/')) {
    if (!spec.startsWith('@/lib/domain/')) return 'a module outside lib/domain';
    target = path.join(DOMAIN, spec.slice('@/lib/domain/'.length));
  }
  if (target !== null) {
    const [from] = path.relative(DOMAIN, file).split(path.sep);
    const [to, ...inside] = path.relative(DOMAIN, target).split(path.sep);
    if (to !== from && inside.length > 0) return `inside another module (import "${to}" through its index)`;
  }
  return null;
}

/** Reads of the ambient clock. */
function clockReads(source: string): string[] {
  const found: string[] = [];
  if (/\bnew\s+Date\s*\(\s*\)/.test(source)) found.push('new Date()');
  if (/\bnew\s+Date\b(?!\s*\()/.test(source)) found.push('new Date');
  if (/\bDate\s*\.\s*now\b/.test(source)) found.push('Date.now');
  return found;
}

function problems(file: string, raw: string): string[] {
  const source = stripComments(raw);
  const out: string[] = [];
  for (const spec of specifiers(source)) {
    const why = forbiddenImport(spec, file);
    if (why) out.push(`${path.basename(file)} imports "${spec}": ${why}`);
  }
  for (const c of clockReads(source)) out.push(`${path.basename(file)} reads the clock with ${c}; pass the day in`);
  return out;
}

describe('domain purity', () => {
  const files = filesUnder(DOMAIN).filter((f) => /\.(ts|tsx|js|mjs|cjs)$/.test(f));

  it('finds the domain modules, each a folder with an index, and nothing else at the top', () => {
    const top = readdirSync(DOMAIN).sort();
    expect(top).toEqual([...MODULES, 'types.ts'].sort());
    for (const m of MODULES) {
      expect(statSync(path.join(DOMAIN, m)).isDirectory(), m).toBe(true);
      expect(files, m).toContain(path.join(DOMAIN, m, 'index.ts'));
    }
    expect(files.length).toBeGreaterThan(MODULES.length * 2);
  });

  it.each(files.map((f) => [path.relative(DOMAIN, f), f]))(`%s is at most ${MAX_LINES} lines`, (_name, file) => {
    expect(readFileSync(file, 'utf8').split('\n').length).toBeLessThanOrEqual(MAX_LINES);
  });

  it.each(files.map((f) => [path.relative(DOMAIN, f), f]))(
    '%s has no I/O, framework, database or clock',
    (_name, file) => {
      expect(problems(file, readFileSync(file, 'utf8'))).toEqual([]);
    },
  );

  it('the checker itself catches what it must', () => {
    const f = path.join(DOMAIN, 'offers', 'example.ts');
    const bad = [
      "import { db } from '../../db/client';",
      "import { headers } from 'next/headers';",
      "import React from 'react';",
      "import { eq } from 'drizzle-orm';",
      "import { Pool } from 'pg';",
      "import { PGlite } from '@electric-sql/pglite';",
      "import { readFileSync } from 'node:fs';",
      "import fs from 'fs';",
      "import { x } from '../server/session';",
      "import { y } from '@/lib/server/auth';",
      "import type { Z } from '@/db/schema';",
      "const m = await import('node:crypto');",
      "const p = require('path');",
      "export * from '../../other';",
      "import { reconcile } from '../changes/reconcile';",
      "import type { Removal } from '@/lib/domain/changes/reconcile';",
      'const now = new Date();',
      'const now = new Date;',
      'const t = Date.now();',
    ];
    for (const line of bad) expect(problems(f, line), line).not.toEqual([]);
    const good = [
      "import { getPlan } from './catalog';",
      "import type { Day } from '@/lib/domain/types';",
      "export * from './offers';",
      "import { reconcile } from '../changes';",
      "import type { Day } from '../types';",
      "import { selectOffers } from './select';",
      'const d = new Date(Date.UTC(2026, 10, 1));',
      'const d = new Date(ms);',
      '// never call Date.now() here',
      '/* new Date() is banned */',
    ];
    for (const line of good) expect(problems(f, line), line).toEqual([]);
  });
});
