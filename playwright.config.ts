import { defineConfig } from '@playwright/test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Browser tests against the production build (`next build` first; `npm test` does it),
 * served by `next start` on its own port with a fresh database for the run. Workers inherit
 * the values chosen here through the environment.
 *
 * Three projects (README "Browser tests on fixtures"):
 * - warm-up: signs in once and makes a fixture, so the server has opened and seeded its database
 *   before the first test (no retry for a slow first sign-in);
 * - parallel: every spec file that imports ./fixtures (tests/e2e/fixtures.ts): each test makes its
 *   own subscriber (and clock), so files and tests run in parallel workers, in any order;
 * - portal-wide: the few files that change what every subscriber lives with, listed below with
 *   why. They can't share the portal with other tests, so they run alone: one worker, after the
 *   parallel project (a failure there skips them).
 * Every other spec file must import ./fixtures: the config refuses to start otherwise, so no file
 * falls back to the shared demo data unnoticed.
 */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  throw new Error(
    `No Chromium at ${chromium}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH. ` +
      '(`npx playwright install` cannot download browsers here.)',
  );
}
process.env.E2E_PORT ??= String(3300 + (process.pid % 600));
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-'));
process.env.E2E_SMTP_PORT ??= String(Number(process.env.E2E_PORT) + 20_000);
process.env.E2E_MAIL_PORT ??= String(Number(process.env.E2E_PORT) + 21_000);
process.env.E2E_TEST_CLOCK_TOKEN ??= `e2e-test-clock-${crypto.randomBytes(12).toString('hex')}`;
const port = Number(process.env.E2E_PORT);

const E2E_DIR = path.resolve('tests', 'e2e');
/**
 * Spec files that change portal-wide state, so they run serially after everything else:
 * - global-clock.spec.ts moves the portal's one test clock, which every subscriber not on a
 *   test clock of their own lives at (demo data and fixtures alike): their periods, bills and
 *   offers would move under a test running beside it;
 * - catalog.spec.ts launches and retires an add-on in the one catalog everybody is priced
 *   against: new catalog versions that every page, preview, confirm and bill of a test running
 *   beside it would read (every add-ons page lists the new add-on while it is launched), and
 *   it changes the long-distance rate, which every new subscriber pays at once.
 */
const PORTAL_WIDE = ['global-clock.spec.ts', 'catalog.spec.ts'];
const SPEC_FILES = fs.readdirSync(E2E_DIR).filter((f) => f.endsWith('.spec.ts'));
const onFixtures = (f: string) => /from '\.\/fixtures'/.test(fs.readFileSync(path.join(E2E_DIR, f), 'utf8'));
const stray = SPEC_FILES.filter((f) => !PORTAL_WIDE.includes(f) && !onFixtures(f));
if (stray.length > 0) {
  throw new Error(
    `${stray.join(', ')}: a browser spec file imports ./fixtures (its own subscribers, run in parallel) ` +
      'or is listed in PORTAL_WIDE in playwright.config.ts with the reason it must run alone.',
  );
}
/** The spec files on the fixture module (they import './fixtures'): the parallel project. */
const PARALLEL_FILES = SPEC_FILES.filter((f) => !PORTAL_WIDE.includes(f)).map((f) => path.join(E2E_DIR, f));
const PORTAL_WIDE_FILES = PORTAL_WIDE.map((f) => path.join(E2E_DIR, f));
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: 'tests/e2e',
  // One folder per run, so runs side by side don't delete each other's artifacts.
  outputDir: `test-results/run-${process.env.E2E_PORT}`,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'warm-up', testMatch: /warm-up\.setup\.ts$/, use: { browserName: 'chromium' } },
    {
      name: 'parallel',
      testMatch: PARALLEL_FILES.length ? PARALLEL_FILES : /^$/,
      dependencies: ['warm-up'],
      fullyParallel: true,
      use: { browserName: 'chromium' },
    },
    {
      name: 'portal-wide',
      testMatch: PORTAL_WIDE_FILES,
      dependencies: ['parallel'],
      fullyParallel: false,
      workers: 1,
      use: { browserName: 'chromium' },
    },
  ],
  webServer: [
    {
      // The SMTP server the portal sends its email to (tests read it at E2E_MAIL_PORT).
      command: 'node_modules/.bin/tsx tests/e2e/support/mail-catcher.ts',
      url: `http://127.0.0.1:${process.env.E2E_MAIL_PORT}/messages`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      // Keep-alive longer than a test: Node's default 5 s closed idle sockets of a test's API
      // context just as its teardown reused them (ECONNRESET on the fixture's DELETE).
      command: `node_modules/.bin/next start -p ${port} --keepAliveTimeout 70000`,
      url: `${baseURL}/login`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        NEXT_TELEMETRY_DISABLED: '1',
        SWITCHBOARD_ENV: 'test',
        NEXTAUTH_URL: baseURL,
        // npm test sets one for the build and the run, so the bundle check can look for it.
        NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? `e2e-secret-${port}-not-for-production`,
        // Test fixtures and clocks (tests/e2e/fixtures.ts) authenticate with it.
        SWITCHBOARD_TEST_CLOCK_TOKEN: process.env.E2E_TEST_CLOCK_TOKEN,
        DATA_DIR: process.env.E2E_DATA_DIR,
        ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
        // Jobs on, as `npm start` runs them: email goes to the mail catcher above.
        JOBS: 'on',
        JOBS_TICK_MS: '500',
        SMTP_URL: `smtp://127.0.0.1:${process.env.E2E_SMTP_PORT}`,
      },
    },
  ],
});
