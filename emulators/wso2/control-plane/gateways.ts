/**
 * Registered gateways and their registration tokens. A token authenticates both the REST calls and the WebSocket
 * (header `api-key`); tokens are kept as sha256 hashes, as platform-api verifies them (`VerifyToken`), so the
 * emulator's own state never holds one in clear after handing it out.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export interface Gateway {
  id: string;
  name: string;
  /** sha256 hex of each valid token. */
  tokenHashes: Set<string>;
}

export interface RegisteredGateway {
  id: string;
  /** The registration token, shown once (as APIM's `registrationToken` and platform-api's token creation). */
  token: string;
}

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export class GatewayRegistry {
  private readonly byId = new Map<string, Gateway>();

  /** A new gateway; a name already registered is refused, as APIM's `POST /gateways` answers 409. */
  register(name: string, token = newToken()): RegisteredGateway {
    if ([...this.byId.values()].some((g) => g.name === name)) throw new Error(`a gateway named ${name} is already registered`);
    const gateway: Gateway = { id: randomUUID(), name, tokenHashes: new Set([hashOf(token)]) };
    this.byId.set(gateway.id, gateway);
    return { id: gateway.id, token };
  }

  /** APIM's `POST /gateways/{id}/regenerate-token`: a new token, every earlier one stops working. */
  regenerateToken(gatewayId: string): string {
    const gateway = this.get(gatewayId);
    const token = newToken();
    gateway.tokenHashes = new Set([hashOf(token)]);
    return token;
  }

  /** Revokes one token wherever it was issued; true when it was valid. */
  revokeToken(token: string): boolean {
    const hash = hashOf(token);
    for (const g of this.byId.values()) if (g.tokenHashes.delete(hash)) return true;
    return false;
  }

  /** The gateway a token belongs to, or undefined for a missing, unknown or revoked token. */
  authenticate(token: string | undefined): Gateway | undefined {
    if (!token) return undefined;
    const hash = hashOf(token.trim());
    for (const g of this.byId.values()) if (g.tokenHashes.has(hash)) return g;
    return undefined;
  }

  get(gatewayId: string): Gateway {
    const gateway = this.byId.get(gatewayId);
    if (!gateway) throw new Error(`unknown gateway ${gatewayId}`);
    return gateway;
  }

  all(): Gateway[] {
    return [...this.byId.values()];
  }
}

/** 32 random bytes, hex: the shape of platform-api's generated keys. */
const newToken = (): string => randomBytes(32).toString('hex');
