import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * What Lambda's SQS event source mapping does, on this machine: long-poll the queue, invoke the handler with the
 * same event shape, delete what succeeded and leave the reported failures to come back after their visibility
 * timeout. `concurrency` pollers stand for concurrent function instances.
 */
export class LambdaRunner {
  private readonly opts: { sqs: SQSClient; queueUrl: string; queueArn: string; handler: SqsHandler; concurrency?: number; batchSize?: number; waitTimeSeconds?: number; onError?: (err: unknown) => void };
  private running = false;
  private loops: Promise<void>[] = [];
  private aborter = new AbortController();
  invocations = 0;

  constructor(opts: LambdaRunner['opts']) {
    this.opts = opts;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.aborter = new AbortController();
    for (let i = 0; i < (this.opts.concurrency ?? 4); i++) this.loops.push(this.poll(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.aborter.abort();
    await Promise.allSettled(this.loops);
    this.loops = [];
  }

  private async poll(worker: number): Promise<void> {
    const { sqs, queueUrl } = this.opts;
    while (this.running) {
      let messages: Message[] = [];
      try {
        const res = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: this.opts.batchSize ?? 10,
            WaitTimeSeconds: this.opts.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: this.aborter.signal },
        );
        messages = res.Messages ?? [];
      } catch (err) {
        if (!this.running) return;
        this.opts.onError?.(err);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (messages.length === 0) continue;
      await this.invoke(messages, worker);
    }
  }

  private async invoke(messages: Message[], worker: number): Promise<void> {
    const records = messages.map((m) => toRecord(m, this.opts.queueArn));
    this.invocations++;
    let failed: Set<string>;
    try {
      const res = await this.opts.handler({ Records: records }, lambdaContext(worker));
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (err) {
      // A thrown handler fails the whole batch, as in Lambda.
      this.opts.onError?.(err);
      return;
    }
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length === 0) return;
    await this.opts.sqs
      .send(new DeleteMessageBatchCommand({ QueueUrl: this.opts.queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }))
      .catch((err) => this.opts.onError?.(err));
  }
}

function toRecord(m: Message, queueArn: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      SequenceNumber: a.SequenceNumber,
      MessageGroupId: a.MessageGroupId,
      MessageDeduplicationId: a.MessageDeduplicationId,
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  };
}

function lambdaContext(worker: number): Context {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'apim-sync-local-sync',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:apim-sync-local-sync',
    memoryLimitInMB: '512',
    awsRequestId: `local-${worker}-${Date.now()}`,
    logGroupName: 'local',
    logStreamName: `worker-${worker}`,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
