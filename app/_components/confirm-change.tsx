'use client';
import { AppLink } from '@/app/_components/app-link';
import { useActionState } from 'react';
import { confirmChangeAction } from '@/app/_actions/changes';
import { idle } from '@/lib/contracts/action-state';
import type { ChangeIntent } from '@/lib/domain/changes';
import type { Configuration } from '@/lib/domain/types';
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
}) {
  const [state, action, pending] = useActionState(confirmChangeAction, idle);
  const done = state.status === 'success';
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
            Reason (required; recorded in the audit trail)
          </label>
          <textarea
            id="reason"
            name="reason"
            className="field"
            rows={2}
            required
            maxLength={500}
            aria-invalid={state.fieldErrors?.reason ? true : undefined}
            aria-describedby={state.fieldErrors?.reason ? 'reason-error' : undefined}
          />
          {state.fieldErrors?.reason && (
            <p id="reason-error" className="mt-1 text-sm text-red-800">
              {state.fieldErrors.reason.join(' ')}
            </p>
          )}
        </div>
      )}
      <StepUpField show={state.status === 'error' && state.code === 'step_up_required'} />
      <StatusMessage state={state} testId="confirm-message" />
      {state.status === 'error' && state.code === 'stale' && (
        <p>
          <a href={props.freshPreviewHref} className="font-semibold">
            See the fresh preview
          </a>
        </p>
      )}
      {done ? (
        <p>
          <AppLink href={props.base || '/dashboard'} className="font-semibold">
            Back to the overview
          </AppLink>
        </p>
      ) : (
        <button type="submit" className="btn-primary" disabled={pending} aria-disabled={pending}>
          {pending ? 'Confirming…' : props.scheduled ? 'Confirm and schedule' : 'Confirm change'}
        </button>
      )}
    </form>
  );
}
