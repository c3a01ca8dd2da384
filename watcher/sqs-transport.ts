import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BatchEntry, QueueTransport } from './queue-sender.ts';

/** The FIFO queue through the AWS SDK: MessageGroupId per object, MessageDeduplicationId per cause. */
export function sqsTransport(sqs: SQSClient, queueUrl: string): QueueTransport {
  return {
    async sendBatch(entries: BatchEntry[]) {
      const res = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map((e) => ({ Id: e.id, MessageBody: e.body, MessageGroupId: e.groupId, MessageDeduplicationId: e.deduplicationId })),
        }),
      );
      const ok = new Set((res.Successful ?? []).map((s) => s.Id));
      const failed = (res.Failed ?? []).map((f) => ({ id: f.Id ?? '', code: f.Code, message: f.Message }));
      // An entry the answer does not mention is treated as failed, so it is retried rather than lost.
      for (const e of entries) if (!ok.has(e.id) && !failed.some((f) => f.id === e.id)) failed.push({ id: e.id, code: 'Missing', message: undefined });
      return { failed };
    },
    async ping() {
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    },
  };
}
