import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTEMPTS_ATTRIBUTE, SqsClusterOutage } from '../../functions/sync/cluster-outage.ts';
import { startEmbeddedQueue, type EmbeddedQueue } from '../../local/embedded-queue.ts';

let queue: EmbeddedQueue;
beforeAll(async () => {
  queue = await startEmbeddedQueue({ name: `outage-${process.pid}`, maxReceiveCount: 5 });
});
afterAll(() => queue?.close());

const record = (over: Partial<SQSRecord> = {}): SQSRecord => ({
  messageId: 'm-1',
  receiptHandle: 'h',
  body: '{"v":1,"cluster":"west"}',
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: 'west/ApiV4Definition.gravitee.io/shop/orders', MessageDeduplicationId: 'd' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: queue.queueArn,
  awsRegion: 'us-east-1',
  ...over,
});

describe('renewing the message of an unavailable cluster', () => {
  it("knows the last receive before the DLQ from the queue's redrive policy (a receive early, counts being approximate)", async () => {
    const outage = new SqsClusterOutage(queue.sqs, () => queue.queueUrl);
    expect(await outage.isLastReceive(record(), 3)).toBe(false);
    expect(await outage.isLastReceive(record(), 4)).toBe(true);
    expect(await outage.isLastReceive(record(), 5)).toBe(true);
  });

  it('sends a copy in the same group carrying its attempts, once per receive and attempt', async () => {
    const outage = new SqsClusterOutage(queue.sqs, () => queue.queueUrl);
    await outage.renew(record(), 4);
    await outage.renew(record(), 4); // the same receive handled twice (a crash before the acknowledgement): deduplicated
    const got = await queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], WaitTimeSeconds: 0 }));
    expect(got.Messages).toHaveLength(1);
    const [m] = got.Messages!;
    expect(m.Body).toBe(record().body);
    expect(m.Attributes?.MessageGroupId).toBe(record().attributes.MessageGroupId);
    expect(m.MessageAttributes?.[ATTEMPTS_ATTRIBUTE]).toMatchObject({ DataType: 'Number', StringValue: '4' });
    // What a copy carries is counted; anything else (a watcher's message, a malformed attribute) is none.
    expect(outage.priorAttempts(record({ messageAttributes: { [ATTEMPTS_ATTRIBUTE]: { dataType: 'Number', stringValue: '4', stringListValues: [], binaryListValues: [] } } }))).toBe(4);
    expect(outage.priorAttempts(record({ messageAttributes: { [ATTEMPTS_ATTRIBUTE]: { dataType: 'Number', stringValue: 'x', stringListValues: [], binaryListValues: [] } } }))).toBe(0);
    expect(outage.priorAttempts(record())).toBe(0);
  });

  it('never renews on a queue without a DLQ', async () => {
    const outage = new SqsClusterOutage(queue.sqs, () => queue.dlqUrl);
    expect(await outage.isLastReceive(record(), 100)).toBe(false);
  });
});
