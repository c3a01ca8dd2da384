/** The gateway controller's state: what its database holds, in memory. */

export type Json = Record<string, unknown>;

/** Kinds deployed to the router: each one a stored configuration with a gateway-issued UUID. */
export type ArtifactKind = 'RestApi' | 'LlmProvider' | 'LlmProxy' | 'Mcp';
export type DeploymentState = 'deployed' | 'undeployed';

/** A resource as its envelope carries it: `{apiVersion, kind, metadata, spec}`. */
export interface Resource extends Json {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> } & Json;
  spec: Json;
}

export interface StoredArtifact {
  /** Gateway-issued id (the `artifact-id` annotation's UUID for a RestApi that carries one). */
  uuid: string;
  kind: ArtifactKind;
  /** `metadata.name`: the id of the REST paths and of `status.id`. */
  handle: string;
  displayName: string;
  version: string;
  desiredState: DeploymentState;
  /** As sent (fields the gateway's types do not know dropped), credentials included; answers hide them. */
  resource: Resource;
  createdAt: string;
  updatedAt: string;
  deployedAt: string;
}

export interface StoredTemplate {
  uuid: string;
  handle: string;
  resource: Resource;
  /** Shipped with the gateway (`default-llm-provider-templates`). */
  builtIn: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface StoredSecret {
  handle: string;
  displayName: string;
  description?: string;
  /** Encrypted at rest by the gateway; returned only by `GET /secrets/{id}`. */
  value: string;
  createdAt: string;
  updatedAt: string;
}

export type ApiKeyParentKind = 'RestApi' | 'LlmProvider' | 'LlmProxy';

export interface StoredApiKey {
  uuid: string;
  name: string;
  parentKind: ApiKeyParentKind;
  parentHandle: string;
  /** The parent's UUID. */
  artifactUuid: string;
  /** SHA-256 of the key (the gateway never stores the key itself). */
  hash: string;
  masked: string;
  status: 'active' | 'revoked' | 'expired';
  source: 'local' | 'external';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  externalRefId?: string;
  issuer?: string;
}

export interface StoredPlan {
  id: string;
  planName: string;
  billingPlan?: string;
  stopOnQuotaReach: boolean;
  throttleLimitCount?: number;
  throttleLimitUnit?: string;
  expiryTime?: string;
  status: 'ACTIVE' | 'INACTIVE';
  createdAt: string;
  updatedAt: string;
}

export interface StoredSubscription {
  id: string;
  /** The subscribed RestApi's UUID. */
  apiId: string;
  applicationId?: string;
  /** SHA-256 of the subscription token (only its hash is kept). */
  tokenHash: string;
  subscriptionPlanId?: string;
  billingCustomerId?: string;
  billingSubscriptionId?: string;
  status: 'ACTIVE' | 'INACTIVE' | 'REVOKED';
  createdAt: string;
  updatedAt: string;
}

export interface StoredCertificate {
  id: string;
  name: string;
  pem: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  count: number;
  createdAt: string;
}

export class GatewayStore {
  /** By UUID. */
  readonly artifacts = new Map<string, StoredArtifact>();
  /** By handle. */
  readonly templates = new Map<string, StoredTemplate>();
  readonly secrets = new Map<string, StoredSecret>();
  /** By UUID. */
  readonly apiKeys = new Map<string, StoredApiKey>();
  readonly plans = new Map<string, StoredPlan>();
  readonly subscriptions = new Map<string, StoredSubscription>();
  readonly certificates = new Map<string, StoredCertificate>();

  artifactsOf(kind: ArtifactKind): StoredArtifact[] {
    return [...this.artifacts.values()].filter((a) => a.kind === kind);
  }

  artifactByHandle(kind: ArtifactKind, handle: string): StoredArtifact | undefined {
    for (const a of this.artifacts.values()) if (a.kind === kind && a.handle === handle) return a;
    return undefined;
  }

  artifactByNameVersion(kind: ArtifactKind, displayName: string, version: string): StoredArtifact | undefined {
    for (const a of this.artifacts.values()) if (a.kind === kind && a.displayName === displayName && a.version === version) return a;
    return undefined;
  }

  keysOf(artifactUuid: string): StoredApiKey[] {
    return [...this.apiKeys.values()].filter((k) => k.artifactUuid === artifactUuid);
  }

  keyByName(artifactUuid: string, name: string): StoredApiKey | undefined {
    return this.keysOf(artifactUuid).find((k) => k.name === name);
  }

  /** Deletes an artifact and the API keys under it, as the gateway does. */
  deleteArtifact(uuid: string): void {
    this.artifacts.delete(uuid);
    for (const key of this.keysOf(uuid)) this.apiKeys.delete(key.uuid);
  }

  clear(): void {
    for (const map of [this.artifacts, this.templates, this.secrets, this.apiKeys, this.plans, this.subscriptions, this.certificates]) map.clear();
  }
}

export const now = (): string => new Date().toISOString();
