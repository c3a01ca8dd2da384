import type { SQSRecord } from 'aws-lambda';
import { syncMessage } from '../../shared/engine/sync-message.ts';
import type { HandlerDependencies } from './dependencies.ts';

export class RetryLater extends Error {}

/** One SQS record: sync it, or push it back with a backoff and report it failed (the rest of its group fails too). */
export async function syncRecord(record: SQSRecord, deps: HandlerDependencies): Promise<void> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const outcome = await syncMessage(record.body, receiveCount, deps);
  if (outcome.done) return;
  try {
    await deps.requeue.after(record, outcome.retryAfterSeconds);
  } catch (err) {
    // Without the delay the message comes back after the queue's visibility timeout: later, never lost.
    deps.log.warn('could not set retry delay', { error: (err as Error).message });
  }
  throw new RetryLater(outcome.error);
}
