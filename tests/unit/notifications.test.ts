/** The notification rules (lib/domain/notifications.ts): backoff, giving up, reminders. */
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  emailFailure,
  isServiceMessage,
  planFanOut,
  reminderDue,
  webhookFailure,
} from '@/lib/domain/notifications';

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

describe('fan-out (planFanOut: the one rule of recordEvent and recordEvents)', () => {
  const who = { name: 'Ada', email: 'ada@example.com', offerEmails: false };
  const all = { id: 1, url: 'https://hooks.example/all', types: null };
  const orders = { id: 2, url: 'https://hooks.example/orders', types: ['ProductOrderCreateEvent'] };
  const kinds = (p: ReturnType<typeof planFanOut>) => p?.deliveries.map((d) => `${d.channel}:${d.recipient}`) ?? null;
  it('a service message: the subscriber by email, every listener that wants the type by webhook', () => {
    const p = planFanOut({ type: 'change_applied', subscriberId: 7, payload: { a: 1 } }, who, [all, orders]);
    expect(kinds(p)).toEqual(['email:ada@example.com', 'webhook:https://hooks.example/all']);
    expect(p!.payload).toEqual({ subscriberName: 'Ada', a: 1 });
    expect(p!.deliveries[1]).toMatchObject({ stream: 'webhook:1:7', listenerId: 1 });
  });
  it('an offer needs consent', () => {
    expect(kinds(planFanOut({ type: 'offer_suggested', subscriberId: 7, payload: {} }, who, []))).toEqual([]);
    expect(
      kinds(planFanOut({ type: 'offer_suggested', subscriberId: 7, payload: {} }, { ...who, offerEmails: true }, [])),
    ).toEqual(['email:ada@example.com']);
  });
  it('an account link is email only; emailTo picks the recipient, or none', () => {
    expect(kinds(planFanOut({ type: 'account_link', subscriberId: 7, payload: {} }, who, [all]))).toEqual([
      'email:ada@example.com',
    ]);
    const staff = planFanOut({ type: 'account_link', subscriberId: null, payload: {}, emailTo: 's@x.org' }, undefined, [
      all,
    ]);
    expect(staff!.deliveries).toEqual([{ channel: 'email', stream: 'email:to:s@x.org', recipient: 's@x.org' }]);
    expect(kinds(planFanOut({ type: 'change_applied', subscriberId: 7, payload: {}, emailTo: null }, who, []))).toEqual(
      [],
    );
  });
  it('a TM Forum event: webhooks only, as built, and nothing at all without a listener that wants it', () => {
    const ev = { type: 'ProductOrderStateChangeEvent', subscriberId: 7, payload: { productOrder: {} } } as const;
    expect(planFanOut(ev, { ...who, offerEmails: true }, [orders])).toBeNull();
    const p = planFanOut(ev, { ...who, offerEmails: true }, [all, orders]);
    expect(kinds(p)).toEqual(['webhook:https://hooks.example/all']);
    expect(p!.payload).toEqual({ productOrder: {} });
  });
});
