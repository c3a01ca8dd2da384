/**
 * Access and refresh tokens the token endpoint issued: opaque UUIDs (as the spec's samples show; APIM can also
 * issue JWTs, which clients must treat as opaque all the same), with the client, the user they act for, the
 * granted scopes and an expiry read from the injectable clock. Revoked tokens stay known so that a call with one
 * is told it is inactive rather than unknown.
 */
import { randomUUID } from 'node:crypto';

export interface AccessToken {
  token: string;
  clientId: string;
  /** The resource owner (password grant) or the client's owner (client credentials). */
  username: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshToken {
  token: string;
  clientId: string;
  username: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

export type TokenCheck = { ok: true; token: AccessToken } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

export interface TokenLifetimes {
  accessSeconds: number;
  refreshSeconds: number;
}

export class TokenStore {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private readonly clock: () => number;
  private readonly lifetimes: TokenLifetimes;

  constructor(clock: () => number, lifetimes: TokenLifetimes) {
    this.clock = clock;
    this.lifetimes = lifetimes;
  }

  issue(
    clientId: string,
    username: string,
    scopes: string[],
    opts: { withRefreshToken: boolean; lifetimeSeconds?: number },
  ): { access: AccessToken; refreshToken?: string } {
    this.prune();
    const now = this.clock();
    const lifetime = opts.lifetimeSeconds ?? this.lifetimes.accessSeconds;
    const access: AccessToken = {
      token: randomUUID(),
      clientId,
      username,
      scopes,
      issuedAt: now,
      expiresAt: now + lifetime * 1000,
      revoked: false,
    };
    this.access.set(access.token, access);
    if (!opts.withRefreshToken) return { access };
    const refresh: RefreshToken = {
      token: randomUUID(),
      clientId,
      username,
      scopes,
      expiresAt: now + this.lifetimes.refreshSeconds * 1000,
      revoked: false,
    };
    this.refresh.set(refresh.token, refresh);
    return { access, refreshToken: refresh.token };
  }

  check(token: string): TokenCheck {
    const found = this.access.get(token);
    if (!found) return { ok: false, reason: 'unknown' };
    if (found.revoked) return { ok: false, reason: 'revoked' };
    if (this.clock() >= found.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, token: found };
  }

  /** Redeems a refresh token (one use, as WSO2 IS renews it by default); undefined when not valid for the client. */
  redeemRefreshToken(token: string, clientId: string): { username: string; scopes: string[] } | undefined {
    const found = this.refresh.get(token);
    if (!found || found.revoked || found.clientId !== clientId || this.clock() >= found.expiresAt) return undefined;
    found.revoked = true;
    return { username: found.username, scopes: found.scopes };
  }

  /** Revokes one access token, or every active one; returns how many were revoked. */
  revoke(token?: string): number {
    let count = 0;
    for (const t of token === undefined ? this.access.values() : [this.access.get(token)]) {
      if (t && !t.revoked) {
        t.revoked = true;
        count++;
      }
    }
    if (token === undefined) for (const r of this.refresh.values()) r.revoked = true;
    return count;
  }

  clear(): void {
    this.access.clear();
    this.refresh.clear();
  }

  /** Forgets tokens long past their expiry, so that a long-running emulator does not grow without bound. */
  private prune(): void {
    if (this.access.size < 10_000) return;
    const horizon = this.clock() - 24 * 3600_000;
    for (const [k, t] of this.access) if (t.expiresAt < horizon) this.access.delete(k);
    for (const [k, t] of this.refresh) if (t.expiresAt < horizon) this.refresh.delete(k);
  }
}
