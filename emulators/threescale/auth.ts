/**
 * porta's access-token authentication: `access_token` as a query or body parameter, else HTTP Basic with
 * the token as user name or password, first non-blank (`api_authentication/by_access_token.rb`,
 * `http_authentication.rb`). The porta Go client sends `Basic base64(":" + token)`.
 */
import { accessDenied, masterUnauthorized, wrongPermissions } from './errors.ts';
import type { Params } from './params.ts';
import { ALL_SCOPES, type AccessToken, type Scope, type Tenant } from './store.ts';

export function presentedToken(query: URLSearchParams, body: Params, authorization: string | undefined): string | undefined {
  const param = query.get('access_token') ?? body.access_token;
  if (param) return param;
  if (!authorization?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, password] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return user.trim() || password.trim() || undefined;
}

/** Scopes that grant a path: the registry needs `policy_registry`; proxy policies accept either. */
function scopesFor(path: string): Scope[] {
  if (path.startsWith('/admin/api/registry/')) return ['policy_registry'];
  if (/\/proxy\/policies(\.\w+)?$/.test(path)) return ['policy_registry', 'account_management'];
  return ['account_management'];
}

/**
 * Checks a tenant admin API call; throws porta's 403 answers. A credential that is no token of the tenant may be its
 * provider key (`by_provider_key.rb`, also read from HTTP Basic): the account itself, every scope, read-write.
 */
export function authorizeAdmin(tenant: Tenant, token: string | undefined, method: string, path: string): AccessToken {
  if (token !== undefined && tenant.providerKey === token && !tenant.tokens.has(token)) return { value: token, scopes: [...ALL_SCOPES], permission: 'rw' };
  const found = token === undefined ? undefined : tenant.tokens.get(token);
  if (!found) throw accessDenied();
  const write = method !== 'GET' && method !== 'HEAD';
  if (!scopesFor(path).some((s) => found.scopes.includes(s)) || (write && found.permission !== 'rw')) throw wrongPermissions();
  return found;
}

/** Checks a Master API call (`/master/api/...`): 401 `unauthorized` in plain text otherwise. */
export function authorizeMaster(masterToken: string, token: string | undefined): void {
  if (token !== masterToken) throw masterUnauthorized();
}
