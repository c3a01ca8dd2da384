import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTEMPTS_ATTRIBUTE, SqsRetryRenewal } from '../../functions/sync/renewal.ts';
import { RetryLater, syncRecord } from '../../functions/sync/sync-record.ts';
import type { HandlerDependencies } from '../../functions/sync/dependencies.ts';
import { missingReference, transient } from '../../shared/engine/errors.ts';
import { KindCatalog } from '../../shared/engine/kind-catalog.ts';
import { jsonLogger } from '../../shared/log.ts';
import { VendorHttp } from '../../shared/vendor-http/vendor-http.ts';
import { syncKinds } from '../../vendors/sync-kinds.ts';
import { startEmbeddedQueue, type EmbeddedQueue } from '../../local/embedded-queue.ts';

let queue: EmbeddedQueue;
beforeAll(async () => {
  queue = await startEmbeddedQueue({ name: `renewal-${process.pid}`, maxReceiveCount: 5 });
});
afterAll(() => queue?.close());

const record = (over: Partial<SQSRecord> = {}): SQSRecord => ({
  messageId: 'm-1',
  receiptHandle: 'h',
  body: '{"v":1,"cluster":"west"}',
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: 'west/ApiV4Definition.gravitee.io/shop/orders', MessageDeduplicationId: 'd' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: queue.queueArn,
  awsRegion: 'us-east-1',
  ...over,
});

describe('renewing a transiently failing message', () => {
  it("knows the last receive before the DLQ from the queue's redrive policy (a receive early, counts being approximate)", async () => {
    const renewal = new SqsRetryRenewal(queue.sqs, () => queue.queueUrl);
    expect(await renewal.isLastReceive(record(), 3)).toBe(false);
    expect(await renewal.isLastReceive(record(), 4)).toBe(true);
    expect(await renewal.isLastReceive(record(), 5)).toBe(true);
  });

  it('sends a copy in the same group carrying its attempts, once per receive and attempt', async () => {
    const renewal = new SqsRetryRenewal(queue.sqs, () => queue.queueUrl);
    await renewal.renew(record(), 4);
    await renewal.renew(record(), 4); // the same receive handled twice (a crash before the acknowledgement): deduplicated
    const got = await queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], WaitTimeSeconds: 0 }));
    expect(got.Messages).toHaveLength(1);
    const [m] = got.Messages!;
    expect(m.Body).toBe(record().body);
    expect(m.Attributes?.MessageGroupId).toBe(record().attributes.MessageGroupId);
    expect(m.MessageAttributes?.[ATTEMPTS_ATTRIBUTE]).toMatchObject({ DataType: 'Number', StringValue: '4' });
    // What a copy carries is counted; anything else (a watcher's message, a malformed attribute) is none.
    expect(renewal.priorAttempts(record({ messageAttributes: { [ATTEMPTS_ATTRIBUTE]: { dataType: 'Number', stringValue: '4', stringListValues: [], binaryListValues: [] } } }))).toBe(4);
    expect(renewal.priorAttempts(record({ messageAttributes: { [ATTEMPTS_ATTRIBUTE]: { dataType: 'Number', stringValue: 'x', stringListValues: [], binaryListValues: [] } } }))).toBe(0);
    expect(renewal.priorAttempts(record())).toBe(0);
  });

  it('never renews on a queue without a DLQ', async () => {
    const renewal = new SqsRetryRenewal(queue.sqs, () => queue.dlqUrl);
    expect(await renewal.isLastReceive(record(), 100)).toBe(false);
  });
});

/** Receives what the queue holds now (and deletes it, so each test starts from an empty queue). */
async function drain(): Promise<{ body?: string; attempts?: string }[]> {
  const { DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
  const got = await queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }));
  for (const m of got.Messages ?? []) await queue.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  return (got.Messages ?? []).map((m) => ({ body: m.Body, attempts: m.MessageAttributes?.[ATTEMPTS_ATTRIBUTE]?.StringValue }));
}

