/**
 * The one place that reads process.env. Validated with zod; a bad value stops start-up
 * with a message that names the variable.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_DISPLAY, type DisplaySettings, displaySettingsProblem } from './domain/text';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL'),
  DATA_DIR: z.string().trim().optional(),
  NEXTAUTH_SECRET: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  NEXTAUTH_URL: z.string().url().optional(),
  /** "1" lets the test clock be set outside production (on by default in development and test). */
  SWITCHBOARD_TEST_CLOCK: z.enum(['0', '1']).optional(),
  /** Lets a test suite move the test clock over HTTP without an admin session (header x-test-clock-token). */
  SWITCHBOARD_TEST_CLOCK_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * What kind of run this is. `next start` always sets NODE_ENV=production, so a local demo or a
   * test run of the production build says SWITCHBOARD_ENV=development|test (the start script and
   * the test harness do). Unset under NODE_ENV=production means a real deployment: the test clock
   * is off and NEXTAUTH_SECRET is required.
   */
  SWITCHBOARD_ENV: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['development', 'production', 'test']).optional(),
  ),
  /**
   * "1" lets hub and webhook callbacks point at loopback, private, link-local and other
   * non-public addresses (the SSRF guard, docs/security.md). Default: allowed outside a
   * deployment (the tests and the TM Forum conformance kits call back on 127.0.0.1), refused in one.
   */
  SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS: z.preprocess(
    (v) => (v === '' ? undefined : v === 'true' ? '1' : v === 'false' ? '0' : v),
    z.enum(['0', '1'], { message: 'must be 0 or 1 (or true/false)' }).optional(),
  ),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** "1" prints one marker line per database query to stdout (the benchmark counts round trips). Off by default. */
  SWITCHBOARD_LOG_QUERIES: z.enum(['0', '1']).optional(),
  /** Requests a minute each API client may make to /tmf-api (shared by every instance through the database). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** The operator's name on bills and their PDFs. */
  OPERATOR_NAME: z.string().trim().min(1).max(120).default('Switchboard Telecom'),
  /** The currency amounts are shown in (ISO 4217, two decimals). */
  SWITCHBOARD_CURRENCY: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.toUpperCase() : DEFAULT_DISPLAY.currency)),
  /** The locale money and dates are written in (BCP 47). */
  SWITCHBOARD_LOCALE: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : DEFAULT_DISPLAY.locale)),
  /** Set by Next.js itself while it builds ("phase-production-build"): nothing is opened then. */
  NEXT_PHASE: z.string().optional(),
  /**
   * How many reverse proxies in front of the app append to X-Forwarded-For. Unset or 0: the
   * header is ignored and the client address is the socket's (a client can write any header).
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' || v === 'false' ? '0' : v === 'true' ? '1' : v))
    .pipe(
      z
        .string()
        .regex(/^\d{1,2}$/, 'must be a number of proxies from 0 to 10 (or true/false)')
        .transform(Number),
    )
    .pipe(z.number().int().min(0, 'must be 0 to 10').max(10, 'must be 0 to 10')),
});

export type AppConfig = {
  env: 'development' | 'production' | 'test';
  databaseUrl: string | undefined;
  dataDir: string;
  /** A real deployment (SWITCHBOARD_ENV=production, or unset under NODE_ENV=production). */
  deployment: boolean;
  authSecret: string;
  /** Where authSecret came from (the generated file's path when it was generated). */
  authSecretSource: 'NEXTAUTH_SECRET' | 'build' | string;
  /** Reverse proxies trusted to append to X-Forwarded-For (0: ignore the header). */
  trustProxy: number;
  testClockEnabled: boolean;
  /** Hub and webhook callbacks may point at non-public addresses (SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS; default: outside a deployment). */
  allowPrivateCallbacks: boolean;
  /** The test-clock token, when set (at least 16 characters); only honoured while the test clock is enabled. */
  testClockToken: string | undefined;
  pgPoolMax: number;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Print a marker line per database query (SWITCHBOARD_LOG_QUERIES=1). */
  logQueries: boolean;
  /** Requests a minute per API client (API_RATE_LIMIT_PER_MINUTE). */
  apiRateLimitPerMinute: number;
  /** The portal's public address (NEXTAUTH_URL), for absolute links such as TMF href; unset: each request's own origin. */
  publicUrl: string | undefined;
  /** The operator's name on bills (OPERATOR_NAME). */
  operatorName: string;
  /** How money and dates are shown (SWITCHBOARD_LOCALE, SWITCHBOARD_CURRENCY; default en-US and USD). */
  display: DisplaySettings;
  /** True while `next build` runs (the database is not opened then). */
  building: boolean;
  /** True under `next dev` (NODE_ENV=development): its scripts need eval and a websocket. */
  nextDev: boolean;
};

