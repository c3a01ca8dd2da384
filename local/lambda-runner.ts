import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Where the runner failed: receiving from the queue, in the handler (the whole batch fails), deleting what succeeded. */
export type RunnerStage = 'receive' | 'invoke' | 'delete';

/**
 * What Lambda's SQS event source mapping does, on this machine: long-poll the queue, invoke the handler with the
 * same event shape, delete what succeeded and leave the reported failures to come back after their visibility
 * timeout. `concurrency` pollers stand for concurrent function instances.
 */
export class LambdaRunner {
  private readonly opts: {
    sqs: SQSClient;
    queueUrl: string;
    queueArn: string;
    handler: SqsHandler;
    concurrency?: number;
    batchSize?: number;
    waitTimeSeconds?: number;
    /** Told once of an error that every poll meets (a queue down), until that stage succeeds again. */
    onError?: (err: unknown, stage: RunnerStage) => void;
  };
  private readonly failing = new Map<RunnerStage, string>();
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
        this.report('receive', err);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      this.failing.delete('receive');
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
      // A thrown handler fails the whole batch, as in Lambda. Powertools throws when every record failed: each
      // record's failure was logged by the sync itself, so that is no error of the runner's.
      if (!(err instanceof FullBatchFailureError)) this.report('invoke', err);
      return;
    }
    this.failing.delete('invoke');
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length === 0) return;
    await this.opts.sqs
      .send(new DeleteMessageBatchCommand({ QueueUrl: this.opts.queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }))
      .then(
        () => this.failing.delete('delete'),
        (err) => this.report('delete', err),
      );
  }

  /** Reports an error unless the same one was reported at that stage and nothing succeeded there since. */
  private report(stage: RunnerStage, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.failing.get(stage) === message) return;
    this.failing.set(stage, message);
    this.opts.onError?.(err, stage);
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
    // As Lambda hands them over: a renewed message's attempts travel as one (functions/sync/renewal.ts).
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { dataType: v.DataType ?? 'String', stringValue: v.StringValue, stringListValues: [], binaryListValues: [] }]),
    ),
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
