import type { SqsSender } from './lazy-sqs.ts';
import type { SQSRecord } from 'aws-lambda';

/**
 * Keeps a message whose failure is transient (a vendor's 5xx, 429 or timeout, a member cluster down or refusing the
 * credentials, the ownership store unavailable) out of the DLQ however long it lasts. The DLQ is for what cannot be
 * processed: SQS moves a message there once it has been received `maxReceiveCount` times, and a few minutes of
 * failures would exhaust that. So on its last receive such a message is sent again as a fresh copy (same body, same
 * FIFO group, so only that object's syncs wait) carrying how many attempts it has had, and this one is acknowledged.
 * The attempts keep growing the backoff across copies, so a long outage costs one try per object every
 * RETRY_MAX_SECONDS, not a burst every few receives.
 */
export interface RetryRenewal {
  /** Attempts made before this copy of the message (0 for a message from the watcher). */
  priorAttempts(record: SQSRecord): number;
  /** True when this receive is the last before the queue would move the message to its DLQ. */
  isLastReceive(record: SQSRecord, receiveCount: number): Promise<boolean>;
  /** Sends the fresh copy; the caller then acknowledges the record. */
  renew(record: SQSRecord, attempts: number): Promise<void>;
}

/** The message attribute a renewed copy carries: attempts made before it. */
export const ATTEMPTS_ATTRIBUTE = 'apim-sync-attempts';

export class SqsRetryRenewal implements RetryRenewal {
  private readonly sqs: SqsSender;
  private readonly queueUrlOf: (record: SQSRecord) => string;
  /** Queue URL → its redrive policy's maxReceiveCount (undefined: no DLQ), read once per container. */
  private readonly maxReceives = new Map<string, Promise<number | undefined>>();

  constructor(sqs: SqsSender, queueUrlOf: (record: SQSRecord) => string) {
    this.sqs = sqs;
    this.queueUrlOf = queueUrlOf;
  }

  priorAttempts(record: SQSRecord): number {
    const n = Number(record.messageAttributes?.[ATTEMPTS_ATTRIBUTE]?.stringValue ?? 0);
    return Number.isInteger(n) && n > 0 ? n : 0;
  }

  async isLastReceive(record: SQSRecord, receiveCount: number): Promise<boolean> {
    const max = await this.maxReceiveCount(this.queueUrlOf(record));
    // ApproximateReceiveCount may lag by one: renew a receive early rather than risk the DLQ.
    return max !== undefined && receiveCount >= Math.max(1, max - 1);
  }

  async renew(record: SQSRecord, attempts: number): Promise<void> {
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrlOf(record),
        MessageBody: record.body,
        MessageGroupId: record.attributes.MessageGroupId,
        // One copy per received message and attempt: a redelivery of this receive (a crash before the acknowledgement)
        // is deduplicated by SQS instead of doubling the copies.
        MessageDeduplicationId: `${record.messageId}-${attempts}`,
        MessageAttributes: { [ATTEMPTS_ATTRIBUTE]: { DataType: 'Number', StringValue: String(attempts) } },
      }),
    );
  }

  private maxReceiveCount(queueUrl: string): Promise<number | undefined> {
    let max = this.maxReceives.get(queueUrl);
    if (!max) {
      max = (async () => {
        const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
        const { Attributes } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }));
        const policy = Attributes?.RedrivePolicy ? (JSON.parse(Attributes.RedrivePolicy) as { maxReceiveCount?: number | string }) : undefined;
        return policy?.maxReceiveCount === undefined ? undefined : Number(policy.maxReceiveCount);
      })();
      // A failed read is tried again next time, not cached.
      max.catch(() => this.maxReceives.delete(queueUrl));
      this.maxReceives.set(queueUrl, max);
    }
    return max;
  }
}
