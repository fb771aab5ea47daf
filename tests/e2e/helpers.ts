import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'switchboard-demo';

/** Signs in and waits until the app has left the login page. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
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
