#!/usr/bin/env bash
# npm test: type check, unit + integration (vitest, real databases), production build, HTTP
# tests against the production server (vitest "http" project: authorization matrix, fuzzing,
# crash safety), browser tests (Playwright + Debian Chromium). Prints one summary line at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# A secret for this run only: the build sees it too, and a browser test checks that no client
# chunk contains it.
export NEXTAUTH_SECRET="test-run-secret-$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')"
out=$(mktemp -d)
status=0
reports=(--vitest "$out/vitest.json")

step() { printf '\n==> %s\n' "$*"; }

step "Type check"
npx tsc --noEmit || status=1

step "Lint and layer boundaries (Biome, dependency-cruiser)"
npm run -s lint || status=1

step "Unit and integration tests (vitest)${TEST_DATABASE_URL:+, PostgreSQL included}"
npx vitest run --project unit --project integration --reporter=default --reporter=json --outputFile="$out/vitest.json" || status=1

step "Production build"
if npx next build > "$out/build.log" 2>&1; then
  tail -n 25 "$out/build.log"
  if [ -f .next/BUILD_ID ]; then
    step "HTTP tests against the production server (vitest http project)${TEST_DATABASE_URL:+, PostgreSQL included}"
    npx vitest run --project http --reporter=default --reporter=json --outputFile="$out/vitest-http.json" || status=1
    reports+=(--vitest "$out/vitest-http.json")
  else
    step "HTTP tests SKIPPED: no production build (.next/BUILD_ID is missing)"
  fi
  step "Browser tests (Playwright, Chromium)"
  PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" npx playwright test --reporter=list,json || status=1
else
  cat "$out/build.log"; status=1
fi
reports+=(--playwright "$out/playwright.json")

node scripts/summarize-tests.mjs "${reports[@]}"
rm -rf "$out"
exit $status
