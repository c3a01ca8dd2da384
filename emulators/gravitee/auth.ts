/** Credentials accepted by the emulator: HTTP Basic users and bearer tokens (service-account tokens). */

export interface UserCredential {
  username: string;
  password: string;
}

export interface Credentials {
  users?: UserCredential[];
  tokens?: string[];
}

export const DEFAULT_USERS: UserCredential[] = [{ username: 'admin', password: 'admin' }];

export class CredentialStore {
  private users = new Map<string, string>();
  private tokens = new Set<string>();

  constructor(initial: Credentials) {
    this.set({ users: initial.users ?? DEFAULT_USERS, tokens: initial.tokens ?? [] });
  }

  /** Replaces the given kinds of credentials; an omitted kind is kept. */
  set(c: Credentials): void {
    if (c.users) this.users = new Map(c.users.map((u) => [u.username, u.password]));
    if (c.tokens) this.tokens = new Set(c.tokens);
  }

  /** The authenticated user name, or undefined when the header carries no valid credential. */
  authenticate(authorization: string | undefined): string | undefined {
    if (!authorization) return undefined;
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'bearer') return this.tokens.has(value) ? 'service-account' : undefined;
    if (scheme !== 'basic') return undefined;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const username = decoded.slice(0, colon);
    return this.users.get(username) === decoded.slice(colon + 1) ? username : undefined;
  }
}
