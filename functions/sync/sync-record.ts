import type { SQSRecord } from 'aws-lambda';
import { syncMessage } from '../../shared/engine/sync-message.ts';
import type { HandlerDependencies } from './dependencies.ts';

export class RetryLater extends Error {}

/** One SQS record: sync it, or push it back with a backoff and report it failed (the rest of its group fails too). */
export async function syncRecord(record: SQSRecord, deps: HandlerDependencies): Promise<void> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  // A copy renewed during a cluster outage counts the attempts of the copies before it: the backoff keeps growing.
  const attempts = receiveCount + (deps.outage?.priorAttempts(record) ?? 0);
  const outcome = await syncMessage(record.body, attempts, deps);
  if (outcome.done) return;
  if (outcome.clusterUnavailable && deps.outage && (await renewed(record, receiveCount, attempts, deps))) return;
  try {
    await deps.requeue.after(record, outcome.retryAfterSeconds);
  } catch (err) {
    // Without the delay the message comes back after the queue's visibility timeout: later, never lost.
    deps.log.warn('could not set retry delay', { error: (err as Error).message });
  }
  throw new RetryLater(outcome.error);
}

/**
 * On its last receive before the DLQ, a message its cluster could not take is sent again as a fresh copy and this one
 * acknowledged (functions/sync/cluster-outage.ts). False when it is not the last receive or the copy could not be sent.
 */
async function renewed(record: SQSRecord, receiveCount: number, attempts: number, deps: HandlerDependencies): Promise<boolean> {
  try {
    if (!(await deps.outage!.isLastReceive(record, receiveCount))) return false;
    await deps.outage!.renew(record, attempts);
    return true;
  } catch (err) {
    deps.log.warn('could not renew the message of an unavailable cluster; it backs off as usual', { error: (err as Error).message });
    return false;
  }
}
