/**
 * The Playwright fixture module for UI tests (SPEC §12, issue 22; README "Browser tests on
 * fixtures"). Each test gets its own subscriber, made to order through the portal's test API
 * (POST /api/v1/test/fixtures), with `page` already signed in as them, and removed with all its
 * rows afterwards; and, when it asks, its own test clock (POST /api/v1/test/clocks) that only
 * its subscriber lives at. Tests on these fixtures share nothing, so they run in parallel
 * workers, in any order (the "parallel" project of playwright.config.ts: any spec file that
 * imports this module).
 *
 *   import { expect, test } from './fixtures';
 *   test.use({ subscriberOptions: { plan: 'BASIC', usage: { ldMinutes: 240 } }, clockAt: '2026-11-16T10:00:00Z' });
 *   test('…', async ({ page, subscriber, clock }) => {
 *     await page.goto('/bills');
 *     await clock.advance('2026-12-02T09:00:00Z'); // the rollover and bills of this subscriber, done
 *   });
 */
import { test as base, expect, type APIRequestContext, type BrowserContext } from '@playwright/test';

export { expect };

/** Usage of one billing period. */
export interface PeriodUsage {
  ldMinutes?: number;
  intlMinutes?: number;
  unansweredCalls?: number;
  missedWhileBusy?: number;
}

/** What POST /api/v1/test/fixtures takes (every field but the plan is optional). */
export interface SubscriberOptions {
  plan: string;
  addOns?: string[];
  /** 1–31; default: today's day of month (the period starts today). */
  billingDay?: number;
  /** Complete billing periods of history (each billed), default 3; 0: joined this period. */
  pastPeriods?: number;
  /** Usage in each past period. */
  usage?: PeriodUsage;
  /** Usage so far in the current period. */
  currentUsage?: PeriodUsage;
  name?: string;
  clockId?: number;
}

/** A fixture subscriber, as the API returns it. */
export interface Subscriber {
  subscriberId: number;
  userId: number;
  email: string;
  password: string;
  accountNumber: string;
  name: string;
  clockId: number | null;
  /** The subscriber's day (its clock's, or the portal's) when it was made. */
  today: string;
  /** The current billing period when it was made: [start, end). */
  period: { start: string; end: string };
  bills: number;
}

export interface ClockState {
  id: number;
  name: string;
  frozenTime: string;
  today: string;
  subscriberIds: number[];
}

export interface TestClock extends ClockState {
  /** Moves the clock to `to` (ISO) and returns once its subscribers' rollover, bills and reminders are done. */
  advance(to: string): Promise<ClockState & { periodsClosed: number; remindersWritten: number; failed: number[] }>;
}

/** The test-clock token playwright.config.ts gives the server (never in production). */
export const TEST_TOKEN = process.env.E2E_TEST_CLOCK_TOKEN ?? '';

async function call<T>(api: APIRequestContext, method: string, path: string, data?: unknown): Promise<T> {
  const res = await api.fetch(path, {
    method,
    headers: { 'x-test-clock-token': TEST_TOKEN },
    ...(data === undefined ? {} : { data }),
  });
  if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as T;
}

/** Makes a fixture subscriber (not signed in anywhere). Remove it with `removeSubscriber`. */
export function createSubscriber(api: APIRequestContext, options: SubscriberOptions): Promise<Subscriber> {
  return call<Subscriber>(api, 'POST', '/api/v1/test/fixtures', options);
}

export async function removeSubscriber(api: APIRequestContext, subscriberId: number): Promise<void> {
  const remove = () =>
    api.fetch(`/api/v1/test/fixtures/${subscriberId}`, {
      method: 'DELETE',
      headers: { 'x-test-clock-token': TEST_TOKEN },
    });
  // A DELETE is safe to send again when the connection dropped before an answer (a kept-alive
  // socket the server had just closed); a second one finds it gone (404).
  const res = await remove().catch((e: unknown) => {
    if (/ECONNRESET|socket hang up/.test(String(e))) return remove();
    throw e;
  });
  // Already gone (its clock was deleted first): nothing left to do.
  if (!res.ok() && res.status() !== 404) throw new Error(`removing fixture ${subscriberId}: ${res.status()}`);
}

