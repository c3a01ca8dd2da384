import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependenciesFromEnv } from '../../functions/sync/dependencies.ts';
import { sqsWake } from '../../functions/sync/wake.ts';
import { startEmbeddedQueue, type EmbeddedQueue } from '../../local/embedded-queue.ts';
import { DynamoDbOwnershipStore } from '../../shared/ownership/dynamodb-ownership-store.ts';
import { parseSyncMessage } from '../../shared/queue/envelope.ts';

/** The sync function's side of ownership: its table from OWNERSHIP_TABLE, and waking waiters on the changes queue. */
let queue: EmbeddedQueue;
beforeAll(async () => {
  queue = await startEmbeddedQueue({ name: 'ownership-wake' });
});
afterAll(() => queue?.close());

const env = { CLUSTER_REGISTRY_FILE: '/nonexistent/registry.json', AWS_REGION: 'eu-west-1' };

describe('the sync function and ownership records', () => {
  it('keeps records in OWNERSHIP_TABLE and wakes waiters on QUEUE_URL; without a table, none', async () => {
    const withTable = await dependenciesFromEnv({ ...env, OWNERSHIP_TABLE: 'apim-sync-dev-ownership', QUEUE_URL: queue.queueUrl });
    expect(withTable.ownership).toBeInstanceOf(DynamoDbOwnershipStore);
    expect(withTable.wake).toBeTypeOf('function');
    const without = await dependenciesFromEnv(env);
    expect(without.ownership).toBeUndefined();
    expect(without.wake).toBeUndefined();
    await Promise.all([withTable.http.close(), without.http.close()]);
  });

  it('wakes each waiter with a pointer message (reason owner-released) in its own FIFO group; two releases are two messages', async () => {
    const wake = sqsWake(queue.sqs, queue.queueUrl);
    const waiter = (cluster: string, i: number) => ({ cluster, apiVersion: 'capabilities.3scale.net/v1beta1', kind: 'Backend', namespace: 'shop', name: `b${i}`, uid: `uid-${cluster}-${i}` });
    // More than one SendMessageBatch holds.
    const waiters = Array.from({ length: 12 }, (_, i) => waiter(i % 2 ? 'east' : 'west', i));
    await wake(waiters, 'released:3scale/backend/inventory@https://acme-admin.example.com:2026-12-03T10:00:00.000Z');
    await wake([waiters[0]], 'released:3scale/backend/inventory@https://acme-admin.example.com:2026-12-03T10:05:00.000Z');
    const received: { body: string; group?: string }[] = [];
    while (received.length < 13) {
      const { Messages = [] } = await queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['MessageGroupId'], WaitTimeSeconds: 1 }));
      if (Messages.length === 0) break;
      received.push(...Messages.map((m) => ({ body: m.Body!, group: m.Attributes?.MessageGroupId })));
      // Done with, as the runner would: the group's next message (waiter b0's second wake-up) comes after.
      for (const m of Messages) await queue.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    expect(received).toHaveLength(13);
    const messages = received.map((r) => parseSyncMessage(r.body));
    expect(new Set(messages.map((m) => m.reason))).toEqual(new Set(['owner-released']));
    expect(messages.map((m) => `${m.cluster}/${m.name}`).sort()).toEqual([...waiters.map((w) => `${w.cluster}/${w.name}`), `${waiters[0].cluster}/${waiters[0].name}`].sort());
    expect(messages.find((m) => m.name === 'b3')).toMatchObject({ v: 1, cluster: 'east', kind: 'Backend', namespace: 'shop', uid: 'uid-east-3' });
    expect(received.find((r) => parseSyncMessage(r.body).name === 'b3')?.group).toBe('east/Backend.capabilities.3scale.net/shop/b3');
  });
});
