import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { failedEntries, type BatchEntry, type QueueTransport } from './queue-sender.ts';

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
      return { failed: failedEntries(entries, res.Successful, res.Failed) };
    },
    async ping() {
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    },
  };
}
