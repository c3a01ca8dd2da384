import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { queueUrlFromArn, SqsRequeue } from '../../functions/sync/requeue.ts';

const record = (eventSourceARN: string) => ({ receiptHandle: 'rh-1', eventSourceARN }) as SQSRecord;

/** An SQSClient that records the commands it is sent. */
function spy() {
  const sent: Array<{ QueueUrl?: string; ReceiptHandle?: string; VisibilityTimeout?: number }> = [];
  const sqs = { send: async (cmd: ChangeMessageVisibilityCommand) => void sent.push(cmd.input) } as unknown as SQSClient;
  return { sqs, sent };
}

describe('requeue', () => {
  it("backs a message off on the queue it came from: the changes queue's on the changes queue, a resync's on the resync queue", async () => {
    const { sqs, sent } = spy();
    const requeue = new SqsRequeue(sqs);
    await requeue.after(record('arn:aws:sqs:eu-west-1:123456789012:apim-sync-prod-sync.fifo'), 30);
    await requeue.after(record('arn:aws:sqs:eu-west-1:123456789012:apim-sync-prod-resync.fifo'), 99_999);
    expect(sent).toEqual([
      { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/apim-sync-prod-sync.fifo', ReceiptHandle: 'rh-1', VisibilityTimeout: 30 },
      { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/apim-sync-prod-resync.fifo', ReceiptHandle: 'rh-1', VisibilityTimeout: 43_200 },
    ]);
  });

  it('uses the URLs it is given for queues whose URL is not AWS form (the embedded queue), by ARN', async () => {
    const { sqs, sent } = spy();
    const changes = 'arn:aws:sqs:us-east-1:000000000000:apim-sync.fifo';
    const resyncs = 'arn:aws:sqs:us-east-1:000000000000:apim-sync-resync.fifo';
    const requeue = new SqsRequeue(sqs, { [changes]: 'http://127.0.0.1:4566/000000000000/apim-sync.fifo', [resyncs]: 'http://127.0.0.1:4566/000000000000/apim-sync-resync.fifo' });
    await requeue.after(record(resyncs), 5);
    await requeue.after(record(changes), 5);
    expect(sent.map((s) => s.QueueUrl)).toEqual(['http://127.0.0.1:4566/000000000000/apim-sync-resync.fifo', 'http://127.0.0.1:4566/000000000000/apim-sync.fifo']);
    expect(queueUrlFromArn(resyncs, 'http://127.0.0.1:4566')).toBe('http://127.0.0.1:4566/000000000000/apim-sync-resync.fifo');
  });
});
