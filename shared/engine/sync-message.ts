import { parseSyncMessage, type SyncMessage } from '../queue/envelope.ts';
import type { ClusterRegistry } from '../kube/cluster-registry.ts';
import type { Logger } from '../log.ts';
import type { VendorHttp } from '../vendor-http/vendor-http.ts';
import { asSyncError, type RetryClass } from './errors.ts';
import type { KindCatalog } from './kind-catalog.ts';
import { reconcile, type ReconcileAction } from './reconcile.ts';
import type { ObjectRef } from '../kube/object-ref.ts';
import type { KindDefinition, SyncContext } from './kind.ts';
import type { VendorEvent } from '../queue/envelope.ts';
import { backoffSeconds, type RetryPolicy } from './retry-policy.ts';
import { createSyncContext } from './sync-context.ts';
import { countingView } from './call-tally.ts';
import { vendorOf, type SyncOutcome, type SyncUsage } from './usage-record.ts';
import { clusterUnavailable, type ClusterUnavailableReason } from '../kube/cluster-unavailable.ts';
import type { OwnerRef, OwnershipStore } from '../ownership/ownership-store.ts';
import type { Ownership } from './ownership.ts';

export interface SyncDependencies {
  clusters: ClusterRegistry;
  kinds: KindCatalog;
  http: VendorHttp;
  log: Logger;
  retry: RetryPolicy;
  /** Told how each message's sync ended: the class of its failure, none on success (the sandbox's progress view). */
  onOutcome?(msg: SyncMessage, failure: RetryClass | undefined): void;
  /** Told what each sync did (calls, duration, outcome): one usage record per sync (README, "What a sync costs"). */
  onUsage?(usage: SyncUsage): void;
  /** Told each time a sync could not use its member cluster (unreachable, credentials refused): the ClusterUnavailable metric. */
  onClusterUnavailable?(cluster: string, reason: ClusterUnavailableReason): void;
  /** Who owns which vendor object across the fleet; unset: no records (README, "Who owns a vendor object"). */
  ownership?: OwnershipStore;
  /** Sends pointer messages to the changes queue (functions/sync/wake.ts): to the resources waiting for a released vendor object, and for a resync's drift correction. */
  wake?(waiters: OwnerRef[], cause: string, reason?: 'owner-released' | 'drift'): Promise<void>;
}

/**
 * How a message that is not done is retried: `transient` until it succeeds (renewed before the DLQ,
 * functions/sync/renewal.ts); `reference` a few times, then left to the watcher; `unprocessable` (malformed, an
 * unsupported kind) and `defect` (a bug) never succeed by retrying: they end in the DLQ, which is what it is for.
 */
export type MessageRetry = 'transient' | 'reference' | 'unprocessable' | 'defect';

/** What becomes of a queue message: acknowledged, or seen again after `retryAfterSeconds`. */
export type MessageOutcome =
  | { done: true; action: ReconcileAction | 'event-handled' | 'failed' | 'waiting-for-reference' }
  | { done: false; retry: MessageRetry; retryAfterSeconds: number; error: string; /** Why its member cluster could not be used, if that is why. */ clusterUnavailable?: ClusterUnavailableReason };

