import type { SQSClient } from '@aws-sdk/client-sqs';

/** Records every message body sent to the queue, to assert what a queue message may carry. */
export function spyOnQueue(sqs: SQSClient): string[] {
  const bodies: string[] = [];
  sqs.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Entries?: { MessageBody?: string }[]; MessageBody?: string };
      for (const e of input.Entries ?? []) if (e.MessageBody) bodies.push(e.MessageBody);
      if (input.MessageBody) bodies.push(input.MessageBody);
      return next(args);
    },
    { step: 'initialize', name: 'apimSyncQueueSpy' },
  );
  return bodies;
}
