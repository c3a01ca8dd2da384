import middy from '@middy/core';
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dependenciesFromEnv, type HandlerDependencies } from './dependencies.ts';
import { syncRecord } from './sync-record.ts';

/**
 * The sync function: an SQS FIFO batch in, partial batch failures out. A failed message fails the rest of its own
 * group only (skipGroupOnError), so one broken resource never holds up the others.
 */
export function createHandler(deps: () => Promise<HandlerDependencies>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) => {
    const d = await deps();
    const processor = new SqsFifoPartialProcessorAsync();
    return processPartialResponse(event, (record: SQSEvent['Records'][number]) => syncRecord(record, d), processor, { context, skipGroupOnError: true });
  });
}

let cached: Promise<HandlerDependencies> | undefined;
export const handler = createHandler(() => (cached ??= dependenciesFromEnv()));
