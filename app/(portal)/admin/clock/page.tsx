import type { Metadata } from 'next';
import { ClockForm } from '@/app/_components/clock-form';
import { formatMoment } from '@/app/_components/format';
import { orNotFound, requirePageActor } from '@/app/_lib/page';
import { readClock } from '@/lib/server/clock-admin';

export const metadata: Metadata = { title: 'Test clock' };

export default async function ClockPage() {
  const actor = await requirePageActor('read_test_clock', '/login?callbackUrl=/admin/clock');
  const clock = await orNotFound(() => readClock(actor));
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Test clock</h1>
      {!clock.enabled ? (
        <p data-testid="clock-disabled">The test clock is off in production: the portal uses the real time.</p>
      ) : (
        <>
          <p className="mb-1">
            The portal&apos;s clock reads{' '}
            <strong data-testid="clock-now" data-iso={clock.now}>
              {formatMoment(clock.now)}
            </strong>
            {clock.offsetMs !== 0
              ? ` (${(clock.offsetMs / 86_400_000).toFixed(2)} days from real time)`
              : ' (real time)'}
            .
          </p>
          <p className="muted mb-4 text-sm">
            Every app instance reads the same clock. Moving it past a period end lets the next visit (or{' '}
            <code className="rounded bg-slate-100 px-1">npm run billing:rollover</code>) close the period.
          </p>
          <ClockForm />
        </>
      )}
    </>
  );
}
