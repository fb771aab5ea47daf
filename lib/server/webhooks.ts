import 'server-only';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { jobsConfig } from '@/lib/config';
import { CallbackRefusedError, checkCallbackTarget, deliveryGuard } from './callbacks';
import type { OutgoingDelivery } from './outbox';

/**
 * The webhook transport (for the TM Forum hubs): each event is POSTed as JSON to the
 * listener's callback URL with an HMAC-SHA256 of the exact body under the listener's secret,
 * `X-Switchboard-Signature: sha256=<hex>`, and the event id for de-duplication. Anything but a
 * 2xx answer within the timeout (5 s) is a failure, retried with the outbox's backoff; a
 * listener failing for a day is disabled (lib/domain/notifications.ts webhookFailure).
 *
 * A listener registered through a TMF hub is keyed by its API client's secret: the HMAC key is
 * the SHA-256 (lowercase hex) of the client secret, which the client computes from the secret
 * it holds and which is all the portal keeps of it (`hubSigningKey`).
 */
export const SIGNATURE_HEADER = 'X-Switchboard-Signature';
export const WEBHOOK_EVENT_ID_HEADER = 'X-Switchboard-Event-Id';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The HMAC key of a hub listener, from its API client's secret: SHA-256 of the secret, lowercase hex. */
export function hubSigningKey(clientSecret: string): string {
  return createHash('sha256').update(clientSecret, 'utf8').digest('hex');
}

/** For receivers (and tests): does the signature header match this body? */
export function verifySignature(secret: string, body: string, header: string | null | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The JSON body of an event. */
export function webhookBody(d: OutgoingDelivery): string {
  return JSON.stringify({
    eventId: d.event.key,
    eventType: d.event.type,
    eventTime: d.event.createdAt.toISOString(),
    subscriberId: d.event.subscriberId,
    event: d.event.payload,
  });
}

export interface NewListener {
  callbackUrl: string;
  secret: string;
  /** null: every event type. */
  eventTypes?: string[] | null;
}

/**
 * Registers a listener of the operator's own (the hubs register theirs in tmf/hub.ts). The
 * callback passes the SSRF guard (lib/server/callbacks.ts) or this throws with the reason.
 */
export async function registerListener(db: Queryable, l: NewListener): Promise<number> {
  const checked = await checkCallbackTarget(l.callbackUrl);
  if (!checked.ok) throw new Error(checked.reason);
  if (l.secret.length < 16) throw new Error('A listener secret has at least 16 characters.');
  const [row] = await db
    .insert(s.webhookListeners)
    .values({ callbackUrl: checked.url, secret: l.secret, eventTypes: l.eventTypes ?? null })
    .returning({ id: s.webhookListeners.id });
  return row!.id;
}

/** POSTs the body and answers the status; the whole exchange within `timeoutMs`. No redirect is followed. */
function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  lookup: LookupFunction | undefined,
): Promise<number> {
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // A connection of its own each time: every delivery is looked up (and checked) again.
        agent: false,
        ...(lookup ? { lookup } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      const e = new Error(`no answer within ${timeoutMs} ms`);
      e.name = 'TimeoutError';
      req.destroy(e);
    }, timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}

/**
 * The transport: POST, signed, with a timeout. Throws on anything but 2xx; throws
 * CallbackRefusedError (the delivery is held as dead) when the callback is refused by the SSRF
 * guard (lib/server/callbacks.ts): its host is, or now resolves to, a non-public address.
 */
export function webhookTransport(db: Queryable): (d: OutgoingDelivery) => Promise<void> {
  return async (d) => {
    if (d.listenerId === null) throw new Error('no listener');
    const row = (
      await db
        .select({
          secret: s.webhookListeners.secret,
          url: s.webhookListeners.callbackUrl,
          clientSecretHash: s.apiClients.secretHash,
          clientRevokedAt: s.apiClients.revokedAt,
        })
        .from(s.webhookListeners)
        .leftJoin(s.apiClients, eq(s.apiClients.id, s.webhookListeners.clientId))
        .where(eq(s.webhookListeners.id, d.listenerId))
    )[0];
    if (!row) throw new Error('the listener is gone');
    if (row.clientRevokedAt) throw new Error('the API client that registered the listener is revoked');
    const target = deliveryGuard(row.url);
    // A hub listener signs with its API client's current key (it follows "New secret").
    const secret = row.clientSecretHash ?? row.secret;
    const body = webhookBody(d);
    const timeoutMs = jobsConfig().webhookTimeoutMs;
    let status: number;
    try {
      status = await post(
        target.url,
        {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signBody(secret, body),
          [WEBHOOK_EVENT_ID_HEADER]: d.event.key,
          'X-Switchboard-Event-Type': d.event.type,
        },
        body,
        timeoutMs,
        target.lookup,
      );
    } catch (e) {
      if (e instanceof CallbackRefusedError) throw e;
      const name = e instanceof Error ? e.name : '';
      throw new Error(
        name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : `could not reach the listener: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (status < 200 || status > 299) throw new Error(`the listener answered ${status}`);
  };
}