const MESSAGE = 'Invalid environment configuration:\n  NEXTAUTH_SECRET:';

/** A deployment's NEXTAUTH_SECRET must be at least this long. */
export const MIN_SECRET_LENGTH = 32;
/** The generated secret's file in the data folder (outside a deployment, NEXTAUTH_SECRET unset). */
export const SECRET_FILE = 'auth-secret';

/**
 * Outside a deployment, without NEXTAUTH_SECRET: a random secret made once per data folder
 * (mode 0600) and read again on every start, so sessions survive a restart and no secret is
 * a constant in the code. Written with O_EXCL: two processes starting at once agree on one.
 * The data folder exists with PostgreSQL too (it is where this file lives); instances on
 * other machines need NEXTAUTH_SECRET.
 */
export function dataFolderSecret(dataDir: string): { secret: string; file: string } {
  const file = path.join(/*turbopackIgnore: true*/ dataDir, SECRET_FILE);
  const read = () => {
    const secret = fs.readFileSync(file, 'utf8').trim();
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `${MESSAGE} unset, and ${file} holds fewer than ${MIN_SECRET_LENGTH} characters (delete it to have a new one generated)`,
      );
    }
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    return { secret, file };
  };
  if (fs.existsSync(file)) return read();
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return read();
}

function sessionSecret(
  given: string | undefined,
  o: { deployment: boolean; building: boolean; dataDir: string },
): { value: string; source: AppConfig['authSecretSource'] } {
  if (given) {
    if (o.deployment && given.length < MIN_SECRET_LENGTH && !o.building) {
      throw new Error(
        `${MESSAGE} must be at least ${MIN_SECRET_LENGTH} characters in a deployment (for example: openssl rand -base64 32)`,
      );
    }
    return { value: given, source: 'NEXTAUTH_SECRET' };
  }
  // `next build` signs nothing: a throwaway value, never the same twice.
  if (o.building) return { value: randomBytes(32).toString('base64url'), source: 'build' };
  if (o.deployment)
    throw new Error(
      `${MESSAGE} required in a deployment (at least ${MIN_SECRET_LENGTH} characters; for example: openssl rand -base64 32)`,
    );
  const generated = dataFolderSecret(o.dataDir);
  return { value: generated.secret, source: generated.file };
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const display: DisplaySettings = { locale: e.SWITCHBOARD_LOCALE, currency: e.SWITCHBOARD_CURRENCY };
  const displayProblem = displaySettingsProblem(display);
  if (displayProblem) throw new Error(`Invalid environment configuration:\n  ${displayProblem}`);
  const env = e.SWITCHBOARD_ENV ?? e.NODE_ENV;
  const deployment = env === 'production';
  const building = e.NEXT_PHASE === 'phase-production-build';
  const dataDir = path.resolve(
    /*turbopackIgnore: true*/ e.DATA_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), 'data'),
  );
  // Resolved on first use (the server and the sign-in proxy), not by scripts that sign nothing.
  let secret: { value: string; source: AppConfig['authSecretSource'] } | undefined;
  const resolveSecret = () => {
    secret ??= sessionSecret(e.NEXTAUTH_SECRET, { deployment, building, dataDir });
    return secret;
  };
  const result: AppConfig = {
    env,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    deployment,
    get authSecret() {
      return resolveSecret().value;
    },
    get authSecretSource() {
      return resolveSecret().source;
    },
    trustProxy: e.TRUST_PROXY,
    testClockEnabled: !deployment && e.SWITCHBOARD_TEST_CLOCK !== '0',
    allowPrivateCallbacks:
      e.SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS === undefined ? !deployment : e.SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS === '1',
    testClockToken: e.SWITCHBOARD_TEST_CLOCK_TOKEN,
    pgPoolMax: e.PG_POOL_MAX,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    logQueries: e.SWITCHBOARD_LOG_QUERIES === '1',
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    publicUrl: e.NEXTAUTH_URL,
    operatorName: e.OPERATOR_NAME,
    display,
    building,
    nextDev: e.NODE_ENV === 'development',
  };
  if (!building) cached = result;
  return result;
}

