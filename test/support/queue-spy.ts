import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SyncPlane } from '../../local/sync-plane.ts';

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

/** Records the retry delay the sync function asks for each failed message (kind, name, seconds). */
export function spyOnRetryDelays(plane: SyncPlane): { kind: string; name: string; seconds: number }[] {
  const delays: { kind: string; name: string; seconds: number }[] = [];
  const requeue = plane.deps.requeue;
  const after = requeue.after.bind(requeue);
  requeue.after = async (record, seconds) => {
    const { kind = '', name = '' } = (JSON.parse(record.body) ?? {}) as { kind?: string; name?: string };
    delays.push({ kind, name, seconds });
    return after(record, seconds);
  };
  return delays;
}
