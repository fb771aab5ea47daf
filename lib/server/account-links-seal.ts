import 'server-only';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { config } from '@/lib/config';

/**
 * A one-time link's token travels through the outbox (the email is rendered at delivery), but
 * the database must not hold it in the clear: the account_tokens row keeps only its sha256, and
 * the outbox payload keeps it sealed with AES-256-GCM under a key derived from the session
 * secret. Whoever reads the outbox tables (an admin's delivery view, a backup) can't use it.
 */
function key(): Buffer {
  return Buffer.from(hkdfSync('sha256', config().authSecret, 'switchboard', 'account-link-token', 32));
}

export function sealLinkToken(token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

export function unsealLinkToken(sealed: string): string {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !body) throw new Error('account link: not a sealed token');
  const decipher = createDecipheriv('aes-256-gcm', key(), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}