describe('which failures are renewed before the DLQ (functions/sync/sync-record.ts)', () => {
  const pointer = JSON.stringify({ v: 1, cluster: 'east', apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', namespace: 'shop', name: 'orders', uid: 'u1', resourceVersion: '7', reason: 'spec-changed' });
  let reads = 0;
  /** A sync that fails with `failure` (thrown where the sync reads its cluster), its receive `receiveCount`. */
  async function run(failure: unknown, receiveCount: number, body = pointer, timeLeftMs?: number) {
    const delays: number[] = [];
    const deps: HandlerDependencies = {
      clusters: { get: async () => (reads++, Promise.reject(failure)) },
      kinds: new KindCatalog(syncKinds),
      http: new VendorHttp({ policy: { allowLoopback: true, allowLinkLocal: false } }),
      log: jsonLogger({ level: 'ERROR', sink: () => {} }),
      retry: { baseSeconds: 10, maxSeconds: 900, referenceAttempts: 10 },
      requeue: { after: async (_r, seconds) => void delays.push(seconds) },
      renewal: new SqsRetryRenewal(queue.sqs, () => queue.queueUrl),
    };
    const r = record({ body, messageId: `m-${Math.random()}`, attributes: { ...record().attributes, ApproximateReceiveCount: String(receiveCount), MessageGroupId: `east/shop/orders-${Math.random()}` } });
    const thrown = await syncRecord(r, deps, timeLeftMs === undefined ? undefined : () => timeLeftMs).then(() => undefined, (e: unknown) => e);
    return { acknowledged: thrown === undefined, retryLater: thrown instanceof RetryLater, delays, queued: await drain() };
  }
  const vendor503 = transient('ControlPlaneError', 'request [GET] https://apim.example/x failed with status 503');

  it('renews a vendor failure on its last receive: a fresh copy carrying the attempts, the old one acknowledged', async () => {
    expect(await run(vendor503, 4)).toEqual({ acknowledged: true, retryLater: false, delays: [], queued: [{ body: pointer, attempts: '4' }] });
  });

  it('backs off as usual before the last receive', async () => {
    const early = await run(vendor503, 2);
    expect(early).toMatchObject({ acknowledged: false, retryLater: true, queued: [] });
    expect(early.delays).toHaveLength(1);
  });

  it('renews the ownership store being unavailable and an unclassified SDK error, as transient', async () => {
    expect(await run(transient('OwnershipStoreUnavailable', 'ownership record get failed: throttled'), 4)).toMatchObject({ acknowledged: true, queued: [{ attempts: '4' }] });
    expect(await run(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), 4)).toMatchObject({ acknowledged: true, queued: [{ attempts: '4' }] });
  });

  it('leaves a defect, a malformed message and an unsupported kind to the DLQ', async () => {
    const dlqBound = { acknowledged: false, retryLater: true, queued: [] };
    expect(await run(new TypeError("Cannot read properties of undefined (reading 'spec')"), 4)).toMatchObject(dlqBound);
    expect(await run(vendor503, 4, '{"not":"a pointer"}')).toMatchObject(dlqBound);
    expect(await run(vendor503, 4, pointer.replace('ApiV4Definition', 'NoSuchKind'))).toMatchObject(dlqBound);
  });

  it('near the invocation timeout, hands a record back untried at once (renewed on its last receive) instead of timing out', async () => {
    const before = reads;
    expect(await run(vendor503, 2, pointer, 5_000)).toEqual({ acknowledged: false, retryLater: true, delays: [0], queued: [] });
    expect(await run(vendor503, 4, pointer, 5_000)).toEqual({ acknowledged: true, retryLater: false, delays: [], queued: [{ body: pointer, attempts: '4' }] });
    expect(reads).toBe(before); // the sync never started: it never read its cluster
    // With time enough, the sync runs (and here meets the vendor failure).
    expect(await run(vendor503, 2, pointer, 50_000)).toMatchObject({ acknowledged: false, retryLater: true });
  });

  it('does not renew a missing reference (the watcher re-enqueues it when the reference appears)', async () => {
    expect(await run(missingReference('ManagementContext shop/apim not found'), 4)).toMatchObject({ acknowledged: false, retryLater: true, queued: [] });
  });
});
