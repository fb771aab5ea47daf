import 'server-only';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { jobsConfig } from '@/lib/config';
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

/** Registers a listener (the hubs' POST …/hub will call this). */
export async function registerListener(db: Queryable, l: NewListener): Promise<number> {
  const url = new URL(l.callbackUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('A callback URL must be http or https.');
  if (l.secret.length < 16) throw new Error('A listener secret has at least 16 characters.');
  const [row] = await db
    .insert(s.webhookListeners)
    .values({ callbackUrl: url.toString(), secret: l.secret, eventTypes: l.eventTypes ?? null })
    .returning({ id: s.webhookListeners.id });
  return row!.id;
}

/** The transport: POST, signed, with a timeout. Throws on anything but 2xx. */
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
    // A hub listener signs with its API client's current key (it follows "New secret").
    const listener = { url: row.url, secret: row.clientSecretHash ?? row.secret };
    const body = webhookBody(d);
    let res: Response;
    try {
      res = await fetch(listener.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signBody(listener.secret, body),
          [WEBHOOK_EVENT_ID_HEADER]: d.event.key,
          'X-Switchboard-Event-Type': d.event.type,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(jobsConfig().webhookTimeoutMs),
      });
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      throw new Error(
        name === 'TimeoutError'
          ? `no answer within ${jobsConfig().webhookTimeoutMs} ms`
          : `could not reach the listener: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`,
      );
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299) throw new Error(`the listener answered ${res.status}`);
  };
}
