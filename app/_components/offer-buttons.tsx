'use client';
import { useActionState } from 'react';
import { respondToOfferAction } from '@/app/_actions/offers';
import { idle } from '@/lib/contracts/action-state';
import { StatusMessage } from './status-message';

/** "Not for me" and "Remind me later": a server action, no full page reload. */
export function OfferButtons({
  subscriberId,
  offerKey,
  title,
}: {
  subscriberId: number;
  offerKey: string;
  title: string;
}) {
  const [state, action, pending] = useActionState(respondToOfferAction, idle);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="subscriberId" value={subscriberId} />
      <input type="hidden" name="offerKey" value={offerKey} />
      <button
        type="submit"
        name="response"
        value="dismissed"
        className="btn-secondary"
        disabled={pending}
        aria-label={`Not for me: ${title}`}
      >
        Not for me
      </button>
      <button
        type="submit"
        name="response"
        value="snoozed"
        className="btn-secondary"
        disabled={pending}
        aria-label={`Remind me later: ${title}`}
      >
        Remind me later
      </button>
      {state.status === 'error' && <StatusMessage state={state} testId="offer-error" />}
    </form>
  );
}
