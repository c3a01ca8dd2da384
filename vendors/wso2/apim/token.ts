import { createHash } from 'node:crypto';
import { permanent, transient, SyncError } from '../../../shared/engine/errors.ts';
import type { VendorTls, VendorTransport } from '../../../shared/vendor-http/vendor-http.ts';
import { httpFailure } from '../../../shared/vendor-http/vendor-http.ts';
import type { OAuth2Grant } from './credentials.ts';

/**
 * The scopes of every Publisher call bottom-up sync makes (publisher-api-v4.yaml): search, get, deployments and the
 * definition take `apim:api_view`; import, undeploy-revision and delete take `apim:api_import_export`.
 */
export const PUBLISHER_SCOPES = ['apim:api_view', 'apim:api_import_export'];

/** Without `expires_in`, a token is trusted for an hour, as the gateway does. */
const DEFAULT_LIFETIME_SECONDS = 3600;

export interface TokenEndpoint {
  /** `https://{host}/oauth2/token` */
  url: string;
  tls?: VendorTls;
}

export interface AccessToken {
  value: string;
  /** Minted by this call (not from the cache): a refusal of it cannot be cured by minting another. */
  fresh: boolean;
}

interface Cached {
  value: string;
  renewAt: number;
}

/**
 * Access tokens cached across syncs for as long as the container lives (a Lambda container serves many syncs), until
 * 90 % of their lifetime. Keyed by token URL, client id, grant and username, plus a fingerprint of the client secret and
 * password, so a rotated or mistyped secret never borrows a token minted with another; the key itself is never
 * logged. Concurrent syncs needing the same token share one request.
 */
export class TokenCache {
  private readonly now: () => number;
  private readonly tokens = new Map<string, Cached>();
  private readonly minting = new Map<string, Promise<Cached>>();

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  async token(endpoint: TokenEndpoint, grant: OAuth2Grant, http: VendorTransport): Promise<AccessToken> {
    const key = cacheKey(endpoint, grant);
    const cached = this.tokens.get(key);
    if (cached && this.now() < cached.renewAt) return { value: cached.value, fresh: false };
    let pending = this.minting.get(key);
    if (!pending) {
      pending = mintToken(endpoint, grant, http).then(({ value, expiresIn }) => {
        const entry = { value, renewAt: this.now() + (expiresIn ?? DEFAULT_LIFETIME_SECONDS) * 900 };
        this.tokens.set(key, entry);
        return entry;
      });
      this.minting.set(key, pending);
      void pending.finally(() => this.minting.delete(key)).catch(() => {});
    }
    return { value: (await pending).value, fresh: true };
  }

  /** APIM refused this token (revoked, or expired early): the next call mints another. A newer one is kept. */
  drop(endpoint: TokenEndpoint, grant: OAuth2Grant, value: string): void {
    const key = cacheKey(endpoint, grant);
    if (this.tokens.get(key)?.value === value) this.tokens.delete(key);
  }

  clear(): void {
    this.tokens.clear();
  }
}

/** The container's tokens. */
export const containerTokens = new TokenCache();

function cacheKey(endpoint: TokenEndpoint, grant: OAuth2Grant): string {
  const fingerprint = createHash('sha256')
    .update(grant.clientSecret)
    .update('\0')
    .update(grant.type === 'password' ? grant.password : '')
    .digest('base64url');
  return [endpoint.url, grant.clientId, grant.type, grant.type === 'password' ? grant.username : '', fingerprint].join('\n');
}

/**
 * `POST /oauth2/token`, form encoded, the client always authenticated with HTTP Basic: client
 * credentials, or the password grant. Refusals are permanent and say which credential is wrong, never its value.
 */
async function mintToken(endpoint: TokenEndpoint, grant: OAuth2Grant, http: VendorTransport): Promise<{ value: string; expiresIn?: number }> {
  const form: Record<string, string> =
    grant.type === 'password'
      ? { grant_type: 'password', username: grant.username, password: grant.password, scope: PUBLISHER_SCOPES.join(' ') }
      : { grant_type: 'client_credentials', scope: PUBLISHER_SCOPES.join(' ') };
  // Not form-encoded first (RFC 6749 §2.3.1): WSO2 decodes Basic credentials as they are, as the gateway sends them.
  const authorization = 'Basic ' + Buffer.from(`${grant.clientId}:${grant.clientSecret}`).toString('base64');
  const req = { method: 'POST' as const, url: endpoint.url, form, headers: { authorization }, tls: endpoint.tls };
  const res = await http.request(req);
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
  if (res.status === 200 && typeof body.access_token === 'string' && body.access_token !== '') {
    const expiresIn = Number(body.expires_in);
    return { value: body.access_token, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined };
  }
  throw tokenRefusal(endpoint.url, res.status, body, grant);
}

function tokenRefusal(url: string, status: number, body: { error?: unknown; error_description?: unknown; access_token?: unknown }, grant: OAuth2Grant): SyncError {
  const code = typeof body.error === 'string' ? body.error : undefined;
  const where = `APIM's token endpoint ${url}`;
  if (status === 200) return transient('ControlPlaneError', `${where} answered 200 without an access_token`);
  if (code === 'invalid_client' || status === 401) {
    return permanent('Unauthorized', `${where} refused the OAuth2 client (${status} ${code ?? 'Unauthorized'}): the client id or secret of the gateway's APIM OAuth2 credentials is wrong, or the client was removed; register one with \`apim-sync wso2 register-client\``);
  }
  if (code === 'invalid_grant') {
    return permanent('Unauthorized', `${where} refused the ${grant.type === 'password' ? `username or password of user ${grant.username}` : 'grant'} (invalid_grant)`);
  }
  if (code === 'unauthorized_client' || code === 'unsupported_grant_type') {
    return permanent('Unauthorized', `${where} does not allow the ${grant.type} grant for this OAuth2 client (${code}): register the client with grant types "client_credentials password refresh_token"`);
  }
  if (code === 'invalid_scope') return permanent('Forbidden', `${where} refused the scopes ${PUBLISHER_SCOPES.join(' ')} (invalid_scope)`);
  if (status === 503) return transient('ApimUnavailable', `APIM unavailable: ${where} answered 503`);
  return httpFailure({ method: 'POST', url }, { status, headers: {}, body: code ? `${code}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}` : '' }, 'ControlPlaneError');
}
