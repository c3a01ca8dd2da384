/**
 * OAuth clients (service providers) registered through DCR. Names are unique in the tenant, as carbon's
 * `ApplicationManagementService` keys them; consumer keys and secrets look like WSO2's (28 alphanumerics).
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  clientName: string;
  owner: string;
  /** Grant types the client may use (`grant_types` of the OAuth app). */
  grantTypes: string[];
  callbackUrl?: string;
  saasApp: boolean;
  tokenType: string;
  applicationUUID: string;
}

export interface ClientRegistration {
  clientName: string;
  owner: string;
  grantTypes: string[];
  callbackUrl?: string;
  saasApp?: boolean;
  tokenType?: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A WSO2-looking consumer key or secret. */
function consumerString(length = 28): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}

export class ClientRegistry {
  private readonly byName = new Map<string, OAuthClient>();
  private readonly byId = new Map<string, OAuthClient>();

  findByName(clientName: string): OAuthClient | undefined {
    return this.byName.get(clientName);
  }

  findById(clientId: string): OAuthClient | undefined {
    return this.byId.get(clientId);
  }

  register(r: ClientRegistration): OAuthClient {
    const client: OAuthClient = {
      clientId: consumerString(),
      clientSecret: consumerString(),
      clientName: r.clientName,
      owner: r.owner,
      grantTypes: r.grantTypes,
      callbackUrl: r.callbackUrl,
      saasApp: r.saasApp ?? false,
      tokenType: r.tokenType ?? 'JWT',
      applicationUUID: randomUUID(),
    };
    this.byName.set(client.clientName, client);
    this.byId.set(client.clientId, client);
    return client;
  }

  all(): OAuthClient[] {
    return [...this.byId.values()].map((c) => ({ ...c, grantTypes: [...c.grantTypes] }));
  }

  clear(): void {
    this.byName.clear();
    this.byId.clear();
  }
}
