import type { SQSClient } from '@aws-sdk/client-sqs';

/** What the function's queue writers (requeue, renewal, wake-ups) need of SQS. */
export type SqsSender = Pick<SQSClient, 'send'>;

/**
 * One SQS client per container, made on its first call: most invocations send nothing to the queue, and the cold
 * start should not pay for loading the SDK. Requeue, renewal and wake-ups share it.
 */
export function lazySqs(config: { endpoint?: string } = {}): SqsSender {
  let client: Promise<SQSClient> | undefined;
  const made = () => (client ??= import('@aws-sdk/client-sqs').then(({ SQSClient }) => new SQSClient(config.endpoint ? { endpoint: config.endpoint } : {})));
  return { send: (async (command: never) => (await made()).send(command)) as SQSClient['send'] };
}
