import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SyncPlane } from '../local/sync-plane.ts';
import { deduplicationId, messageGroupId } from '../shared/queue/envelope.ts';
import { pointerMessage } from '../test/support/send-message.ts';
import { progress } from './stats.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';

/** What the scenarios measure on the sync plane: the calls it made, a queue drained, a resync of every object. */

export const vendorCallsSeen = (plane: SyncPlane, filter?: (verb: string) => boolean) => plane.deps.http.calls.total(filter);

export async function kubeCalls(plane: SyncPlane, filter?: (verb: string) => boolean): Promise<number> {
  return (await plane.deps.clusters.get('local')).calls.total(filter);
}

export const isKubeWrite = (verb: string) => verb !== 'get' && verb !== 'list';

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
