/**
 * The gateway controller's authentication and authorization middleware (`common/authenticators`): HTTP
 * Basic against configured users (user names compared case-insensitively), bearer tokens standing in for
 * an IdP's JWTs, or — when neither is configured, or `auth: false` — no authentication at all, every
 * caller being the all-powerful `sys_noauth_user`. Roles gate each route as its `x-basicauth-roles` say.
 */
import { timingSafeEqual } from 'node:crypto';
import { authenticationFailed, forbidden, noCredentials } from './errors.ts';

export interface GatewayUser {
  username: string;
  password: string;
  /** Default `['admin']`, as the Helm chart's user. */
  roles?: string[];
}

export const DEFAULT_USERS: GatewayUser[] = [{ username: 'admin', password: 'admin', roles: ['admin'] }];

export interface Principal {
  userId: string;
  roles: string[];
  /** No per-route role check (no-auth mode; an IdP token without a role mapping). */
  skipAuthorization: boolean;
}

interface AuthSettings {
  users?: GatewayUser[];
  bearerTokens?: string[];
  /** `false`: basic auth and IdP disabled. */
  auth?: boolean;
}

const NO_AUTH: Principal = { userId: 'sys_noauth_user', roles: [], skipAuthorization: true };

export class Authenticator {
  private readonly users: GatewayUser[];
  private readonly tokens: Set<string>;
  private readonly open: boolean;

  constructor(settings: AuthSettings) {
    this.users = settings.users ?? DEFAULT_USERS;
    this.tokens = new Set(settings.bearerTokens ?? []);
    // basic auth only counts with users; with nothing configured the gateway runs open
    this.open = settings.auth === false || (this.users.length === 0 && this.tokens.size === 0);
  }

  /** The caller, or the middleware's 401. */
  authenticate(authorization: string | undefined): Principal {
    if (this.open) return NO_AUTH;
    const header = authorization ?? '';
    if (this.users.length > 0 && header.startsWith('Basic ')) return this.basic(header.slice(6));
    if (this.tokens.size > 0 && header.startsWith('Bearer ')) {
      if (!this.tokens.has(header.slice(7).trim())) throw authenticationFailed();
      return { userId: 'idp-user', roles: [], skipAuthorization: true };
    }
    throw noCredentials();
  }

  private basic(encoded: string): Principal {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw authenticationFailed();
    const username = decoded.slice(0, colon).toLowerCase();
    const user = this.users.find((u) => u.username.toLowerCase() === username);
    if (!user || !sameText(user.password, decoded.slice(colon + 1))) throw authenticationFailed();
    return { userId: user.username, roles: user.roles ?? ['admin'], skipAuthorization: false };
  }
}

/** The authorization middleware: one of the route's roles, unless authorization is skipped. */
export function authorize(principal: Principal, allowedRoles: string[]): void {
  if (principal.skipAuthorization) return;
  if (!principal.roles.some((r) => allowedRoles.includes(r))) throw forbidden();
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
