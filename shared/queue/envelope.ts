import { createHash } from 'node:crypto';
// zod/mini: the same validation as classic zod for about a tenth of the memory; the watcher's 64 MB budget counts it.
import * as z from 'zod/mini';

/** Why a message was sent; the sync function treats them alike, but they make logs and dedup ids honest. */
export const SyncReason = z.enum([
  'added', // first seen, or status not in step with generation at watcher start
  'spec-changed', // generation moved
  'deleting', // deletionTimestamp set or finalizers changed while deleting
  'reference-changed', // a ManagementContext, Secret or ConfigMap this object uses changed
  'dependent-removed', // an object referencing this one went away (unblocks a held deletion)
  'resync', // periodic drift correction
  'vendor-event', // the vendor told the watcher something about this object (see VendorEvent)
  'drift', // a resync found the vendor object drifted: the correction goes through the changes queue, after any change
  'owner-released', // the sync function: the vendor object this object lost to another resource was released or taken over
]);
export type SyncReason = z.infer<typeof SyncReason>;

/**
 * Something the vendor said about the object pointed at, outside Kubernetes: a WSO2 control plane deployed an API to
 * the gateway an APIGateway stands for, or refused its connection. Ids only, never content or credentials: the sync
 * function fetches what it needs (KindDefinition.events).
 */
export const VendorEvent = z.object({
  /** The vendor's event type (`api.deployed`, `subscription.created`) or the watcher's (`resync`, `connection.refused`). */
  type: z.string().check(z.minLength(1), z.maxLength(100)),
  /** The vendor object it concerns (an artifact, plan or subscription id). */
  id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  deploymentId: z.optional(z.string().check(z.maxLength(200))),
  /** The vendor's time of the change (RFC 3339), which orders changes of one object. */
  performedAt: z.optional(z.string().check(z.maxLength(64))),
  /** A short, non-secret detail (an HTTP status or WebSocket close code and its meaning). */
  detail: z.optional(z.string().check(z.maxLength(300))),
});
export type VendorEvent = z.infer<typeof VendorEvent>;

/**
 * The queue message: a pointer to an object, never its spec or a secret.
 * The sync function reads the object itself, so a stale message can never apply stale data.
 */
export const SyncMessage = z.object({
  v: z.literal(1),
  cluster: z.string().check(z.minLength(1), z.maxLength(253)),
  apiVersion: z.string().check(z.minLength(1)),
  kind: z.string().check(z.minLength(1)),
  namespace: z.string().check(z.minLength(1), z.maxLength(63)),
  name: z.string().check(z.minLength(1), z.maxLength(253)),
  uid: z.string().check(z.minLength(1)),
  resourceVersion: z.string().check(z.minLength(1)),
  generation: z.optional(z.int().check(z.nonnegative())),
  reason: SyncReason,
  /** For reference-changed/dependent-removed/resync: which version of the cause, so distinct causes are not deduplicated away. */
  cause: z.optional(z.string().check(z.maxLength(300))),
  /** With reason vendor-event: what the vendor said. */
  event: z.optional(VendorEvent),
});
export type SyncMessage = z.infer<typeof SyncMessage>;

/**
 * One FIFO group per object: syncs of one object are ordered, different objects run in parallel. A vendor event about
 * one of the object's vendor objects (an artifact of a gateway) has that object's own group, so the changes of one
 * artifact stay ordered while those of different artifacts run in parallel.
 */
export function messageGroupId(m: Pick<SyncMessage, 'cluster' | 'apiVersion' | 'kind' | 'namespace' | 'name' | 'event'>): string {
  const group = m.apiVersion.split('/')[0];
  const id = `${m.cluster}/${m.kind}.${group}/${m.namespace}/${m.name}${m.event?.id ? `/${m.event.id}` : ''}`;
  // SQS allows 128 characters from a restricted set; long names fall back to a stable digest.
  return id.length <= 128 && /^[\w!"#$%&'()*+,\-./:;<=>?@[\\\]^`{|}~]+$/.test(id) ? id : sha256(id).slice(0, 64);
}

export function deduplicationId(m: SyncMessage): string {
  const e = m.event;
  const event = e ? [e.type, e.id ?? '', e.deploymentId ?? '', e.performedAt ?? '', e.detail ?? ''] : [];
  return sha256([m.uid, m.resourceVersion, m.reason, m.cause ?? '', ...event].join('\u0000')).slice(0, 64);
}

export function parseSyncMessage(body: string): SyncMessage {
  return SyncMessage.parse(JSON.parse(body));
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
