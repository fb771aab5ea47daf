#!/usr/bin/env bash
# npm test: type check, unit + integration (vitest, real databases), production build,
# browser tests (Playwright + Debian Chromium). Prints one summary line at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# A secret for this run only: the build sees it too, and a browser test checks that no client
# chunk contains it.
export NEXTAUTH_SECRET="test-run-secret-$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')"
out=$(mktemp -d)
status=0

step() { printf '\n==> %s\n' "$*"; }

step "Type check"
npx tsc --noEmit || status=1

step "Unit and integration tests (vitest)${TEST_DATABASE_URL:+, PostgreSQL included}"
npx vitest run --reporter=default --reporter=json --outputFile="$out/vitest.json" || status=1

step "Production build"
if npx next build > "$out/build.log" 2>&1; then
  tail -n 25 "$out/build.log"
  step "Browser tests (Playwright, Chromium)"
  PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" npx playwright test --reporter=list,json || status=1
else
  cat "$out/build.log"; status=1
fi

node scripts/summarize-tests.mjs "$out/vitest.json" "$out/playwright.json"
rm -rf "$out"
exit $status
