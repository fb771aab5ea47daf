import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../db/demo-totp';

export const PASSWORD = 'switchboard-demo';

/** The current code of a TOTP secret (base32), as an authenticator app shows it. */
export function totpCode(secret = DEMO_TOTP_SECRET): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
}

/**
 * Signs in and waits until the app has left the login page. Staff (issue 21) are then asked for
 * their authenticator code: answered with the demo staff's secret (README), or `code` when given.
 */
export async function signIn(page: Page, email: string, password = PASSWORD, code?: () => string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const codeField = page.getByLabel('Authenticator code');
  await expect(async () => {
    const left = !new URL(page.url()).pathname.startsWith('/login');
    expect(left || (await codeField.isVisible())).toBe(true);
  }).toPass({ timeout: 90_000 });
  if (new URL(page.url()).pathname.startsWith('/login')) {
    await codeField.fill(code ? code() : totpCode());
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
  }
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Submits the login form expecting a refusal (stays on the login page). */
export async function failSignIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** No axe violations (WCAG 2.x A/AA rules and best practices). */
export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary).toEqual([]);
}

/** A message the portal sent, as the suite's SMTP server caught it (tests/e2e/support/mail-catcher.ts). */
export interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  eventId?: string;
  attachments: { filename: string; contentType: string; size: number }[];
}

export async function caughtMail(to?: string): Promise<CaughtMail[]> {
  const res = await fetch(`http://127.0.0.1:${process.env.E2E_MAIL_PORT}/messages`);
  const all = (await res.json()) as CaughtMail[];
  return to ? all.filter((m) => m.to.includes(to)) : all;
}
