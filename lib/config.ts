/**
 * The one place that reads process.env. Validated with zod; a bad value stops start-up
 * with a message that names the variable.
 */
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL'),
  DATA_DIR: z.string().trim().optional(),
  NEXTAUTH_SECRET: z.string().optional(),
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
  SWITCHBOARD_ENV: z.enum(['development', 'production', 'test']).optional(),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** "1" prints one marker line per database query to stdout (the benchmark counts round trips). Off by default. */
  SWITCHBOARD_LOG_QUERIES: z.enum(['0', '1']).optional(),
  /** Requests a minute each API client may make to /tmf-api (shared by every instance through the database). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** The operator's name on bills and their PDFs. */
  OPERATOR_NAME: z.string().trim().min(1).max(120).default('Switchboard Telecom'),
  /** Set by Next.js itself while it builds ("phase-production-build"): nothing is opened then. */
  NEXT_PHASE: z.string().optional(),
});

export type AppConfig = {
  env: 'development' | 'production' | 'test';
  databaseUrl: string | undefined;
  dataDir: string;
  authSecret: string;
  testClockEnabled: boolean;
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
  /** True while `next build` runs (the database is not opened then). */
  building: boolean;
  /** True under `next dev` (NODE_ENV=development): its scripts need eval and a websocket. */
  nextDev: boolean;
};

/** Used only outside production when NEXTAUTH_SECRET is unset, so a fresh clone starts. */
const DEV_SECRET = 'switchboard-development-secret-not-for-production';

let cached: AppConfig | undefined;

export function config(): AppConfig {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const env = e.SWITCHBOARD_ENV ?? e.NODE_ENV;
  const deployment = env === 'production';
  const building = e.NEXT_PHASE === 'phase-production-build';
  if (deployment && !e.NEXTAUTH_SECRET && !building) {
    throw new Error('Invalid environment configuration:\n  NEXTAUTH_SECRET: required in production');
  }
  const result: AppConfig = {
    env,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(/*turbopackIgnore: true*/ e.DATA_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), 'data')),
    authSecret: e.NEXTAUTH_SECRET ?? DEV_SECRET,
    testClockEnabled: !deployment && e.SWITCHBOARD_TEST_CLOCK !== '0',
    testClockToken: e.SWITCHBOARD_TEST_CLOCK_TOKEN,
    pgPoolMax: e.PG_POOL_MAX,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    logQueries: e.SWITCHBOARD_LOG_QUERIES === '1',
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    publicUrl: e.NEXTAUTH_URL,
    operatorName: e.OPERATOR_NAME,
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
