/**
 * A callback URL a hub or webhook listener is registered with (SSRF guard, docs/security.md):
 * http or https, no credentials, at most 2000 characters; and, unless private callbacks are
 * allowed (config: SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS), a host that is not an IP literal or a
 * name of a non-public address. A host name is resolved by the caller (lib/server/callbacks.ts),
 * which checks each address with `addressProblem`. Pure.
 */
import { type AddressKind, classifyAddress } from './address';

export const MAX_CALLBACK_LENGTH = 2000;

export type CallbackCheck =
  | {
      ok: true;
      /** The URL as the parser normalised it (decimal, octal and hex IPv4 forms become dotted quads). */
      url: string;
      /** The host to connect to, without brackets. */
      host: string;
      /** The host is an IP literal (its kind is already checked); else a name to resolve. */
      literal: boolean;
    }
  | { ok: false; reason: string };

const KIND_TEXT: Record<Exclude<AddressKind, 'public'>, string> = {
  unspecified: 'an unspecified address (0.0.0.0 or ::)',
  loopback: 'a loopback address',
  private: 'a private address',
  shared: 'a shared (carrier-grade NAT) address',
  'link-local': 'a link-local address (169.254.0.0/16, fe80::/10, the cloud metadata service among them)',
  'unique-local': 'a unique-local IPv6 address (fc00::/7)',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

/** What a resolved (or literal) address is when it may not be called back ("a loopback address"), or null when it is public. */
export function nonPublicKind(address: string): string | null {
  const kind = classifyAddress(address);
  if (kind === null) return 'not an IP address';
  return kind === 'public' ? null : KIND_TEXT[kind];
}

/** Why an address may not be called back ("127.0.0.1 is a loopback address"), or null when it is public. */
export function addressProblem(address: string): string | null {
  const kind = nonPublicKind(address);
  return kind ? `${address} is ${kind}` : null;
}

/** Names that are the machine itself whatever DNS says (RFC 6761). */
function isLocalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain';
}

/**
 * Checks a callback's form and, unless `allowPrivate`, its host as far as that is possible
 * without a lookup: an IP literal must be public, and "localhost" names are refused.
 */
export function checkCallback(raw: string, opts: { allowPrivate: boolean }): CallbackCheck {
  if (raw.length > MAX_CALLBACK_LENGTH)
    return { ok: false, reason: `The callback is longer than ${MAX_CALLBACK_LENGTH} characters.` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'The callback must be an absolute URL.' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: 'The callback must be an http or https URL.' };
  if (url.username || url.password) return { ok: false, reason: 'The callback must not carry credentials.' };
  const bracketed = url.hostname.startsWith('[');
  const host = bracketed ? url.hostname.slice(1, -1) : url.hostname;
  if (!host) return { ok: false, reason: 'The callback must name a host.' };
  const literal = classifyAddress(host) !== null;
  if (!opts.allowPrivate) {
    const problem = literal ? addressProblem(host) : isLocalName(host) ? `${host} is a loopback name` : null;
    if (problem) return { ok: false, reason: `The callback's host is not a public address: ${problem}.` };
  }
  return { ok: true, url: url.toString(), host, literal };
}
