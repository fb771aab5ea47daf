'use client';
import { useActionState } from 'react';
import { cancelScheduledAction } from '@/app/_actions/changes';
import { idle } from '@/lib/contracts/action-state';
import { StatusMessage } from './status-message';

/** The scheduled-change card; once cancelled it says so in place of the change. */
export function ScheduledChangeCard({
  subscriberId,
  scheduledChangeId,
  staff,
  children,
}: {
  subscriberId: number;
  /** Null once there is no scheduled change (after a cancel, the page refreshed). */
  scheduledChangeId: number | null;
  staff: boolean;
  children?: React.ReactNode;
}) {
  const [state, action, pending] = useActionState(cancelScheduledAction, idle);
  const done = state.status === 'success';
  if (scheduledChangeId === null && !done) return null;
  return (
    <section
      aria-labelledby="pending-heading"
      className="card border-amber-300 bg-amber-50"
      data-testid="scheduled-change"
    >
      <h2 id="pending-heading" className="text-lg font-semibold">
        {done ? 'Scheduled change cancelled' : 'Scheduled change'}
      </h2>
      {!done && children}
      <form action={action} className="mt-3 space-y-2">
        <input type="hidden" name="subscriberId" value={subscriberId} />
        <input type="hidden" name="scheduledChangeId" value={scheduledChangeId ?? ''} />
        {staff && !done && (
          <div>
            <label htmlFor="cancel-reason" className="label">
              Reason (shown to the subscriber in their history, and kept in the audit trail)
            </label>
            <input id="cancel-reason" name="reason" className="field" required maxLength={500} />
          </div>
        )}
        {!done && (
          <button type="submit" className="btn-danger" disabled={pending}>
            {pending ? 'Cancelling…' : 'Cancel this change'}
          </button>
        )}
        <StatusMessage state={state} testId="cancel-message" />
      </form>
    </section>
  );
}
