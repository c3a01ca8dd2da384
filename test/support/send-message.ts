import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { deduplicationId, messageGroupId, type SyncMessage } from '../../shared/queue/envelope.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import type { SyncPlane } from '../../local/sync-plane.ts';

/** Puts a message on the queue as the watcher would (or a raw body, to test poison handling). */
export async function sendPointer(plane: SyncPlane, obj: KubeObject, over: Partial<SyncMessage> = {}, cluster = 'local'): Promise<void> {
  const msg = pointerMessage(obj, over, cluster);
  await plane.queue.sqs.send(
    new SendMessageCommand({ QueueUrl: plane.queue.queueUrl, MessageBody: JSON.stringify(msg), MessageGroupId: messageGroupId(msg), MessageDeduplicationId: deduplicationId(msg) }),
  );
}

/** The pointer the watcher would send for `obj` (also used by the bench's resync). */
export function pointerMessage(obj: KubeObject, over: Partial<SyncMessage> = {}, cluster = 'local'): SyncMessage {
  return {
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
}

/** The SQS record Lambda would hand the sync function for a pointer to `obj` (a resync by default): to build synthetic batches. */
export function sqsRecord(obj: KubeObject, id: string, reason: SyncMessage['reason'] = 'resync'): SQSRecord {
  const msg = pointerMessage(obj, { reason, cause: id });
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body: JSON.stringify(msg),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: messageGroupId(msg), MessageDeduplicationId: deduplicationId(msg) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:apim-sync.fifo',
    awsRegion: 'us-east-1',
  };
}
