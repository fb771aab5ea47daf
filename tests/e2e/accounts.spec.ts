import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { caughtMail, expectNoAxeViolations, signIn, signOut, totpCode } from './helpers';

/**
 * Issue 21, end to end with the suite's SMTP server: activation and password reset by a
 * one-time link read from the caught mail, and a staff member's first sign-in (enrolment,
 * recovery codes). Uses only accounts no other e2e file touches: Ivy Okafor (the demo subscriber
 * without online access, SB-100009) and Robin Park (the demo agent who has not enrolled); each
 * test first puts its account in a known state itself, so order and re-runs don't matter, and the
 * file runs in the parallel project (the fixture module's `test`, without a fixture subscriber).
 */

const LINK = /\/set-password\?token=[A-Za-z0-9_-]+/;

// Run first on a fresh database, the first answer waits for the demo seed (half a minute on a busy machine).
test.setTimeout(180_000);

/** The link of the newest mail to `to` with this subject, waiting for the outbox to send it. */
async function linkFromMail(to: string, subject: string, after: number): Promise<string> {
  let link: string | undefined;
  await expect(async () => {
    const mails = (await caughtMail(to)).filter((m) => m.subject === subject);
    expect(mails.length).toBeGreaterThan(after);
    link = mails.at(-1)!.text.match(LINK)?.[0];
    expect(link).toBeTruthy();
  }).toPass({ timeout: 45_000 });
  return link!;
}

const mailCount = async (to: string, subject: string) =>
  (await caughtMail(to)).filter((m) => m.subject === subject).length;

async function choosePassword(page: Page, password: string) {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(password);
  await page.getByRole('button', { name: 'Set password' }).click();
}

test('Ivy activates online access and later resets her password, each from the link in the email', async ({ page }) => {
  const SENT = /If those details match an account, we have sent an email/;
  // An unknown email gets the very same answer.
  await page.goto('/activate');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Activate online access');
  await page.getByLabel('Account number').fill('SB-100009');
  await page.getByLabel('Email address on file').fill('not-ivy@example.com');
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByTestId('activation-message')).toHaveText(SENT, { timeout: 90_000 });
  await expectNoAxeViolations(page);

  const before = await mailCount('ivy@example.com', 'Set up your online access');
  await page.goto('/activate');
  await page.getByLabel('Account number').fill('SB-100009');
  await page.getByLabel('Email address on file').fill('ivy@example.com');
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByTestId('activation-message')).toHaveText(SENT);
  const link = await linkFromMail('ivy@example.com', 'Set up your online access', before);

  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose your password');
  await expectNoAxeViolations(page);
  // A common password is refused with a clear message; the link still works afterwards.
  await choosePassword(page, 'password1234');
  await expect(page.getByTestId('set-password-message')).toContainText(
    'That password is on a list of commonly used passwords',
  );
  await choosePassword(page, 'ivy keeps a quiet lighthouse');
  await page.waitForURL(/\/dashboard/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Ivy');
  await signOut(page);

  // The link worked once.
  await page.goto(link);
  await expect(page.getByTestId('link-invalid')).toContainText('This link has expired or has already been used');

  // Forgot password: the same way, by the sign-in email.
  const resets = await mailCount('ivy@example.com', 'Reset your password');
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  // The sign-in page has an "Email" field too: wait for the new page before filling it in.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Forgot your password?');
  await page.getByLabel('Email').fill('ivy@example.com');
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByTestId('forgot-message')).toHaveText(SENT);
  const reset = await linkFromMail('ivy@example.com', 'Reset your password', resets);
  await page.goto(reset);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose a new password');
  await choosePassword(page, 'ivy found a brighter lighthouse');
  await page.waitForURL(/\/dashboard/);
  await signOut(page);
  await signIn(page, 'ivy@example.com', 'ivy found a brighter lighthouse');
  await expect(page).toHaveURL(/\/dashboard/);
});

test('a staff member enrols at first sign-in, and a recovery code works once', async ({ page }) => {
  // The admin resets Robin's second factor first, so Robin enrols on this run whatever ran before.
  await signIn(page, 'admin@example.com');
  await page.goto('/admin/staff');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff');
  const robin = page.locator('[data-testid="staff-member"][data-email="robin@example.com"]');
  await robin.getByRole('button', { name: 'Reset second factor of Robin Park' }).click();
  await expect(robin.getByTestId('reset-second-factor-message')).toContainText("Robin Park's second factor is reset");
  await expectNoAxeViolations(page);
  await signOut(page);

  await page.goto('/login');
  await page.getByLabel('Email').fill('robin@example.com');
  await page.getByLabel('Password').fill('switchboard-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('enrollment')).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code of your authenticator secret' })).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  const recovery = (await page.getByTestId('recovery-code').allTextContents()).map((c) => c.trim());
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(recovery).toHaveLength(10);
  await expectNoAxeViolations(page);
  await page.getByLabel('Authenticator code').fill('000000');
  await page.getByRole('button', { name: 'Confirm and sign in' }).click();
  await expect(page.getByTestId('login-error')).toContainText('That code is not right');
  await page.getByLabel('Authenticator code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Confirm and sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await signOut(page);

  // The app's code from now on; a recovery code instead, once.
  await signIn(page, 'robin@example.com', 'switchboard-demo', () => totpCode(secret));
  await signOut(page);
  await signIn(page, 'robin@example.com', 'switchboard-demo', () => recovery[0]!);
  await signOut(page);
  await page.goto('/login');
  await page.getByLabel('Email').fill('robin@example.com');
  await page.getByLabel('Password').fill('switchboard-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authenticator code').fill(recovery[0]!);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByTestId('login-error')).toContainText('That code is not right');
  await expect(page).toHaveURL(/\/login/);
});