/** For tests that change the environment. */
export function resetConfigForTests(): void {
  cached = undefined;
}

// ---------------------------------------------------------------- jobs, outbox, mail, webhooks

const ms = (dflt: number, min = 1) =>
  z.coerce
    .number()
    .int()
    .min(min)
    .max(7 * 86_400_000)
    .default(dflt);

const jobsSchema = z.object({
  /** "off": this instance runs no background jobs (tests and benchmarks; another instance may). */
  JOBS: z.enum(['on', 'off']).default('on'),
  /** Embedded database: how often the in-process timer runs the delivery job (the daily jobs run when the day changes). */
  JOBS_TICK_MS: ms(2_000, 100),
  /** smtp:// or smtps:// URL of the mail relay. Unset: mail is kept in files under DATA_DIR/mail. */
  SMTP_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^smtps?:\/\/[^\s]+$/.test(v), 'must be an smtp:// or smtps:// URL'),
  MAIL_FROM: z.string().trim().min(3).max(200).default('Switchboard <no-reply@switchboard.example>'),
  /** Retry backoff of a failed delivery: base × 2^(attempt − 1), at most the cap. */
  OUTBOX_BACKOFF_BASE_MS: ms(30_000),
  OUTBOX_BACKOFF_MAX_MS: ms(3_600_000),
  /** An email that failed this many times is held as dead for an admin (Admin → Deliveries). */
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  WEBHOOK_TIMEOUT_MS: ms(5_000, 100),
  /** A listener that has failed for this long is disabled and its undelivered events held as dead. */
  WEBHOOK_DISABLE_AFTER_MS: ms(86_400_000),
  NEXTAUTH_URL: z.string().url().optional(),
});

export interface JobsConfig {
  jobs: boolean;
  tickMs: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The operator's name in every email (OPERATOR_NAME, as on bills). */
  operatorName: string;
  /** Links in emails point here (NEXTAUTH_URL). */
  portalUrl: string;
  /** Where mail is kept when there is no SMTP_URL. */
  mailDir: string;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxAttempts: number;
  webhookTimeoutMs: number;
  webhookDisableAfterMs: number;
}

let cachedJobs: JobsConfig | undefined;

export function jobsConfig(): JobsConfig {
  if (cachedJobs) return cachedJobs;
  const parsed = jobsSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const base = config();
  const result: JobsConfig = {
    jobs: e.JOBS === 'on',
    tickMs: e.JOBS_TICK_MS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    operatorName: base.operatorName,
    portalUrl: (e.NEXTAUTH_URL ?? `http://localhost:${base.port}`).replace(/\/+$/, ''),
    mailDir: path.join(base.dataDir, 'mail'),
    backoffBaseMs: e.OUTBOX_BACKOFF_BASE_MS,
    backoffMaxMs: Math.max(e.OUTBOX_BACKOFF_MAX_MS, e.OUTBOX_BACKOFF_BASE_MS),
    maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookDisableAfterMs: e.WEBHOOK_DISABLE_AFTER_MS,
  };
  cachedJobs = result;
  return result;
}

/** For tests that change the environment. */
export function resetJobsConfigForTests(): void {
  cachedJobs = undefined;
}
