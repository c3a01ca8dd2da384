import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { expect, it } from 'vitest';
import { createHandler } from '../../functions/sync/handler.ts';
import type { FaultRule } from '../../emulators/common/faults.ts';
import type { SyncPlane } from '../../local/sync-plane.ts';
import { crashBeforeFirstStatusWrite } from './crash.ts';
import { spyOnRetryDelays } from './queue-spy.ts';
import { sendPointer, sqsRecord } from './send-message.ts';
import { waitFor } from './wait.ts';
import type { ClusterUnderTest } from './cluster-under-test.ts';
import type { WorldObjects } from './world-objects.ts';

/** What the reliability cases need of an end-to-end world, whatever the vendor. */
export interface SyncedWorld extends WorldObjects {
  plane: SyncPlane;
}

/** One kind of one vendor as the reliability cases see it; the vendor's test file says what is particular. */
export interface ReliabilityCase<W extends SyncedWorld = SyncedWorld> {
  world: () => W;
  kind: string;
  /** The condition that says the resource is in sync with the vendor (`Accepted`, `Synced`, `Ready`). */
  condition: string;
  /** The resource named `name`, with extra metadata (annotations). */
  make: (name: string, metadata?: Record<string, unknown>) => Record<string, unknown>;
  /** How many objects the vendor holds for the resource named `name`. */
  copies: (name: string) => number;
}

/** A vendor emulator's fault injection and call log. */
export interface FaultyVendor {
  faults: { inject(rule: FaultRule): void };
  calls: { method: string; path: string; status: number }[];
}

/** A vendor write (create or update) the faults are aimed at. */
export interface VendorWrite {
  method: string;
  path: RegExp;
}

/** Above the e2e worlds' maximum backoff (2 s), so a retry delay this long can only come from the Retry-After. */
const RETRY_AFTER_SECONDS = 3;

/**
 * Each transient fault once: a 5xx, a connection reset, a 429 with Retry-After, and an answer slower than the
 * client's timeout (which 3scale still carries out: the retry must find what it did). Needs a world whose
 * vendorTimeoutMs is below `slowerThanTimeoutMs`.
 */
function transientFaults(write: VendorWrite, slowerThanTimeoutMs: number): FaultRule[] {
  return [
    { ...write, status: 503, times: 1 },
    { ...write, dropConnection: true, times: 1 },
    { ...write, status: 429, retryAfterSeconds: RETRY_AFTER_SECONDS, times: 1 },
    { ...write, delayMs: slowerThanTimeoutMs, times: 1 },
  ];
}

/** The statuses `write` was answered with since call number `from` (0 = dropped connection), in order. */
export function statusesOf(vendor: FaultyVendor, write: VendorWrite, from = 0): number[] {
  return vendor.calls.slice(from).filter((c) => c.method === write.method && write.path.test(c.path)).map((c) => c.status);
}

/**
 * Transient faults on the create, then on an update: both retried through the queue until the resource is in sync,
 * with exactly one vendor object. The slow answer was carried out: unless the write is an idempotent upsert, the
 * retry finds what it did and never sends it again. `change` is the resource with another spec; `changed` says the
 * vendor holds it.
 */
export function itRidesOutTransientFaults<W extends SyncedWorld>(
  c: ReliabilityCase<W>,
  f: {
    vendor: () => FaultyVendor;
    create: VendorWrite;
    update: VendorWrite;
    slowerThanTimeoutMs: number;
    change: (name: string) => Record<string, unknown>;
    changed: (name: string) => boolean;
    idempotentWrites?: boolean;
  },
): void {
  it(`rides out 5xx, resets, 429 with Retry-After and slow answers on the ${c.kind} create and update, with one vendor object`, async () => {
    const w = c.world();
    const delays = spyOnRetryDelays(w.plane);
    for (const [write, apply] of [
      [f.create, () => w.apply(c.make('faults'))],
      [f.update, () => w.apply(f.change('faults'))],
    ] as const) {
      const from = f.vendor().calls.length;
      for (const rule of transientFaults(write, f.slowerThanTimeoutMs)) f.vendor().faults.inject(rule);
      await apply();
      await w.waitForCondition(c.kind, 'faults', c.condition, 'True');
      expect(c.copies('faults')).toBe(1);
      const statuses = statusesOf(f.vendor(), write, from);
      expect(statuses.slice(0, 3)).toEqual([503, 0, 429]);
      const carriedOut = statuses.slice(3).filter((s) => s >= 200 && s < 300);
      if (f.idempotentWrites) expect(carriedOut.length).toBeGreaterThanOrEqual(1);
      else expect(carriedOut).toHaveLength(1);
      const retried = delays.splice(0).filter((d) => d.kind === c.kind && d.name === 'faults');
      expect(retried.length).toBeGreaterThanOrEqual(4);
      expect(retried.some((d) => d.seconds >= RETRY_AFTER_SECONDS)).toBe(true);
    }
    expect(f.changed('faults')).toBe(true);
  });
}

/** Duplicate and out-of-order pointers (stale resourceVersion, other reasons) converge without another vendor write. */
export function itConvergesOnRedelivery<W extends SyncedWorld>(c: ReliabilityCase<W>, writes: () => number): void {
  it(`converges with duplicate and out-of-order deliveries of a ${c.kind}, without writing again`, async () => {
    const w = c.world();
    await w.apply(c.make('dup'));
    const synced = await w.waitForCondition(c.kind, 'dup', c.condition, 'True');
    await waitFor('queue drained', () => w.plane.drained());
    const before = writes();
    const stale = { ...synced, metadata: { ...synced.metadata, resourceVersion: '1' } };
    for (const [obj, reason] of [[synced, 'spec-changed'], [stale, 'added'], [synced, 'resync'], [stale, 'spec-changed'], [synced, 'reference-changed']] as const) {
      await sendPointer(w.plane, obj, { reason, cause: String(Math.random()) });
    }
    await waitFor('queue drained', () => w.plane.drained());
    expect(c.copies('dup')).toBe(1);
    expect(writes()).toBe(before);
    await w.waitForCondition(c.kind, 'dup', c.condition, 'True');
  });
}

