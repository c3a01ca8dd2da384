import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dependenciesFromEnv, type HandlerDependencies } from './dependencies.ts';
import { InvocationUsage } from './invocation-usage.ts';
import { syncRecord } from './sync-record.ts';

/**
 * The sync function: an SQS FIFO batch in, partial batch failures out. A failed message fails the rest of its own
 * group only (skipGroupOnError), so one broken resource never holds up the others.
 */
export function createHandler(deps: () => Promise<HandlerDependencies>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) => {
    const d = await deps();
    // One usage record per sync, priced at the end of the invocation Lambda bills (README, "What a sync costs").
    // Lambda always names the request; a caller's hand-made context may not (tests invoking batches directly).
    const usage = new InvocationUsage(context?.awsRequestId || randomUUID());
    const measured: HandlerDependencies = { ...d, onUsage: (u) => (d.onUsage?.(u), usage.add(u)) };
    const processor = new SqsFifoPartialProcessorAsync();
    try {
      return await processPartialResponse(event, (record: SQSEvent['Records'][number]) => syncRecord(record, measured, timeLeft(context)), processor, { context, skipGroupOnError: true });
    } finally {
      writeUsage(d, usage);
    }
  });
}

/** The invocation's remaining time, from Lambda's context; none for a caller's hand-made context (tests, the local runner). */
function timeLeft(context: Context | undefined): (() => number) | undefined {
  return typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis() : undefined;
}

/** Usage is accounting, never a reason to fail syncs that already happened. */
function writeUsage(d: HandlerDependencies, usage: InvocationUsage): void {
  try {
    d.usage?.write(usage.records());
  } catch (err) {
    d.log.warn('could not write usage records', { error: (err as Error).message });
  }
}

let cached: Promise<HandlerDependencies> | undefined;
export const handler = createHandler(() => (cached ??= dependenciesFromEnv()));
