'use client';
import { useActionState, useEffect } from 'react';
import { respondToOfferAction } from '@/app/_actions/offers';
import { idle } from '@/lib/contracts/action-state';
import { useHideOffer } from './offer-shell';
import { StatusMessage } from './status-message';

/** "Not for me" and "Remind me later": a server action; once recorded, the offer gives way to an undo (offer-shell.tsx). */
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
  const hide = useHideOffer();
  useEffect(() => {
    if (state.status === 'success') hide(state.message);
  }, [state, hide]);
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
