import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { deduplicationId, messageGroupId, type SyncMessage } from '../../shared/queue/envelope.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import type { SyncPlane } from '../../local/sync-plane.ts';

/** Puts a message on the queue as the watcher would (or a raw body, to test poison handling). */
export async function sendPointer(plane: SyncPlane, obj: KubeObject, over: Partial<SyncMessage> = {}, cluster = 'local'): Promise<void> {
  const msg: SyncMessage = {
    v: 1,
    cluster,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    uid: obj.metadata.uid ?? '',
    resourceVersion: obj.metadata.resourceVersion ?? '1',
    generation: obj.metadata.generation,
    reason: 'spec-changed',
    ...over,
  };
  await plane.queue.sqs.send(
    new SendMessageCommand({ QueueUrl: plane.queue.queueUrl, MessageBody: JSON.stringify(msg), MessageGroupId: messageGroupId(msg), MessageDeduplicationId: deduplicationId(msg) }),
  );
}