export async function createClock(api: APIRequestContext, frozenTime?: string): Promise<TestClock> {
  const state = await call<ClockState>(api, 'POST', '/api/v1/test/clocks', frozenTime ? { frozenTime } : {});
  const clock: TestClock = {
    ...state,
    advance: async (to: string) => {
      const r = await call<Awaited<ReturnType<TestClock['advance']>>>(
        api,
        'POST',
        `/api/v1/test/clocks/${state.id}/advance`,
        { to },
      );
      Object.assign(clock, { frozenTime: r.frozenTime, today: r.today, subscriberIds: r.subscriberIds });
      return r;
    },
  };
  return clock;
}

/** Deletes a clock and every fixture still on it. */
export async function removeClock(api: APIRequestContext, id: number): Promise<void> {
  await call(api, 'DELETE', `/api/v1/test/clocks/${id}`);
}

/**
 * Signs `context` in as `email` through next-auth's credentials endpoint (as the login form
 * does, without drawing the form): the session cookie lands in the context's cookie jar.
 */
export async function signInContext(context: BrowserContext, email: string, password: string): Promise<void> {
  const api = context.request;
  const csrf = (await (await api.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const res = await api.post('/api/auth/callback/credentials', {
    form: { csrfToken: csrf.csrfToken, email, password, json: 'true' },
    maxRedirects: 0,
  });
  const cookies = await context.cookies();
  if (!cookies.some((c) => c.name.endsWith('next-auth.session-token')))
    throw new Error(`sign-in as ${email} failed: ${res.status()} ${(await res.text()).slice(0, 200)}`);
}

interface Options {
  /** The subscriber this test gets (default: Basic, three billed periods without usage). */
  subscriberOptions: SubscriberOptions;
  /** Set: the test gets a clock frozen at this time ('now': the portal's time), and its subscribers live at it. */
  clockAt: string | undefined;
}

interface Fixtures {
  /** The test's test clock (needs `clockAt`); deleted after the test, with the fixtures still on it. */
  clock: TestClock;
  /** The test's subscriber, removed after the test; asking for it signs `page` in as them. */
  subscriber: Subscriber;
  /** More subscribers for the same test (on the test's clock when it has one), removed afterwards. */
  makeSubscriber: (options: SubscriberOptions) => Promise<Subscriber>;
  /** The clock when `clockAt` is set, else null (internal). */
  optionalClock: TestClock | null;
}

export const test = base.extend<Options & Fixtures>({
  subscriberOptions: [{ plan: 'BASIC' }, { option: true }],
  clockAt: [undefined, { option: true }],

  optionalClock: async ({ request, clockAt }, use) => {
    if (clockAt === undefined) {
      await use(null);
      return;
    }
    const clock = await createClock(request, clockAt === 'now' ? undefined : clockAt);
    await use(clock);
    await removeClock(request, clock.id);
  },

  clock: async ({ optionalClock }, use) => {
    if (!optionalClock)
      throw new Error("This test asks for a clock: set test.use({ clockAt: '2026-11-16T10:00:00Z' }) (or 'now').");
    await use(optionalClock);
  },

  makeSubscriber: async ({ request, optionalClock }, use) => {
    const made: number[] = [];
    await use(async (options) => {
      const s = await createSubscriber(request, {
        ...(optionalClock ? { clockId: optionalClock.id } : {}),
        ...options,
      });
      made.push(s.subscriberId);
      return s;
    });
    for (const id of made) await removeSubscriber(request, id);
  },

  subscriber: async ({ request, context, subscriberOptions, optionalClock }, use) => {
    const s = await createSubscriber(request, {
      ...(optionalClock ? { clockId: optionalClock.id } : {}),
      ...subscriberOptions,
    });
    await signInContext(context, s.email, s.password);
    await use(s);
    await removeSubscriber(request, s.subscriberId);
  },
});

/** The server's address, for hooks that run outside a test (beforeAll): playwright.config.ts sets E2E_PORT. */
export const BASE_URL = `http://localhost:${process.env.E2E_PORT}`;
