/**
 * What the developer portal side of a control plane creates and the gateway syncs: subscription plans
 * (org-wide), subscriptions (per API) and API keys (per artifact, stored as hashes and a masked form only, as
 * platform-api keeps them: `service/apikey.go`). List entries are shaped as the internal API spec's
 * `GatewaySubscriptionPlanInfo`, `GatewaySubscriptionInfo` and `InternalAPIKeyItem`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { apiKeyEtag, deterministicUuidV7 } from './etags.ts';

export type ThrottleLimitUnit = 'Min' | 'Hour' | 'Day' | 'Month';

export interface PlanInput {
  planName: string;
  /** URL-safe name; default derived from planName. */
  handle?: string;
  billingPlan?: string;
  stopOnQuotaReach?: boolean;
  throttleLimitCount?: number;
  throttleLimitUnit?: ThrottleLimitUnit;
  expiryTime?: string;
  status?: 'ACTIVE' | 'INACTIVE';
}

export interface Plan {
  id: string;
  handle: string;
  planName: string;
  billingPlan?: string;
  stopOnQuotaReach: boolean;
  throttleLimitCount?: number;
  throttleLimitUnit?: ThrottleLimitUnit;
  expiryTime?: string;
  status: 'ACTIVE' | 'INACTIVE';
  createdAt: Date;
  updatedAt: Date;
}

export interface SubscriptionInput {
  applicationId?: string;
  subscriptionPlanId?: string;
  /** Default: a generated token. */
  subscriptionToken?: string;
  status?: 'ACTIVE' | 'INACTIVE' | 'REVOKED';
  billingCustomerId?: string;
  billingSubscriptionId?: string;
}

export interface Subscription {
  id: string;
  apiId: string;
  applicationId?: string;
  subscriptionPlanId?: string;
  subscriptionToken: string;
  status: 'ACTIVE' | 'INACTIVE' | 'REVOKED';
  billingCustomerId?: string;
  billingSubscriptionId?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKeyInput {
  /** URL-safe key name (the event's `name` / `keyName`). */
  name: string;
  /** Plaintext key; default a generated one. Only its hash and masked form are kept. */
  apiKey?: string;
  issuer?: string;
  expiresAt?: string;
  externalRefId?: string;
  /** The actor, sent as the event's top-level `userId`. */
  userId?: string;
}

export interface ApiKey {
  uuid: string;
  artifactId: string;
  name: string;
  maskedApiKey: string;
  /** `{"sha256": "<hex>"}`. */
  hashes: Record<string, string>;
  status: 'active' | 'revoked';
  issuer?: string;
  expiresAt?: string;
  externalRefId?: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export class DevPortalStore {
  readonly plans = new Map<string, Plan>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly apiKeys = new Map<string, ApiKey>();

  createPlan(input: PlanInput): Plan {
    const now = new Date();
    const plan: Plan = {
      id: randomUUID(),
      handle: input.handle ?? input.planName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''),
      planName: input.planName,
      billingPlan: input.billingPlan,
      stopOnQuotaReach: input.stopOnQuotaReach ?? false,
      throttleLimitCount: input.throttleLimitCount,
      throttleLimitUnit: input.throttleLimitUnit,
      expiryTime: input.expiryTime,
      status: input.status ?? 'ACTIVE',
      createdAt: now,
      updatedAt: now,
    };
    this.plans.set(plan.id, plan);
    return plan;
  }

  updatePlan(id: string, patch: Partial<PlanInput>): Plan {
    const plan = found(this.plans, id, 'subscription plan');
    Object.assign(plan, definedOnly(patch), { updatedAt: later(plan.updatedAt) });
    return plan;
  }

  deletePlan(id: string): Plan {
    const plan = found(this.plans, id, 'subscription plan');
    this.plans.delete(id);
    return plan;
  }

  createSubscription(apiId: string, input: SubscriptionInput): Subscription {
    const now = new Date();
    const sub: Subscription = {
      id: randomUUID(),
      apiId,
      applicationId: input.applicationId,
      subscriptionPlanId: input.subscriptionPlanId,
      subscriptionToken: input.subscriptionToken ?? randomBytes(32).toString('hex'),
      status: input.status ?? 'ACTIVE',
      billingCustomerId: input.billingCustomerId,
      billingSubscriptionId: input.billingSubscriptionId,
      createdAt: now,
      updatedAt: now,
    };
    this.subscriptions.set(sub.id, sub);
    return sub;
  }

  updateSubscription(id: string, patch: Partial<SubscriptionInput>): Subscription {
    const sub = found(this.subscriptions, id, 'subscription');
    Object.assign(sub, definedOnly(patch), { updatedAt: later(sub.updatedAt) });
    return sub;
  }

  deleteSubscription(id: string): Subscription {
    const sub = found(this.subscriptions, id, 'subscription');
    this.subscriptions.delete(id);
    return sub;
  }

