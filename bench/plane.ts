import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SyncPlane } from '../local/sync-plane.ts';
import { deduplicationId, messageGroupId } from '../shared/queue/envelope.ts';
import { pointerMessage } from '../test/support/send-message.ts';
import { progress, round } from './stats.ts';
import type { VendorCalls } from './vendor-calls.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';

/** What the scenarios measure on the sync plane: the calls it made, a queue drained, a resync of every object. */

export const vendorCallsSeen = (plane: SyncPlane, filter?: (verb: string) => boolean) => plane.deps.http.calls.total(filter);

export async function kubeCalls(plane: SyncPlane, filter?: (verb: string) => boolean): Promise<number> {
  return (await plane.deps.clusters.get('local')).calls.total(filter);
}

export const isKubeWrite = (verb: string) => verb !== 'get' && verb !== 'list';

/** Calls of one phase divided by its objects: vendor calls as an emulator counted them, Kubernetes calls as the sync function did. */
export interface CallsPerObject {
  vendor: number;
  vendorByMethod: Record<string, number>;
  vendorByEndpoint: Record<string, number>;
  /** In all, not per object. */
  vendorWrites: number;
  kube: number;
  /** In all, not per object. */
  kubeWrites: number;
}

const perObject = (counts: Record<string, number>, n: number) => Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, round(v / n, 2)]));

/** `vendor` (one phase's calls) and the sync function's Kubernetes calls since the last reset, per object. */
export async function callsPerObjectOf(plane: SyncPlane, vendor: VendorCalls, objects: number): Promise<CallsPerObject> {
  return {
    vendor: round(vendor.total / objects, 2),
    vendorByMethod: perObject(vendor.byMethod, objects),
    vendorByEndpoint: perObject(vendor.byEndpoint, objects),
    vendorWrites: vendor.total - (vendor.byMethod.GET ?? 0),
    kube: round((await kubeCalls(plane)) / objects, 2),
    kubeWrites: await kubeCalls(plane, isKubeWrite),
  };
}

export async function resetCounters(plane: SyncPlane): Promise<void> {
  plane.deps.http.calls.counts.clear();
  (await plane.deps.clusters.get('local')).calls.counts.clear();
}

/** A resync message for each object, as the watcher's periodic resync sends them (batches of 10). */
export async function enqueueResync(plane: SyncPlane, objs: KubeObject[]): Promise<void> {
  const epoch = String(Date.now());
  for (let i = 0; i < objs.length; i += 10) {
    const entries = objs.slice(i, i + 10).map((o, j) => {
      const msg = pointerMessage(o, { reason: 'resync', cause: epoch });
      return { Id: String(j), MessageBody: JSON.stringify(msg), MessageGroupId: messageGroupId(msg), MessageDeduplicationId: deduplicationId(msg) };
    });
    await plane.queue.sqs.send(new SendMessageBatchCommand({ QueueUrl: plane.queue.queueUrl, Entries: entries }));
  }
}

/** Waits until the queue is empty; with a label, shows the messages left at a terminal. */
export async function waitDrained(plane: SyncPlane, timeoutSeconds = 120, label?: string): Promise<void> {
  for (let i = 0; i < timeoutSeconds * 10; i++) {
    const left = await plane.messagesLeft();
    if (left === 0) return;
    if (label && i % 5 === 0) progress(`${label}: ${left} messages left`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`queue did not drain within ${timeoutSeconds} s`);
}
