import type { SqsSender } from './lazy-sqs.ts';
import type { SQSRecord } from 'aws-lambda';

/** Makes a failed message visible again after a delay: the queue is the retry timer, nothing waits in memory. */
export interface Requeue {
  after(record: SQSRecord, seconds: number): Promise<void>;
}

/** arn:aws:sqs:REGION:ACCOUNT:NAME → the queue URL, so the function needs no extra configuration. */
export function queueUrlFromArn(arn: string, endpoint?: string): string {
  const [, , , region, account, name] = arn.split(':');
  return `${endpoint ?? `https://sqs.${region}.amazonaws.com`}/${account}/${name}`;
}

/**
 * Sets the visibility timeout of a failed message, on the queue the record came from (its eventSourceARN): the
 * function reads two queues (changes and resyncs), so a fixed queue URL would name the wrong one for half of them.
 */
export class SqsRequeue implements Requeue {
  private readonly sqs: SqsSender;
  private readonly urls: ReadonlyMap<string, string>;
  /** `queueUrls`: the URL of each queue ARN where it is not AWS's own form (the embedded queue of `npm start`). */
  constructor(sqs: SqsSender, queueUrls: Record<string, string> = {}) {
    this.urls = new Map(Object.entries(queueUrls));
    this.sqs = sqs;
  }
  /** The URL of the queue a record was received from. */
  queueUrlOf(record: SQSRecord): string {
    return this.urls.get(record.eventSourceARN) ?? queueUrlFromArn(record.eventSourceARN);
  }
  async after(record: SQSRecord, seconds: number): Promise<void> {
    const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrlOf(record),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
      }),
    );
  }
}
