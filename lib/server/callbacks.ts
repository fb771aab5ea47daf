import 'server-only';
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { config } from '@/lib/config';
import { type CallbackCheck, checkCallback, nonPublicKind } from '@/lib/domain/network';

/**
 * The SSRF guard of hub and webhook callbacks (docs/security.md). Unless private callbacks are
 * allowed (SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS; by default outside a deployment only), a
 * callback must reach a public address:
 * - at registration (`checkCallbackTarget`): the URL's form, an IP literal's kind, and every
 *   address its host name resolves to (one private address is enough to refuse);
 * - at delivery (`guardedLookup`): the webhook transport connects through a lookup that resolves
 *   the name again and refuses before connecting when any address is not public, so a name that
 *   was public at registration and points at 127.0.0.1 now (DNS rebinding) is not called.
 * The classification is pure (lib/domain/network); the lookup is here, and injectable for tests.
 */

/** The addresses a host name resolves to (as getaddrinfo gives them: /etc/hosts included). */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) =>
  (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

let resolver: Resolver = systemResolver;

/** For tests (no network here): answers host names from a table, or restores the system's with null. */
export function setResolverForTests(r: Resolver | null): void {
  resolver = r ?? systemResolver;
}

/** A callback refused by the guard (at delivery: the delivery is held as dead with this reason). */
export class CallbackRefusedError extends Error {
  readonly code = 'ECALLBACKREFUSED';
}

/** Every address of the host, or the reason to refuse it (`unresolved`: a lookup that failed, which may pass later). */
async function resolvePublic(
  host: string,
  resolve: Resolver,
): Promise<{ ok: true; addresses: string[] } | { ok: false; reason: string; unresolved?: NodeJS.ErrnoException }> {
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return {
      ok: false,
      reason: `its host ${host} does not resolve${err.code ? ` (${err.code})` : ''}`,
      unresolved: err,
    };
  }
  if (addresses.length === 0) {
    const err: NodeJS.ErrnoException = new Error(`no address for ${host}`);
    err.code = 'ENOTFOUND';
    return { ok: false, reason: `its host ${host} does not resolve (ENOTFOUND)`, unresolved: err };
  }
  for (const a of addresses) {
    const kind = nonPublicKind(a);
    if (kind) return { ok: false, reason: `its host ${host} resolves to ${a}, ${kind}` };
  }
  return { ok: true, addresses };
}

/**
 * Checks a callback to register: its form always; unless private callbacks are allowed, that
 * its host is (or resolves only to) public addresses. The reason is a sentence for the client.
 */
export async function checkCallbackTarget(
  raw: string,
  opts: { allowPrivate?: boolean; resolve?: Resolver } = {},
): Promise<CallbackCheck> {
  const allowPrivate = opts.allowPrivate ?? config().allowPrivateCallbacks;
  const checked = checkCallback(raw, { allowPrivate });
  if (!checked.ok || allowPrivate || checked.literal) return checked;
  const resolved = await resolvePublic(checked.host, opts.resolve ?? resolver);
  if (!resolved.ok) return { ok: false, reason: `The callback is refused: ${resolved.reason}.` };
  return checked;
}

/**
 * A `lookup` for http(s).request that resolves with `resolve` and fails with
 * CallbackRefusedError, before any connection, when an address is not public.
 */
export function guardedLookup(resolve: Resolver = resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolvePublic(hostname, resolve).then((r) => {
      if (!r.ok) {
        // A failed lookup is an ordinary failure (retried); a non-public address is a refusal.
        callback(r.unresolved ?? new CallbackRefusedError(`refused: ${r.reason}`), '', 4);
        return;
      }
      const family = (a: string) => (a.includes(':') ? 6 : 4);
      const wanted = r.addresses.filter((a) => !options.family || family(a) === options.family);
      if (wanted.length === 0) {
        const err: NodeJS.ErrnoException = new Error(`no IPv${options.family} address for ${hostname}`);
        err.code = 'ENOTFOUND';
        callback(err, '', 4);
        return;
      }
      if (options.all)
        (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(
          null,
          wanted.map((address) => ({ address, family: family(address) })),
        );
      else callback(null, wanted[0]!, family(wanted[0]!));
    });
  };
}

/**
 * Before a delivery: the callback checked again (the rules may have changed since it was
 * registered, e.g. a deployment that no longer allows private callbacks). Returns the lookup to
 * connect with (undefined: the system's, private callbacks allowed), or throws CallbackRefusedError.
 */
export function deliveryGuard(raw: string): { url: URL; lookup: LookupFunction | undefined } {
  const allowPrivate = config().allowPrivateCallbacks;
  const checked = checkCallback(raw, { allowPrivate });
  if (!checked.ok) throw new CallbackRefusedError(`refused: ${checked.reason}`);
  return { url: new URL(checked.url), lookup: allowPrivate || checked.literal ? undefined : guardedLookup() };
}
