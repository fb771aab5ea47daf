'use client';
import { useActionState } from 'react';
import { changeBillStateAction } from '@/app/_actions/bills';
import { idle } from '@/lib/contracts/action-state';
import { StatusMessage } from './status-message';

/** Support staff change a bill's state with a reason (the server checks role, transition and reason). */
export function BillStateForm({
  subscriberId,
  billNumber,
  options,
}: {
  subscriberId: number;
  billNumber: number;
  /** The states this bill may move to, with their labels. */
  options: { value: string; label: string }[];
}) {
  const [state, action, pending] = useActionState(changeBillStateAction, idle);
  if (options.length === 0) return null;
  const id = `bill-${billNumber}`;
  return (
    <form action={action} className="mt-3 flex flex-wrap items-end gap-2" data-testid="bill-state-form">
      <input type="hidden" name="subscriberId" value={subscriberId} />
      <input type="hidden" name="billNumber" value={billNumber} />
      <div>
        <label htmlFor={`${id}-state`} className="label">
          New state
        </label>
        <select id={`${id}-state`} name="state" className="field">
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <div className="grow">
        <label htmlFor={`${id}-reason`} className="label">
          Reason
        </label>
        <input id={`${id}-reason`} name="reason" className="field" required maxLength={500} />
      </div>
      <button type="submit" className="btn-secondary" disabled={pending} aria-disabled={pending}>
        {pending ? 'Saving…' : 'Change state'}
      </button>
      <div className="basis-full">
        <StatusMessage state={state} testId="bill-state-message" />
      </div>
    </form>
  );
}
