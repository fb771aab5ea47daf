'use client';
import { useActionState } from 'react';
import { retryDeliveryAction, setOfferEmailsAction } from '@/app/_actions/deliveries';
import type { ActionState } from '@/lib/server/action';
import { StatusMessage } from './status-message';

const idle: ActionState = { status: 'idle', message: '' };

export function RetryDeliveryButton({ deliveryId }: { deliveryId: number }) {
  const [state, action, pending] = useActionState(retryDeliveryAction, idle);
  return (
    <form action={action} className="flex flex-col gap-1">
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <button
        type="submit"
        className="btn-secondary"
        disabled={pending || state.status === 'success'}
        aria-label={`Retry delivery ${deliveryId}`}
      >
        Retry
      </button>
      <StatusMessage state={state} testId={`retry-message-${deliveryId}`} />
    </form>
  );
}

export function OfferEmailsForm({ offerEmails }: { offerEmails: boolean }) {
  const [state, action, pending] = useActionState(setOfferEmailsAction, idle);
  // The page is revalidated by the action, so the prop is the stored choice.
  const current = offerEmails;
  return (
    <form action={action} className="card space-y-3" data-testid="offer-emails-form">
      <input type="hidden" name="offerEmails" value={current ? 'off' : 'on'} />
      <p data-testid="offer-emails-state">
        Offer emails are <strong>{current ? 'on' : 'off'}</strong>.
      </p>
      <button type="submit" className="btn-primary" disabled={pending}>
        {current ? 'Stop offer emails' : 'Send me offer emails'}
      </button>
      <StatusMessage state={state} testId="offer-emails-message" />
    </form>
  );
}