  /** A new key; the plaintext is returned to the caller and not kept. A name already used on the artifact is refused. */
  createApiKey(artifactId: string, input: ApiKeyInput): { key: ApiKey; plaintext: string } {
    if (this.keyNamed(artifactId, input.name)) throw new Error(`API key ${input.name} already exists on artifact ${artifactId}`);
    const plaintext = input.apiKey ?? randomBytes(32).toString('hex');
    const now = new Date();
    const key: ApiKey = {
      uuid: randomUUID(),
      artifactId,
      name: input.name,
      ...secretForms(plaintext),
      status: 'active',
      issuer: input.issuer,
      expiresAt: input.expiresAt,
      externalRefId: input.externalRefId,
      createdBy: input.userId ?? 'admin',
      createdAt: now,
      updatedAt: now,
    };
    this.apiKeys.set(key.uuid, key);
    return { key, plaintext };
  }

  /** Regenerates (or sets) the key's value and/or changes its expiry. */
  updateApiKey(artifactId: string, name: string, input: { apiKey?: string; expiresAt?: string; externalRefId?: string } = {}): { key: ApiKey; plaintext: string } {
    const key = this.activeKey(artifactId, name);
    const plaintext = input.apiKey ?? randomBytes(32).toString('hex');
    Object.assign(key, secretForms(plaintext), definedOnly({ expiresAt: input.expiresAt, externalRefId: input.externalRefId }), { updatedAt: later(key.updatedAt) });
    return { key, plaintext };
  }

  revokeApiKey(artifactId: string, name: string): ApiKey {
    const key = this.activeKey(artifactId, name);
    Object.assign(key, { status: 'revoked', updatedAt: later(key.updatedAt) });
    return key;
  }

  /** Deleting an artifact takes its subscriptions and keys with it. */
  forgetArtifact(artifactId: string): void {
    for (const [id, s] of this.subscriptions) if (s.apiId === artifactId) this.subscriptions.delete(id);
    for (const [id, k] of this.apiKeys) if (k.artifactId === artifactId) this.apiKeys.delete(id);
  }

  private keyNamed(artifactId: string, name: string): ApiKey | undefined {
    return [...this.apiKeys.values()].find((k) => k.artifactId === artifactId && k.name === name);
  }

  private activeKey(artifactId: string, name: string): ApiKey {
    const key = this.keyNamed(artifactId, name);
    if (!key || key.status !== 'active') throw new Error(`no active API key ${name} on artifact ${artifactId}`);
    return key;
  }
}

export function planInfo(p: Plan): Record<string, unknown> {
  return definedOnly({
    id: p.id,
    handle: p.handle,
    planName: p.planName,
    stopOnQuotaReach: p.stopOnQuotaReach,
    throttleLimitCount: p.throttleLimitCount,
    throttleLimitUnit: p.throttleLimitUnit,
    expiryTime: p.expiryTime,
    status: p.status,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    etag: deterministicUuidV7(p.id, p.updatedAt),
  });
}

export function subscriptionInfo(s: Subscription): Record<string, unknown> {
  return definedOnly({
    id: s.id,
    apiId: s.apiId,
    applicationId: s.applicationId,
    subscriptionToken: s.subscriptionToken,
    subscriptionPlanId: s.subscriptionPlanId,
    status: s.status,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    etag: deterministicUuidV7(s.id, s.updatedAt),
  });
}

/** `InternalAPIKeyItem` as platform-api's model writes it: `expiresAt` null when none, `externalRefId` always null, `issuer` omitted when none. */
export function apiKeyItem(k: ApiKey): Record<string, unknown> {
  return {
    etag: apiKeyEtag(k.artifactId, k.name, k.updatedAt),
    uuid: k.uuid,
    name: k.name,
    maskedApiKey: k.maskedApiKey,
    apiKeyHashes: k.hashes,
    artifactUuid: k.artifactId,
    status: k.status,
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy,
    updatedAt: k.updatedAt.toISOString(),
    expiresAt: k.expiresAt ?? null,
    source: 'external',
    externalRefId: null,
    ...(k.issuer !== undefined ? { issuer: k.issuer } : {}),
  };
}

/** sha256 hex of the trimmed key (`hashAPIKey`) and a masked form showing its ends only. */
function secretForms(plaintext: string): { hashes: Record<string, string>; maskedApiKey: string } {
  const trimmed = plaintext.trim();
  return {
    hashes: { sha256: createHash('sha256').update(trimmed).digest('hex') },
    maskedApiKey: trimmed.length > 8 ? `${trimmed.slice(0, 4)}${'*'.repeat(Math.min(trimmed.length - 8, 24))}${trimmed.slice(-4)}` : '*'.repeat(trimmed.length),
  };
}

function found<T>(map: Map<string, T>, id: string, what: string): T {
  const v = map.get(id);
  if (!v) throw new Error(`unknown ${what} ${id}`);
  return v;
}

/** A strictly later instant than `previous`, so an update always changes etags. */
const later = (previous: Date): Date => new Date(Math.max(Date.now(), previous.getTime() + 1));

export function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
