/**
 * The user store: who may register DCR clients and obtain password-grant tokens, and which scopes their roles
 * allow. The admin is the super admin (carbon's `isUserSuperAdmin`): every scope the specs declare. Other users
 * hold the scopes they are configured with, as roles grant them in APIM's role-scope mapping.
 */

export interface ApimUser {
  username: string;
  password: string;
  /** Scopes this user's roles allow; omitted = every scope the specs declare (an admin). */
  scopes?: string[];
}

export interface Credential {
  username: string;
  password: string;
}

export class UserStore {
  private readonly users = new Map<string, ApimUser>();
  readonly admin: string;
  private readonly allScopes: string[];

  constructor(admin: Credential, others: ApimUser[], allScopes: string[]) {
    this.admin = admin.username;
    this.allScopes = allScopes;
    this.users.set(admin.username, { ...admin });
    for (const u of others) this.users.set(u.username, { ...u });
  }

  /** The user whose password matches, else undefined. */
  authenticate(username: string, password: string): ApimUser | undefined {
    const user = this.users.get(username);
    return user && user.password === password ? user : undefined;
  }

  /** The user an HTTP Basic header names with the right password. */
  authenticateBasic(authorization: string | undefined): ApimUser | undefined {
    const pair = basicCredentials(authorization);
    return pair ? this.authenticate(pair.username, pair.password) : undefined;
  }

  exists(username: string): boolean {
    return this.users.has(username);
  }

  isSuperAdmin(username: string): boolean {
    return username.toLowerCase() === this.admin.toLowerCase();
  }

  /** Scopes the user's roles allow. */
  scopesOf(username: string): Set<string> {
    const user = this.users.get(username);
    return new Set(user?.scopes ?? (user ? this.allScopes : []));
  }
}

/** Username and password of an HTTP Basic `Authorization` header (RFC 7617), else undefined. */
export function basicCredentials(authorization: string | undefined): Credential | undefined {
  if (!authorization) return undefined;
  const space = authorization.indexOf(' ');
  if (space < 0 || authorization.slice(0, space).toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(authorization.slice(space + 1).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
