import { createHash } from 'node:crypto';
import type { SqsSender } from './lazy-sqs.ts';
import { deduplicationId, messageGroupId, SyncMessage } from '../../shared/queue/envelope.ts';
import type { OwnerRef } from '../../shared/ownership/ownership-store.ts';

/**
 * Wakes resources that wait for a vendor object (they lost it to another resource, which was deleted, orphaned or had
 * it taken over): a pointer message each on the changes queue, as the watcher would send, with reason `owner-released`.
 * Also hands a resync's drift correction to the changes queue (reason `drift`), in the object's FIFO group.
 * The waker knows the waiter's name and uid, not its current version: the sync reads the object itself, so the
 * version in the message is only a placeholder, and `cause` (which release) keeps distinct wake-ups from being
 * deduplicated away.
 */
export function sqsWake(sqs: SqsSender, queueUrl: string): (waiters: OwnerRef[], cause: string, reason?: PointerReason) => Promise<void> {
  return async (waiters, cause, reason = 'owner-released') => {
    const { SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
    const messages = waiters.map((w) => wakeMessage(w, cause, reason));
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((m, j) => ({ Id: `w${j}`, MessageBody: JSON.stringify(m), MessageGroupId: messageGroupId(m), MessageDeduplicationId: deduplicationId(m) })),
        }),
      );
      if (out.Failed?.length) throw new Error(`could not wake ${out.Failed.length} of ${batch.length} waiting resources: ${out.Failed[0].Code} ${out.Failed[0].Message ?? ''}`);
    }
  };
}

/** Why the function itself points a resource at the changes queue: its owner went, or a resync found drift to correct. */
export type PointerReason = 'owner-released' | 'drift';

export function wakeMessage(w: OwnerRef, cause: string, reason: PointerReason = 'owner-released'): SyncMessage {
  return SyncMessage.parse({
    v: 1,
    cluster: w.cluster,
    apiVersion: w.apiVersion,
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    uid: w.uid || 'unknown',
    resourceVersion: '0',
    reason,
    cause: cause.length <= 300 ? cause : `${cause.slice(0, 200)}…${createHash('sha256').update(cause).digest('hex')}`,
  });
}
