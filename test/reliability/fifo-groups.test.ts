import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/sync/handler.ts';
import { deduplicationId, messageGroupId, type SyncMessage } from '../../shared/queue/envelope.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { ADMIN, apiV4, managementContext, startGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { waitFor } from '../support/wait.ts';

// fauxqs hands out one message per FIFO group per receive, so group semantics are tested with synthetic batches.
let w: GraviteeWorld;
beforeAll(async () => {
  w = await startGraviteeWorld();
  await w.apply(managementContext('ctx', w.apim.url, { credentials: ADMIN }));
  for (const name of ['x', 'y']) await w.apply(apiV4(name, 'ctx'));
  await w.apply(apiV4('z', 'ctx', { name: '' }));
  for (const name of ['x', 'y']) await w.waitForCondition('ApiV4Definition', name, 'Accepted', 'True');
  await w.waitForCondition('ApiV4Definition', 'z', 'Accepted', 'False');
  await waitFor('queue drained', () => w.plane.drained());
}, 60_000);
afterAll(async () => w?.close());

function record(obj: KubeObject, id: string): SQSRecord {
  const msg: SyncMessage = {
    v: 1,
    cluster: 'local',
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    uid: obj.metadata.uid ?? '',
    resourceVersion: `${obj.metadata.resourceVersion}`,
    reason: 'resync',
    cause: id,
  };
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body: JSON.stringify(msg),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: messageGroupId(msg), MessageDeduplicationId: deduplicationId(msg) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:apim-sync.fifo',
    awsRegion: 'us-east-1',
  };
}

describe('FIFO batches', () => {
  it('fails the rest of a failing group only, acknowledges permanent failures, and sets a retry delay', async () => {
    const [x, y, z] = await Promise.all(['x', 'y', 'z'].map((n) => w.get('ApiV4Definition', n)));
    // x drifts in APIM and APIM refuses writes for a while: its sync must fail and be retried.
    w.apim.state.patchApi('acme', 'dev', `${w.ns}-x`, { description: 'edited in the console' });
    w.apim.faults.inject({ method: 'PUT', path: /\/apis$/, status: 503, times: 5 });
    const delays: [string, number][] = [];
    const handler = createHandler(async () => ({ ...w.plane.deps, requeue: { after: async (r: SQSRecord, s: number) => void delays.push([r.messageId, s]) } }));
    const event: SQSEvent = { Records: [record(x!, 'x1'), record(y!, 'y1'), record(x!, 'x2'), record(z!, 'z1')] };
    const res = await handler(event, {} as Context);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['x1', 'x2']);
    expect(delays.map(([id]) => id)).toEqual(['x1']);
    expect(delays[0][1]).toBeGreaterThanOrEqual(0);
    w.apim.faults.clear();
  });
});
