import type { SQSClient } from '@aws-sdk/client-sqs';
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
 * Sets the visibility timeout of a failed message. The SQS client is loaded on the first failure only: most
 * invocations never need it, and the function's cold start should not pay for it.
 */
export class SqsRequeue implements Requeue {
  private sqs: SQSClient | Promise<SQSClient>;
  private readonly queueUrl: string | undefined;
  constructor(sqs: SQSClient | { endpoint?: string }, queueUrl?: string) {
    this.queueUrl = queueUrl;
    this.sqs = 'send' in sqs ? sqs : import('@aws-sdk/client-sqs').then(({ SQSClient }) => new SQSClient(sqs.endpoint ? { endpoint: sqs.endpoint } : {}));
  }
  async after(record: SQSRecord, seconds: number): Promise<void> {
    const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
    await (await this.sqs).send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl ?? queueUrlFromArn(record.eventSourceARN),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
      }),
    );
  }
}
