import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

export interface EmbeddedQueue {
  endpoint: string;
  /** The changes queue (serverless.yml's SyncQueue): what a user's apply sends, and every object not in step. */
  queueUrl: string;
  queueArn: string;
  /** The resync queue (ResyncQueue): periodic resyncs of objects in step, read with a concurrency of their own. */
  resyncQueueUrl: string;
  resyncQueueArn: string;
  dlqUrl: string;
  sqs: SQSClient;
  close(): Promise<void>;
}

/**
 * The real SQS protocol on this machine: fauxqs with the two FIFO queues (changes, resyncs) and the FIFO DLQ both
 * redrive to, as serverless.yml declares them in AWS. Bound to loopback (fauxqs' own starter listens on every interface).
 */
export async function startEmbeddedQueue(opts: { name?: string; maxReceiveCount?: number; visibilityTimeoutSeconds?: number; port?: number } = {}): Promise<EmbeddedQueue> {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const endpoint = address.replace('localhost', '127.0.0.1');
  const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const name = opts.name ?? 'apim-sync';
  const arnOf = async (url: string | undefined) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: { FifoQueue: 'true', MessageRetentionPeriod: '1209600' } }));
  const dlqArn = await arnOf(dlq.QueueUrl);
  const fifo = async (queueName: string) => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: queueName,
        Attributes: {
          FifoQueue: 'true',
          ContentBasedDeduplication: 'false',
          VisibilityTimeout: String(opts.visibilityTimeoutSeconds ?? 30),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: opts.maxReceiveCount ?? 5 }),
        },
      }),
    );
    return { url: QueueUrl ?? '', arn: await arnOf(QueueUrl) };
  };
  const changes = await fifo(`${name}.fifo`);
  const resyncs = await fifo(`${name}-resync.fifo`);
  return {
    endpoint,
    queueUrl: changes.url,
    queueArn: changes.arn,
    resyncQueueUrl: resyncs.url,
    resyncQueueArn: resyncs.arn,
    dlqUrl: dlq.QueueUrl ?? '',
    sqs,
    async close() {
      sqs.destroy();
      await app.close();
    },
  };
}