/** Syncs the object one message points to. Never throws: the outcome says whether to retry. */
export async function syncMessage(body: string, receiveCount: number, deps: SyncDependencies): Promise<MessageOutcome> {
  let msg: SyncMessage;
  try {
    msg = parseSyncMessage(body);
  } catch (err) {
    // A message the watcher could not have written: keep it for inspection in the DLQ.
    deps.log.error('malformed queue message', { error: asSyncError(err).message });
    return { done: false, retry: 'unprocessable', retryAfterSeconds: 0, error: 'malformed message' };
  }
  const kind = deps.kinds.get(msg.apiVersion, msg.kind);
  const log = deps.log;
  const keys = { cluster: msg.cluster, kind: msg.kind, namespace: msg.namespace, name: msg.name, reason: msg.reason, receiveCount };
  if (!kind) {
    log.error('unsupported kind in queue message', keys);
    return { done: false, retry: 'unprocessable', retryAfterSeconds: 0, error: `unsupported kind ${msg.kind}` };
  }
  const started = performance.now();
  const calls = { vendor: 0, kubernetes: 0 };
  const used = (outcome: SyncOutcome, action: string) =>
    deps.onUsage?.({ cluster: msg.cluster, namespace: msg.namespace, name: msg.name, kind: msg.kind, vendor: vendorOf(msg.apiVersion), outcome, action, vendorCalls: calls.vendor, kubernetesCalls: calls.kubernetes, durationMs: performance.now() - started });
  try {
    // Views that count this sync's own calls: the clients are shared with the syncs running beside it.
    const cluster = countingView(await deps.clusters.get(msg.cluster), () => calls.kubernetes++);
    const ctx = createSyncContext(cluster, countingView(deps.http, () => calls.vendor++), log, () => calls.vendor++, ownershipOf(deps));
    const ref = { apiVersion: msg.apiVersion, kind: msg.kind, namespace: msg.namespace, name: msg.name };
    const wake = deps.wake;
    // Resyncs run on their own queue, beside the changes of the same object: a write they need goes through the
    // object's FIFO group on the changes queue, so it can never overtake (and undo) a change.
    if (wake) ctx.handOver = (obj, cause) => wake([{ cluster: msg.cluster, apiVersion: obj.apiVersion, kind: obj.kind, namespace: msg.namespace, name: msg.name, uid: obj.metadata.uid ?? msg.uid }], cause, 'drift');
    const action = msg.event ? await handleEvent(ref, kind, msg.event, ctx) : await reconcile(ref, kind, ctx, { reason: msg.reason });
    log.info('synced', { ...keys, ...(msg.event ? { event: msg.event.type, eventId: msg.event.id } : {}), action });
    deps.onOutcome?.(msg, undefined);
    used(UNCHANGED.has(action) ? 'unchanged' : action === 'blocked' ? 'waiting' : 'synced', action);
    return { done: true, action };
  } catch (e) {
    const err = asSyncError(e);
    deps.onOutcome?.(msg, err.retry);
    const failure = { ...keys, retry: err.retry, conditionReason: err.reason, error: err.message };
    if (err.retry === 'permanent') {
      log.warn('sync failed permanently; waiting for a change', failure);
      used('failed', err.reason);
      return { done: true, action: 'failed' };
    }
    // Waiting for another resource is the normal course of applying several at once, not a warning.
    if (err.retry === 'reference' && receiveCount >= deps.retry.referenceAttempts) {
      log.info('waiting for a reference; the watcher re-enqueues when it appears', failure);
      used('waiting', 'waiting-for-reference');
      return { done: true, action: 'waiting-for-reference' };
    }
    const policy = err.retry === 'reference' ? { ...deps.retry, baseSeconds: deps.retry.referenceBaseSeconds ?? 1 } : deps.retry;
    const retryAfterSeconds = backoffSeconds(policy, receiveCount, err.retryAfterSeconds);
    // A cluster that does not answer or refuses the credentials: one line naming it and why; only its messages wait.
    const unavailable = err.retry === 'transient' ? clusterUnavailable(err) : undefined;
    if (err.retry === 'reference') log.info('waiting for a reference; will retry', { ...failure, retryAfterSeconds });
    else if (err.defect) log.error('sync failed on a defect; will retry, then it stays in the DLQ', { ...failure, retryAfterSeconds });
    else if (unavailable) log.warn('member cluster unavailable; its messages retry', { ...failure, clusterUnavailable: unavailable, retryAfterSeconds });
    else log.warn('sync failed; will retry', { ...failure, retryAfterSeconds });
    if (unavailable) deps.onClusterUnavailable?.(msg.cluster, unavailable);
    used(err.retry === 'reference' ? 'waiting' : 'retrying', unavailable ? `ClusterUnavailable:${unavailable}` : err.reason);
    const retry = err.retry === 'reference' ? 'reference' : err.defect ? 'defect' : 'transient';
    return { done: false, retry, retryAfterSeconds, error: err.message, ...(unavailable ? { clusterUnavailable: unavailable } : {}) };
  }
}

function ownershipOf(deps: SyncDependencies): Ownership | undefined {
  const wake = deps.wake;
  return deps.ownership ? { store: deps.ownership, wake: wake ? (w, cause) => wake(w, cause) : async () => {} } : undefined;
}

/** Actions after which the vendor and the cluster hold what they held before. */
const UNCHANGED = new Set<string>(['unchanged', 'gone', 'not-ours', 'drift-handed-over']);

/**
 * A vendor event for an object: handed to its kind, unless the object is gone or going (its deletion wins); synced
 * right after when the kind answers that what the event recorded changes what its sync concludes.
 */
async function handleEvent(ref: ObjectRef, kind: KindDefinition, event: VendorEvent, ctx: SyncContext): Promise<ReconcileAction | 'event-handled'> {
  const obj = await ctx.cluster.get(ref);
  if (!obj) return 'gone';
  if (obj.metadata.deletionTimestamp || !kind.events) return 'unchanged';
  if ((await kind.events(event, obj, ctx)) === 'sync') return reconcile(ref, kind, ctx);
  return 'event-handled';
}
