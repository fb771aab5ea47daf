import type { Metadata } from 'next';
import { formatMoment } from '@/app/_components/format';
import { API_SCOPES } from '@/lib/api-scopes';
import { requirePageActor } from '@/app/_lib/page';
import { listApiClientsFor } from '@/lib/server/api-clients';
import { ApiClientRowActions, CreateApiClientForm } from '@/app/_components/api-client-forms';

export const metadata: Metadata = { title: 'API clients' };

export default async function ApiClientsPage() {
  const actor = await requirePageActor('api_client.list', '/login?callbackUrl=/admin/api-clients');
  const clients = await listApiClientsFor(actor);
  const scopes = Object.entries(API_SCOPES).map(([scope, description]) => ({ scope, description }));
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">API clients</h1>
      <p className="muted mb-4 text-sm">
        Systems that call the TM Forum Open APIs (<code>/tmf-api/…</code>). Each gets a client id and a secret,
        exchanges them for a 15-minute token at <code>/api/oauth/token</code>, and may call only what its scopes allow.
      </p>
      <h2 className="mb-2 text-lg font-semibold">New client</h2>
      <CreateApiClientForm scopes={scopes} />
      <h2 className="mt-6 mb-2 text-lg font-semibold">Clients</h2>
      {clients.length === 0 ? (
        <p data-testid="api-clients-none">No API clients yet.</p>
      ) : (
        <ul className="space-y-3" data-testid="api-clients">
          {clients.map((c) => (
            <li
              key={c.clientId}
              className="card space-y-2"
              data-testid="api-client"
              data-client-id={c.clientId}
              data-status={c.revokedAt ? 'revoked' : 'active'}
            >
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <span className="font-semibold">{c.name}</span>
                <span className="font-mono text-sm">{c.clientId}</span>
              </div>
              <p className="text-sm">
                Scopes: <span className="font-mono">{c.scopes.join(', ')}</span>
              </p>
              <p className="muted text-sm">
                Created {formatMoment(c.createdAt)}
                {c.rotatedAt ? ` · secret renewed ${c.rotatedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}
                {c.revokedAt ? ` · revoked ${c.revokedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}
              </p>
              {!c.revokedAt && <ApiClientRowActions clientId={c.clientId} name={c.name} />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