/** A crash after the vendor create and before the status write converges on redelivery, with one vendor object. */
export function itCreatesNoDuplicateAfterACrash<W extends SyncedWorld>(c: ReliabilityCase<W>, name = 'crash'): void {
  it(`creates no duplicate ${c.kind} after a crash between the create and the status write`, async () => {
    const w = c.world();
    const crash = await crashBeforeFirstStatusWrite(w.plane, name);
    try {
      await w.apply(c.make(name));
      await w.waitForCondition(c.kind, name, c.condition, 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(c.copies(name)).toBe(1);
    } finally {
      crash.restore();
    }
  });
}

/** A message that is no pointer at all ends in the DLQ after the queue's maxReceiveCount; others sync meanwhile. */
export function itSendsPoisonToTheDlq<W extends SyncedWorld>(c: ReliabilityCase<W>): void {
  it('sends a poison message to the DLQ after maxReceiveCount, without blocking other objects', async () => {
    const w = c.world();
    const body = `{"not":"an envelope","kind":"${c.kind}"}`;
    await w.plane.queue.sqs.send(new SendMessageCommand({ QueueUrl: w.plane.queue.queueUrl, MessageBody: body, MessageGroupId: 'poison', MessageDeduplicationId: `poison-${c.kind}` }));
    await w.apply(c.make('beside-poison'));
    await w.waitForCondition(c.kind, 'beside-poison', c.condition, 'True');
    const dead = await waitFor('poison in the DLQ', async () => {
      const res = await w.plane.queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: w.plane.queue.dlqUrl, WaitTimeSeconds: 1 }));
      return res.Messages?.find((m) => m.Body === body);
    });
    expect(dead.Body).toBe(body);
  });
}

/** A resource by kind and name. */
export interface Named {
  kind: string;
  name: string;
}

/**
 * One synthetic batch (fauxqs hands out one message per FIFO group per receive): `failing` is made to fail
 * transiently by `breakFailing` (drift the vendor then refuses to revert), `good` syncs, `malformed` fails for good.
 * Only the failing group's messages are reported failed, the first with a retry delay; the permanent failure is
 * acknowledged. All three are synced (or refused) before.
 */
export function itFailsOnlyTheFailingGroup<W extends SyncedWorld>(g: { world: () => W; failing: Named; good: Named; malformed: Named; breakFailing(): void; heal(): void }): void {
  it('fails the rest of a failing group only, acknowledges permanent failures, and sets a retry delay', async () => {
    const w = g.world();
    await waitFor('queue drained', () => w.plane.drained());
    const [x, y, z] = await Promise.all([g.failing, g.good, g.malformed].map((r) => w.get(r.kind, r.name)));
    g.breakFailing();
    try {
      const delays: [string, number][] = [];
      const handler = createHandler(async () => ({ ...w.plane.deps, requeue: { after: async (r: SQSRecord, s: number) => void delays.push([r.messageId, s]) } }));
      // Drift corrections (a resync in step only hands drift over to the changes queue, where these messages write).
      const res = await handler({ Records: [sqsRecord(x!, 'x1', 'drift'), sqsRecord(y!, 'y1', 'drift'), sqsRecord(x!, 'x2', 'drift'), sqsRecord(z!, 'z1', 'drift')] }, {} as Context);
      expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['x1', 'x2']);
      expect(delays.map(([id]) => id)).toEqual(['x1']);
      expect(delays[0][1]).toBeGreaterThanOrEqual(0);
    } finally {
      g.heal();
    }
  });
}

/**
 * No secret in a queue message (which carries no spec at all), a log line, a status or an event. `queued` is what
 * spyOnQueue recorded since the world started; `kinds` are the synced kinds whose statuses are read.
 */
export function itKeepsSecretsOut<W extends SyncedWorld & { cluster: ClusterUnderTest; ns: string; logs: string[] }>(c: {
  world: () => W;
  queued: () => string[];
  secrets: () => string[];
  kinds: [apiVersion: string, kind: string][];
}): void {
  it('keeps every secret out of queue messages, logs, statuses and events', async () => {
    const w = c.world();
    const statuses: string[] = [];
    for (const [apiVersion, kind] of c.kinds) {
      const list = (await w.cluster.objects.list(apiVersion, kind, w.ns)).items;
      statuses.push(...list.map((o) => JSON.stringify((o as { status?: unknown }).status ?? {})));
    }
    const events = (await w.cluster.core.listNamespacedEvent({ namespace: w.ns })).items.map((e) => JSON.stringify(e));
    expect(c.queued().length).toBeGreaterThan(0);
    expect(w.logs.length).toBeGreaterThan(0);
    for (const [where, lines] of Object.entries({ queue: c.queued(), logs: w.logs, statuses, events })) {
      for (const s of c.secrets()) expect(lines.filter((l) => l.includes(s)), `${where} must not contain a secret`).toEqual([]);
    }
    for (const body of c.queued()) expect(Object.keys(JSON.parse(body)).sort()).not.toContain('spec');
  });
}
