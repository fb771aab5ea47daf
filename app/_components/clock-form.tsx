'use client';
import { useActionState } from 'react';
import { moveClockAction } from '@/app/_actions/clock';
import { idle } from '@/lib/contracts/action-state';
import { StatusMessage } from './status-message';

export function ClockForm() {
  const [state, action, pending] = useActionState(moveClockAction, idle);
  return (
    <div className="space-y-4">
      <form action={action} className="card flex flex-wrap items-end gap-3">
        <input type="hidden" name="op" value="advance" />
        <div>
          <label htmlFor="days" className="label">
            Advance by days
          </label>
          <input id="days" name="days" type="number" min={-3650} max={3650} defaultValue={1} className="field w-32" />
        </div>
        <button type="submit" className="btn-primary" disabled={pending}>
          Advance
        </button>
      </form>
      <form action={action} className="card flex flex-wrap items-end gap-3">
        <input type="hidden" name="op" value="set" />
        <div>
          <label htmlFor="at" className="label">
            Set to (ISO date and time, UTC)
          </label>
          <input id="at" name="at" placeholder="2026-12-01T09:00:00Z" className="field w-72" />
        </div>
        <button type="submit" className="btn-primary" disabled={pending}>
          Set
        </button>
      </form>
      <form action={action}>
        <input type="hidden" name="op" value="reset" />
        <button type="submit" className="btn-secondary" disabled={pending}>
          Back to real time
        </button>
      </form>
      <StatusMessage state={state} testId="clock-message" />
    </div>
  );
}
