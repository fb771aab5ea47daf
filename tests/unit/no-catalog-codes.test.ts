/**
 * Issue 20: "nothing in code names a plan or add-on code". The rules are evaluated from the
 * catalog rows (db/catalog-data.ts seeds them): application code under app/ and lib/ (and the
 * root modules) must not name a seeded code. Comments are not code and are skipped; db/,
 * tests/ and docs/ may name codes. The TMF OpenAPI documents (vendor JSON) are not scanned.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogData } from '@/db/catalog-data';

const ROOT = path.resolve(__dirname, '../..');

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'openapi') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The code without its comments (block and line), keeping strings (a URL's // is kept after a colon). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const CODES = [...catalogData.plans.map((p) => p.code), ...catalogData.addOns.map((a) => a.code)];
const FILES = [
  ...walk(path.join(ROOT, 'app')),
  ...walk(path.join(ROOT, 'lib')),
  ...fs
    .readdirSync(ROOT)
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.config.ts'))
    .map((f) => path.join(ROOT, f)),
];

/** Where a code appears as a whole word in the code of `text` ("file:line: CODE"). */
function hits(file: string, text: string): string[] {
  const out: string[] = [];
  const lines = withoutComments(text).split('\n');
  lines.forEach((line, i) => {
    for (const code of CODES) {
      if (new RegExp(`(^|[^A-Za-z0-9_])${code}($|[^A-Za-z0-9_])`).test(line))
        out.push(`${path.relative(ROOT, file)}:${i + 1}: ${code}`);
    }
  });
  return out;
}

describe('no plan or add-on code in application code', () => {
  it('scans the application files', () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(CODES).toContain('PREMIUM');
    expect(CODES).toContain('voicemail');
  });

  it('finds a seeded code when one is named (the check itself works)', () => {
    expect(hits('x.ts', "const plan = 'PREMIUM';")).toEqual(['x.ts:1: PREMIUM']);
    expect(hits('x.ts', 'if (code === "ld_300") {}')).toEqual(['x.ts:1: ld_300']);
    expect(hits('x.ts', '// PREMIUM in a comment\nconst a = 1; /* voicemail */')).toEqual([]);
    expect(hits('x.ts', "const id = 'PREMIUM_X';")).toEqual([]);
  });

  it('no file under app/ or lib/ names one', () => {
    const found = FILES.flatMap((f) => hits(f, fs.readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
});
