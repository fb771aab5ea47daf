import { issueTokenFor, OAuthError } from '@/lib/server/api-clients';
import { log } from '@/lib/server/log';

/**
 * OAuth 2.0 token endpoint, client credentials grant only (RFC 6749 §4.4). The client
 * authenticates with HTTP Basic (client_secret_basic) or with client_id and client_secret in the
 * form body (client_secret_post), never both. Errors follow §5.2.
 */
const MAX_BODY = 4096;
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json;charset=utf-8' };

function oauthError(e: OAuthError): Response {
  const headers: Record<string, string> = { ...NO_STORE };
  // §5.2: a 401 names the scheme the client may use; Basic is the one this endpoint takes in a header.
  if (e.error === 'invalid_client') headers['www-authenticate'] = 'Basic realm="switchboard"';
  return new Response(JSON.stringify({ error: e.error, error_description: e.description }), {
    status: e.status,
    headers,
  });
}

function basicCredentials(header: string): { id: string; secret: string } {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!m) throw new OAuthError('invalid_client', 'The Authorization header is not HTTP Basic.');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) throw new OAuthError('invalid_client', 'HTTP Basic credentials need "client_id:client_secret".');
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    return {
      id: decodeURIComponent(decoded.slice(0, i).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, ' ')),
    };
  } catch {
    throw new OAuthError('invalid_client', 'The HTTP Basic credentials are not valid form-encoded text.');
  }
}

export async function POST(request: Request) {
  const authorization = request.headers.get('authorization');
  try {
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded')
      throw new OAuthError('invalid_request', 'Send the request as application/x-www-form-urlencoded.');
    if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY)
      throw new OAuthError('invalid_request', `The request body is larger than ${MAX_BODY} bytes.`);
    const text = await request.text();
    if (text.length > MAX_BODY)
      throw new OAuthError('invalid_request', `The request body is larger than ${MAX_BODY} bytes.`);
    const form = new URLSearchParams(text);
    for (const key of new Set(form.keys())) {
      if (form.getAll(key).length > 1) throw new OAuthError('invalid_request', `The parameter "${key}" is repeated.`);
    }
    const grant = form.get('grant_type');
    if (!grant) throw new OAuthError('invalid_request', 'grant_type is missing.');
    if (grant !== 'client_credentials')
      throw new OAuthError('unsupported_grant_type', 'Only the client_credentials grant is supported.');
    let id: string;
    let secret: string;
    if (authorization) {
      if (form.has('client_secret'))
        throw new OAuthError(
          'invalid_request',
          'Use one client authentication method: HTTP Basic or client_secret in the body, not both.',
        );
      ({ id, secret } = basicCredentials(authorization));
      if (form.has('client_id') && form.get('client_id') !== id)
        throw new OAuthError('invalid_request', 'client_id in the body differs from the HTTP Basic credentials.');
    } else {
      const bodyId = form.get('client_id');
      const bodySecret = form.get('client_secret');
      if (!bodyId || !bodySecret)
        throw new OAuthError(
          'invalid_client',
          'Authenticate the client: HTTP Basic, or client_id and client_secret in the body.',
        );
      id = bodyId;
      secret = bodySecret;
    }
    const scope = form.get('scope') ?? undefined;
    const token = await issueTokenFor({ clientId: id, clientSecret: secret, scope });
    return new Response(JSON.stringify(token), { status: 200, headers: NO_STORE });
  } catch (e) {
    if (e instanceof OAuthError) return oauthError(e);
    log.error('[oauth token] failed', e);
    return new Response(
      JSON.stringify({ error: 'server_error', error_description: 'Something went wrong on our side.' }),
      { status: 500, headers: NO_STORE },
    );
  }
}
