'use client';
import { useState } from 'react';
import type { ChangeIntent } from '@/lib/domain/changes';
import type { Configuration } from '@/lib/domain/types';
import { useConfirmFlow } from './change-flow';
import { StatusMessage } from './status-message';
import { StepUpField } from './step-up-field';

export function ConfirmChange(props: {
  subscriberId: number;
  /** What was asked for; the confirm plans it again against the account as it is then. */
  intent: ChangeIntent;
  /** What the preview was planned from, and when (for the words of a stale confirm). */
  basis: Configuration;
  previewedAt: string;
  version: number;
  idempotencyKey: string;
  applyNow: boolean;
  offerKey: string | null;
  staff: boolean;
  base: string;
  scheduled: boolean;
  freshPreviewHref: string;
  /** Where to check whether a change went through when the confirm got no answer. */
  historyHref: string;
}) {
  // The confirm's state lives in ChangeFlow (its success view replaces the whole preview).
  const { state, action, pending } = useConfirmFlow();
  // Controlled, so a stale or refused confirm keeps what the agent typed (a form action resets
  // uncontrolled fields once it returns).
  const [reason, setReason] = useState('');
  const reasonError = state.status === 'error' ? state.fieldErrors?.reason : undefined;
  return (
    <form action={action} className="space-y-3" data-testid="confirm-form">
      <input type="hidden" name="subscriberId" value={props.subscriberId} />
      {props.intent.plan && <input type="hidden" name="plan" value={props.intent.plan} />}
      <input type="hidden" name="add" value={props.intent.add.join(',')} />
      <input type="hidden" name="remove" value={props.intent.remove.join(',')} />
      <input type="hidden" name="basisPlan" value={props.basis.planCode} />
      <input type="hidden" name="basisAddOns" value={props.basis.addOns.join(',')} />
      <input type="hidden" name="previewedAt" value={props.previewedAt} />
      <input type="hidden" name="version" value={props.version} />
      <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
      <input type="hidden" name="applyNow" value={props.applyNow ? 'true' : 'false'} />
      {props.offerKey && <input type="hidden" name="offerKey" value={props.offerKey} />}
      {props.staff && (
        <div>
          <label htmlFor="reason" className="label">
            Reason (required): shown to the subscriber in their change history, and kept in the audit trail
          </label>
          <textarea
            id="reason"
            name="reason"
            className="field"
            rows={2}
            required
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? 'reason-error' : undefined}
          />
          {reasonError && (
            <p id="reason-error" role="alert" className="mt-1 text-sm text-red-800" data-testid="reason-error">
              {reasonError.join(' ')}
            </p>
          )}
        </div>
      )}
      <StepUpField show={state.status === 'error' && state.code === 'step_up_required'} />
      {/* A refused reason is said once, at the field (issue 15: a blank reason showed two errors). */}
      {!reasonError && <StatusMessage state={state} testId="confirm-message" />}
      {state.status === 'error' && state.code === 'unreachable' && (
        <p>
          <a href={props.historyHref} className="font-semibold">
            Check the change history
          </a>
        </p>
      )}
      {state.status === 'error' && state.code === 'stale' && (
        <p>
          <a href={props.freshPreviewHref} className="font-semibold">
            See the fresh preview
          </a>
        </p>
      )}
      <button type="submit" className="btn-primary" disabled={pending} aria-disabled={pending}>
        {pending ? 'Confirming…' : props.scheduled ? 'Confirm and schedule' : 'Confirm change'}
      </button>
    </form>
  );
}
