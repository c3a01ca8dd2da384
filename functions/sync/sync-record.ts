import type { SQSRecord } from 'aws-lambda';
import { syncMessage } from '../../shared/engine/sync-message.ts';
import type { HandlerDependencies } from './dependencies.ts';

export class RetryLater extends Error {}

/** One SQS record: sync it, or push it back with a backoff and report it failed (the rest of its group fails too). */
export async function syncRecord(record: SQSRecord, deps: HandlerDependencies, timeLeft?: () => number): Promise<void> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  // A renewed copy counts the attempts of the copies before it: the backoff keeps growing.
  const attempts = receiveCount + (deps.renewal?.priorAttempts(record) ?? 0);
  // Too little time left for a sync: hand the record back untried (at once, to the next invocation) instead of timing
  // out, which would fail the whole batch, those already synced included. Its receive is spent: on the last before
  // the DLQ it is renewed, as a transient failure is.
  const outcome = timeLeft && timeLeft() < (deps.reserveMs ?? 20_000)
    ? ({ done: false, retry: 'transient', retryAfterSeconds: 0, error: 'not tried: the invocation is near its timeout' } as const)
    : await syncMessage(record.body, attempts, deps);
  if (outcome.done) return;
  // Transient failures retry until they succeed; only what cannot be processed (or a defect) reaches the DLQ.
  if (outcome.retry === 'transient' && deps.renewal && (await renewed(record, receiveCount, attempts, deps))) return;
  try {
    await deps.requeue.after(record, outcome.retryAfterSeconds);
  } catch (err) {
    // Without the delay the message comes back after the queue's visibility timeout: later, never lost.
    deps.log.warn('could not set retry delay', { error: (err as Error).message });
  }
  throw new RetryLater(outcome.error);
}

/**
 * On its last receive before the DLQ, a transiently failing message is sent again as a fresh copy and this one
 * acknowledged (functions/sync/renewal.ts). False when it is not the last receive or the copy could not be sent.
 */
async function renewed(record: SQSRecord, receiveCount: number, attempts: number, deps: HandlerDependencies): Promise<boolean> {
  try {
    if (!(await deps.renewal!.isLastReceive(record, receiveCount))) return false;
    await deps.renewal!.renew(record, attempts);
    return true;
  } catch (err) {
    deps.log.warn('could not renew a transiently failing message; it backs off as usual', { error: (err as Error).message });
    return false;
  }
}
