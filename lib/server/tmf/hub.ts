import 'server-only';
import { and, eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import { hubEventTypes, type TmfHubApi } from '@/lib/domain/notifications';
import { recordAudit } from '../audit';
import { checkCallbackTarget } from '../callbacks';
import { clientAudit, readBody, TmfError, tmfJson, type TmfContext } from './http';
import { validateBody, type TmfApiName } from './validate';

/**
 * The event hubs of TMF622, 635, 637 and 678 (`POST …/hub`, `DELETE …/hub/{id}`): an API client
 * registers a callback URL for the API's events (all of them, or those its `query` names:
 * "eventType=ProductOrderStateChangeEvent"). The listener is a webhook listener of the outbox
 * (lib/server/webhooks.ts): each event is POSTed to the callback, signed with the HMAC-SHA256
 * of the body keyed by the SHA-256 (hex) of the client's secret. Only the client that registered
 * a listener sees or removes it; a hub id is the listener's id.
 */

const DOCUMENT: Record<TmfHubApi, TmfApiName> = {
  tmf622: 'TMF622',
  tmf635: 'TMF622',
  tmf637: 'TMF637',
  tmf678: 'TMF678',
};

/**
 * The callback's form, and the SSRF guard (lib/server/callbacks.ts): unless private callbacks
 * are allowed, its host must be, and resolve only to, public addresses. A 400 names the reason.
 */
async function checkHubCallback(raw: string): Promise<string> {
  const checked = await checkCallbackTarget(raw);
  if (!checked.ok) throw new TmfError(400, 'invalid_field', 'Invalid field', checked.reason, 'callback');
  return checked.url;
}

function hubDoc(row: { id: number; callbackUrl: string; query: string | null }) {
  return { id: String(row.id), callback: row.callbackUrl, query: row.query ?? '', '@type': 'EventSubscription' };
}

/** POST …/hub: 201 with the EventSubscription {id, callback, query}. */
export async function registerHub(ctx: TmfContext, api: TmfHubApi): Promise<Response> {
  const body = validateBody<{ callback: string; query?: string }>(
    DOCUMENT[api],
    'EventSubscriptionInput',
    await readBody(ctx.request),
  );
  const callback = await checkHubCallback(body.callback);
  const query = body.query?.trim() || null;
  const types = hubEventTypes(api, query);
  if (typeof types === 'string') throw new TmfError(400, 'invalid_field', 'Invalid field', types, 'query');
  const row = await ctx.db.transaction(async (tx) => {
    const client = (
      await tx
        .select({ secretHash: s.apiClients.secretHash })
        .from(s.apiClients)
        .where(eq(s.apiClients.id, ctx.client.clientId))
    )[0];
    if (!client) throw new TmfError(401, 'invalid_token', 'Unauthorized', 'This client no longer exists.');
    const [inserted] = await tx
      .insert(s.webhookListeners)
      .values({
        callbackUrl: callback,
        // The transport reads the client's current key; this copy is what it was at registration.
        secret: client.secretHash,
        eventTypes: types,
        clientId: ctx.client.clientId,
        api,
        query,
      })
      .returning({ id: s.webhookListeners.id, callbackUrl: s.webhookListeners.callbackUrl });
    await recordAudit(
      tx,
      clientAudit(ctx.client, `${api}.hub.create`, {
        after: { id: inserted!.id, callback, query, eventTypes: types },
      }),
    );
    return { ...inserted!, query };
  });
  const doc = hubDoc(row);
  return tmfJson(doc, 201, { location: `${ctx.base}/hub/${row.id}` });
}

const HUB_ID = /^[1-9][0-9]{0,9}$/;

/** DELETE …/hub/{id}: 204; a listener of another client (or another API's hub) is "not found". */
export async function unregisterHub(ctx: TmfContext, api: TmfHubApi, rawId: string): Promise<Response> {
  const id = HUB_ID.test(rawId) && Number(rawId) <= 2_147_483_647 ? Number(rawId) : null;
  const notFound = new TmfError(404, 'not_found', 'Not found', `No hub listener of this client has the id "${rawId}".`);
  if (id === null) throw notFound;
  await ctx.db.transaction(async (tx) => {
    const gone = await tx
      .update(s.webhookListeners)
      .set({ enabled: false, disabledAt: new Date() })
      .where(
        and(
          eq(s.webhookListeners.id, id),
          eq(s.webhookListeners.clientId, ctx.client.clientId),
          eq(s.webhookListeners.api, api),
          eq(s.webhookListeners.enabled, true),
        ),
      )
      .returning({ id: s.webhookListeners.id });
    if (gone.length === 0) throw notFound;
    await recordAudit(tx, clientAudit(ctx.client, `${api}.hub.delete`, { before: { id } }));
  });
  return tmfJson(null, 204);
}
