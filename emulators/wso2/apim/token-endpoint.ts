/**
 * `POST /oauth2/token` as WSO2 Identity Server (APIM's key manager) answers it: the client authenticates by HTTP
 * Basic or with `client_id`/`client_secret` in the body — for every grant, the password grant included (IS has no
 * public clients unless configured, so a password grant without client authentication is `invalid_client`); the
 * granted scopes are the requested ones the user's roles allow (none left → `default`), sorted, echoed in `scope`.
 */
import type { Answer } from '../../common/http-io.ts';
import type { ClientRegistry, OAuthClient } from './clients.ts';
import { OAuthError } from './errors.ts';
import type { TokenStore } from './tokens.ts';
import { basicCredentials, type UserStore } from './users.ts';

export interface TokenEndpointContext {
  users: UserStore;
  clients: ClientRegistry;
  tokens: TokenStore;
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export function issueToken(ctx: TokenEndpointContext, form: Record<string, string>, authorization: string | undefined): Answer {
  const grantType = form.grant_type;
  if (!grantType) throw new OAuthError(400, 'invalid_request', 'Missing grant_type parameter value');
  const client = authenticateClient(ctx.clients, form, authorization);
  if (!['client_credentials', 'password', 'refresh_token'].includes(grantType)) {
    throw new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant_type value');
  }
  if (!client.grantTypes.includes(grantType)) {
    throw new OAuthError(400, 'unauthorized_client', 'The authenticated client is not authorized to use this authorization grant type');
  }

  let username: string;
  let scopes: string[];
  if (grantType === 'refresh_token') {
    const redeemed = ctx.tokens.redeemRefreshToken(form.refresh_token ?? '', client.clientId);
    if (!redeemed) throw new OAuthError(400, 'invalid_grant', 'Persisted access token data not found');
    username = redeemed.username;
    // A refresh may narrow the scopes, never widen them (RFC 6749 §6).
    const requested = requestedScopes(form.scope);
    scopes = requested.length ? redeemed.scopes.filter((s) => requested.includes(s)) : redeemed.scopes;
  } else {
    if (grantType === 'password') {
      const user = ctx.users.authenticate(form.username ?? '', form.password ?? '');
      if (!user) throw new OAuthError(400, 'invalid_grant', `Authentication failed for ${form.username ?? ''}`);
      username = user.username;
    } else {
      username = client.owner;
    }
    const allowed = ctx.users.scopesOf(username);
    scopes = [...new Set(requestedScopes(form.scope).filter((s) => allowed.has(s)))].sort();
  }
  if (scopes.length === 0) scopes = ['default'];

  const validity = Number(form.validity_period);
  const lifetimeSeconds = Number.isInteger(validity) && validity > 0 ? validity : undefined;
  // As IS: refresh tokens for the user grants of clients allowed to refresh, never for client credentials.
  const withRefreshToken = grantType !== 'client_credentials' && client.grantTypes.includes('refresh_token');
  const { access, refreshToken } = ctx.tokens.issue(client.clientId, username, scopes, { withRefreshToken, lifetimeSeconds });
  return {
    status: 200,
    headers: NO_STORE,
    body: {
      access_token: access.token,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope: scopes.join(' '),
      token_type: 'Bearer',
      expires_in: Math.round((access.expiresAt - access.issuedAt) / 1000),
    },
  };
}

function authenticateClient(clients: ClientRegistry, form: Record<string, string>, authorization: string | undefined): OAuthClient {
  const basic = basicCredentials(authorization);
  const inBody = form.client_id !== undefined ? { username: form.client_id, password: form.client_secret ?? '' } : undefined;
  if (basic && inBody) throw new OAuthError(400, 'invalid_request', 'Client authentication with more than one method is not allowed');
  const presented = basic ?? inBody;
  if (!presented) throw new OAuthError(401, 'invalid_client', 'Unsupported Client Authentication Method!');
  const client = clients.findById(presented.username);
  if (!client) throw new OAuthError(401, 'invalid_client', `A valid OAuth client could not be found for client_id: ${presented.username}`);
  if (client.clientSecret !== presented.password) throw new OAuthError(401, 'invalid_client', 'Client credentials are invalid.');
  return client;
}

const requestedScopes = (scope: string | undefined): string[] => (scope ?? '').split(/\s+/).filter(Boolean);
