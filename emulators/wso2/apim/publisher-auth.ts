/**
 * Authorization of Publisher calls as APIM's REST API interceptors do it: a bearer token the key manager issued,
 * active and not expired (401 otherwise, telling missing, invalid, expired and inactive apart), holding at least
 * one of the scopes the operation's `security` lists in the spec (403 otherwise).
 */
import { invalidScope, missingCredentials, tokenExpired, tokenInactive, tokenInvalid } from './errors.ts';
import type { AccessToken, TokenStore } from './tokens.ts';

export function authorizeCall(tokens: TokenStore, authorization: string | undefined, requiredScopes: string[]): AccessToken {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw missingCredentials();
  const check = tokens.check(match[1]!);
  if (!check.ok) throw check.reason === 'expired' ? tokenExpired() : check.reason === 'revoked' ? tokenInactive() : tokenInvalid();
  if (requiredScopes.length && !requiredScopes.some((s) => check.token.scopes.includes(s))) throw invalidScope();
  return check.token;
}
