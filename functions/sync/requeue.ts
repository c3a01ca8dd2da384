import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
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

export class SqsRequeue implements Requeue {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string | undefined;
  constructor(sqs: SQSClient, queueUrl?: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }
  async after(record: SQSRecord, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl ?? queueUrlFromArn(record.eventSourceARN),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
      }),
    );
  }
}
