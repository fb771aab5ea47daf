/** The notification rules (lib/domain/notifications.ts): backoff, giving up, reminders. */
import { describe, expect, it } from 'vitest';
import { backoffMs, emailFailure, isServiceMessage, reminderDue, webhookFailure } from '@/lib/domain/notifications';

describe('backoff', () => {
  it('doubles from the base after each failed attempt, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, 30_000, 3_600_000))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000,
    ]);
    expect(backoffMs(500, 30_000, 3_600_000)).toBe(3_600_000);
    expect(backoffMs(0, 100, 1_000)).toBe(100);
  });
  it('an email is retried until the last allowed attempt, then held as dead', () => {
    expect(emailFailure(1, 3, 10, 100)).toEqual({ kind: 'retry', delayMs: 10 });
    expect(emailFailure(2, 3, 10, 100)).toEqual({ kind: 'retry', delayMs: 20 });
    expect(emailFailure(3, 3, 10, 100)).toMatchObject({ kind: 'dead' });
  });
  it('a webhook is retried until its listener has failed for the whole limit', () => {
    const day = 86_400_000;
    expect(webhookFailure(day - 1, 40, day, 10, 100)).toEqual({ kind: 'retry', delayMs: 100 });
    expect(webhookFailure(day, 2, day, 10, 100)).toMatchObject({ kind: 'dead' });
  });
});

describe('messages', () => {
  it('offer emails are the only ones that need consent', () => {
    expect(isServiceMessage('offer_suggested')).toBe(false);
    for (const t of [
      'change_applied',
      'change_scheduled',
      'scheduled_change_cancelled',
      'scheduled_change_applied',
      'scheduled_change_reminder',
      'bill_issued',
    ] as const)
      expect(isServiceMessage(t)).toBe(true);
  });
  it('the reminder is due from 3 days before the effective date, for a change scheduled before that', () => {
    expect(reminderDue('2026-12-01', '2026-11-10', '2026-11-27')).toBe(false);
    expect(reminderDue('2026-12-01', '2026-11-10', '2026-11-28')).toBe(true);
    expect(reminderDue('2026-12-01', '2026-11-10', '2026-11-30')).toBe(true);
    expect(reminderDue('2026-12-01', '2026-11-10', '2026-12-01')).toBe(false);
    // Scheduled inside the window: the confirmation email just said it.
    expect(reminderDue('2026-12-01', '2026-11-29', '2026-11-30')).toBe(false);
  });
});
