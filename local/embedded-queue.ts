import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

export interface EmbeddedQueue {
  endpoint: string;
  queueUrl: string;
  dlqUrl: string;
  queueArn: string;
  sqs: SQSClient;
  close(): Promise<void>;
}

/**
 * The real SQS protocol on this machine: fauxqs with a FIFO queue and a FIFO DLQ with redrive, as serverless.yml
 * declares them in AWS. Bound to loopback (fauxqs' own starter listens on every interface).
 */
export async function startEmbeddedQueue(opts: { name?: string; maxReceiveCount?: number; visibilityTimeoutSeconds?: number; port?: number } = {}): Promise<EmbeddedQueue> {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const endpoint = address.replace('localhost', '127.0.0.1');
  const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const name = opts.name ?? 'apim-sync';
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: { FifoQueue: 'true', MessageRetentionPeriod: '1209600' } }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(opts.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: opts.maxReceiveCount ?? 5 }),
      },
    }),
  );
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  return {
    endpoint,
    queueUrl: queue.QueueUrl ?? '',
    dlqUrl: dlq.QueueUrl ?? '',
    queueArn,
    sqs,
    async close() {
      sqs.destroy();
      await app.close();
    },
  };
}
