'use client';
import { useActionState } from 'react';
import { createApiClientAction, revokeApiClientAction, rotateApiClientSecretAction } from '@/app/_actions/api-clients';
import type { ClientCredentials } from '@/lib/contracts/api-clients';
import { idle, type ActionState } from '@/lib/contracts/action-state';
import { StatusMessage } from './status-message';
import { StepUpField } from './step-up-field';

function Credentials({ data }: { data?: ClientCredentials }) {
  if (!data) return null;
  return (
    <dl className="card mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="api-client-credentials">
      <dt className="font-semibold">client_id</dt>
      <dd className="font-mono break-all" data-testid="api-client-id">
        {data.clientId}
      </dd>
      <dt className="font-semibold">client_secret</dt>
      <dd className="font-mono break-all" data-testid="api-client-secret">
        {data.clientSecret}
      </dd>
    </dl>
  );
}

export function CreateApiClientForm({ scopes }: { scopes: { scope: string; description: string }[] }) {
  const [state, action, pending] = useActionState<ActionState<ClientCredentials>, FormData>(
    createApiClientAction,
    idle,
  );
  return (
    <div className="space-y-3">
      <form action={action} className="card space-y-3">
        <div>
          <label htmlFor="api-client-name" className="label">
            Name
          </label>
          <input
            id="api-client-name"
            name="name"
            required
            maxLength={100}
            className="field w-full max-w-md"
            placeholder="CRM"
          />
        </div>
        <fieldset>
          <legend className="label">Scopes</legend>
          <div className="grid gap-1 sm:grid-cols-2">
            {scopes.map((s) => (
              <label key={s.scope} className="flex items-start gap-2 text-sm">
                <input type="checkbox" name="scopes" value={s.scope} className="mt-1" />
                <span>
                  <span className="font-mono">{s.scope}</span> <span className="muted">{s.description}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <StepUpField show={state.status === 'error' && state.code === 'step_up_required'} />
        <button type="submit" className="btn-primary" disabled={pending}>
          Create API client
        </button>
      </form>
      <StatusMessage state={state} testId="api-client-message" />
      {state.status === 'success' && <Credentials data={state.data} />}
    </div>
  );
}

export function ApiClientRowActions({ clientId, name }: { clientId: string; name: string }) {
  const [rotated, rotate, rotating] = useActionState<ActionState<ClientCredentials>, FormData>(
    rotateApiClientSecretAction,
    idle,
  );
  const [revoked, revoke, revoking] = useActionState<ActionState, FormData>(revokeApiClientAction, idle);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={rotate}>
          <input type="hidden" name="clientId" value={clientId} />
          <button type="submit" className="btn-secondary" disabled={rotating}>
            New secret for {name}
          </button>
        </form>
        <form action={revoke}>
          <input type="hidden" name="clientId" value={clientId} />
          <button type="submit" className="btn-secondary" disabled={revoking}>
            Revoke {name}
          </button>
        </form>
      </div>
      <StatusMessage state={rotated} testId="api-client-rotate-message" />
      {rotated.status === 'success' && <Credentials data={rotated.data} />}
      <StatusMessage state={revoked} testId="api-client-revoke-message" />
    </div>
  );
}
