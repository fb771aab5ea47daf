'use client';
import { useActionState } from 'react';
import { addNoteAction } from '@/app/_actions/notes';
import { idle } from '@/lib/contracts/action-state';
import { StatusMessage } from './status-message';

/** Adds a note to an account (agents and admins; the server checks). */
export function AgentNoteForm({ subscriberId, maxLength }: { subscriberId: number; maxLength: number }) {
  const [state, action, pending] = useActionState(addNoteAction, idle);
  const error = state.fieldErrors?.body;
  return (
    <form action={action} className="space-y-3" data-testid="note-form">
      <input type="hidden" name="subscriberId" value={subscriberId} />
      <div>
        <label htmlFor="note-body" className="label">
          New note
        </label>
        <textarea
          id="note-body"
          name="body"
          className="field"
          rows={3}
          required
          maxLength={maxLength}
          aria-describedby={error ? 'note-hint note-error' : 'note-hint'}
          aria-invalid={error ? true : undefined}
        />
        <p id="note-hint" className="muted mt-1 text-xs">
          Up to {maxLength} characters. Notes are kept with the account and can&apos;t be edited.
        </p>
        {error && (
          <p id="note-error" className="mt-1 text-sm text-red-800">
            {error.join(' ')}
          </p>
        )}
      </div>
      <StatusMessage state={state} testId="note-message" />
      <button type="submit" className="btn-primary" disabled={pending} aria-disabled={pending}>
        {pending ? 'Adding…' : 'Add note'}
      </button>
    </form>
  );
}
