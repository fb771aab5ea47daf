/**
 * The layers, checked on resolved imports (npm run lint):
 *   lib/domain  → nothing outside lib/domain (pure rules)
 *   db          → not lib/server, not app
 *   lib/server  → not app
 *   app         → not db (the data layer is lib/server)
 *   client components ('use client' files) → no runtime import of lib/server (type-only is fine)
 * Client components are found by their 'use client' directive when this file loads.
 */
const fs = require('node:fs');
const path = require('node:path');

function clientComponents(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...clientComponents(p));
    else if (/\.(tsx?|jsx?)$/.test(entry.name) && /^\s*(['"])use client\1/.test(fs.readFileSync(p, 'utf8')))
      out.push(p);
  }
  return out;
}
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const clients = clientComponents(path.join(__dirname, 'app')).map(
  (p) => `^${escapeRegex(path.relative(__dirname, p))}$`,
);

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'lib/domain holds business rules as pure TypeScript: it imports only itself.',
      severity: 'error',
      from: { path: '^lib/domain/' },
      to: { pathNot: '^lib/domain/' },
    },
    {
      name: 'db-not-server',
      comment: 'db/ (schema, client, seed) is below lib/server and app.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(lib/server|app)/' },
    },
    {
      name: 'server-not-app',
      comment: 'lib/server is the data layer; URLs, redirects and components live in app/.',
      severity: 'error',
      from: { path: '^lib/server/' },
      to: { path: '^app/' },
    },
    {
      name: 'app-not-db',
      comment: 'app/ reaches data only through lib/server.',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^db/' },
    },
    {
      name: 'client-not-server',
      comment: "Client components ('use client') may not import lib/server at run time (types only).",
      severity: 'error',
      from: { path: clients.length ? clients : ['^$'] },
      to: { path: '^lib/server/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.next|data|test-results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
