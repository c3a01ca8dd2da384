/**
 * The messages a control plane sends over the gateway WebSocket, shaped as platform-api writes them
 * (`dto.GatewayEventDTO`, `dto.ConnectionAckDTO`, `model/*_event.go`) and the gateway parses them (`events.go`):
 * `{type, payload, timestamp, correlationId[, userId]}`; `timestamp` is RFC 3339 to the second, `performedAt`
 * a full-precision instant the gateway echoes in its `deployment.ack`.
 */
import { randomUUID } from 'node:crypto';
import { KIND_NAMES, type ArtifactKind } from './artifact-kinds.ts';
import { definedOnly, type ApiKey, type Plan, type Subscription } from './devportal.ts';

export interface EventEnvelope {
  type: string;
  payload: Record<string, unknown>;
  timestamp: string;
  correlationId: string;
  /** The actor of API key events. */
  userId?: string;
}

/** Go's `time.Now().Format(time.RFC3339)`. */
const rfc3339Seconds = (at = new Date()): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function envelope(type: string, payload: Record<string, unknown>, userId?: string): EventEnvelope {
  return { type, payload, timestamp: rfc3339Seconds(), correlationId: randomUUID(), ...(userId ? { userId } : {}) };
}

export function connectionAck(gatewayId: string, connectionId: string): Record<string, string> {
  return { type: 'connection.ack', gatewayId, connectionId, timestamp: rfc3339Seconds() };
}

export type LifecycleAction = 'deployed' | 'undeployed' | 'deleted';

/** `api.deployed {apiId, deploymentId, performedAt}`, `llmprovider.deleted {providerId}`, ... */
export function lifecycleEvent(kind: ArtifactKind, action: LifecycleAction, artifactId: string, deployment?: { deploymentId: string; performedAt: Date }): EventEnvelope {
  const names = KIND_NAMES[kind];
  const payload: Record<string, unknown> = { [names.idField]: artifactId };
  if (action !== 'deleted') Object.assign(payload, { deploymentId: deployment!.deploymentId, performedAt: deployment!.performedAt.toISOString() });
  return envelope(`${names.eventPrefix}.${action}`, payload);
}

/** `apikey.created|updated|revoked`: hashes (as a JSON string) and the masked key, never the key itself. */
export function apiKeyEvent(action: 'created' | 'updated' | 'revoked', key: ApiKey, userId: string | undefined): EventEnvelope {
  const hashes = JSON.stringify(key.hashes);
  if (action === 'revoked') return envelope('apikey.revoked', { apiId: key.artifactId, keyName: key.name }, userId);
  if (action === 'updated') {
    return envelope(
      'apikey.updated',
      definedOnly({
        apiId: key.artifactId,
        keyName: key.name,
        apiKeyHashes: hashes,
        maskedApiKey: key.maskedApiKey,
        externalRefId: key.externalRefId,
        expiresAt: key.expiresAt,
        issuer: key.issuer,
        updatedAt: key.updatedAt.toISOString(),
      }),
      userId,
    );
  }
  return envelope(
    'apikey.created',
    definedOnly({
      uuid: key.uuid,
      apiId: key.artifactId,
      name: key.name,
      apiKeyHashes: hashes,
      maskedApiKey: key.maskedApiKey,
      externalRefId: key.externalRefId,
      expiresAt: key.expiresAt,
      issuer: key.issuer,
      createdAt: key.createdAt.toISOString(),
      updatedAt: key.updatedAt.toISOString(),
    }),
    userId,
  );
}

export function subscriptionEvent(action: 'created' | 'updated' | 'deleted', s: Subscription): EventEnvelope {
  const common = { apiId: s.apiId, subscriptionId: s.id, applicationId: s.applicationId, subscriptionToken: s.subscriptionToken };
  if (action === 'deleted') return envelope('subscription.deleted', definedOnly(common));
  const extra = action === 'created' ? { billingCustomerId: s.billingCustomerId, billingSubscriptionId: s.billingSubscriptionId } : {};
  return envelope(`subscription.${action}`, definedOnly({ ...common, subscriptionPlanId: s.subscriptionPlanId, status: s.status, ...extra }));
}

export function planEvent(action: 'created' | 'updated' | 'deleted', p: Plan): EventEnvelope {
  if (action === 'deleted') return envelope('subscriptionPlan.deleted', { planId: p.id, handle: p.handle, planName: p.planName });
  return envelope(
    `subscriptionPlan.${action}`,
    definedOnly({
      planId: p.id,
      handle: p.handle,
      planName: p.planName,
      billingPlan: p.billingPlan,
      stopOnQuotaReach: p.stopOnQuotaReach,
      throttleLimitCount: p.throttleLimitCount,
      throttleLimitUnit: p.throttleLimitUnit,
      expiryTime: p.expiryTime,
      status: p.status,
    }),
  );
}
