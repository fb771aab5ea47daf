// Adds up vitest's and Playwright's JSON reports into one closing line: "N passed, N failed".
// Usage: node scripts/summarize-tests.mjs --vitest a.json [--vitest b.json …] --playwright p.json
// A report that is missing or unreadable counts as one failure.
import fs from 'node:fs';

const args = process.argv.slice(2);
const reports = [];
for (let i = 0; i < args.length; i += 2) {
  const kind = args[i]?.replace(/^--/, '');
  const file = args[i + 1];
  if (!args[i]?.startsWith('--') || (kind !== 'vitest' && kind !== 'playwright') || !file) {
    console.error(`summarize-tests: unexpected argument ${args[i]}`);
    process.exit(2);
  }
  reports.push({ kind, file });
}

let passed = 0,
  failed = 0,
  skipped = 0;
for (const { kind, file } of reports) {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (kind === 'vitest') {
      passed += r.numPassedTests ?? 0;
      failed += (r.numFailedTests ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
      skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    } else {
      passed += (r.stats?.expected ?? 0) + (r.stats?.flaky ?? 0);
      failed += r.stats?.unexpected ?? 0;
      skipped += r.stats?.skipped ?? 0;
    }
  } catch {
    failed += 1;
    console.log(`${kind}: no report (${file})`);
  }
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
