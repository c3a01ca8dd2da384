import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSyncMessage } from '../../shared/queue/envelope.ts';
import { createLog } from '../../watcher/log.ts';
import { WatcherMetrics } from '../../watcher/metrics.ts';
import { objectKey, ObjectState, type TrackedType } from '../../watcher/object-state.ts';
import { QueueSender, routeOf, type BatchEntry, type QueueTransport } from '../../watcher/queue-sender.ts';
import { ResyncPacer } from '../../watcher/resync-pacer.ts';
import { waitFor } from './helpers.ts';

const API: TrackedType = { apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', plural: 'apiv4definitions', role: 'synced' };

function state(name: string, o: { ready?: boolean; deleting?: boolean } = {}): ObjectState {
  const st = new ObjectState(API, objectKey(API.apiVersion, API.kind, 'ns', name));
  st.uid = `uid-${name}`;
  st.resourceVersion = '1';
  st.generation = 1;
  st.ready = o.ready ?? true;
  st.deleting = o.deleting ?? false;
  return st;
}

function queue() {
  const batches: BatchEntry[][] = [];
  const transport: QueueTransport = {
    async sendBatch(entries) {
      batches.push(entries);
      return { failed: [] };
    },
    async ping() {},
  };
  return { transport, batches, sent: () => batches.flat().map((e) => parseSyncMessage(e.body)).map((m) => `${m.name}:${m.reason}`) };
}

function sender(changes: QueueTransport, resyncs?: QueueTransport, metrics = new WatcherMetrics()) {
  return new QueueSender({ transport: changes, ...(resyncs ? { resyncTransport: resyncs } : {}), clusterId: 'c1', metrics, log: createLog(() => {}) });
}

describe('routing between the changes and the resync queue', () => {
  it('sends the resyncs of objects in step to the resync queue, and everything else to the changes queue', async () => {
    expect(routeOf('resync', state('a'))).toBe('resyncs');
    expect(routeOf('resync', state('a', { ready: false }))).toBe('changes'); // pending work: it may need a create
    expect(routeOf('resync', state('a', { deleting: true }))).toBe('changes');
    for (const reason of ['added', 'spec-changed', 'deleting', 'reference-changed', 'dependent-removed', 'vendor-event'] as const) expect(routeOf(reason, state('a'))).toBe('changes');

    const changes = queue();
    const resyncs = queue();
    const metrics = new WatcherMetrics();
    const s = sender(changes.transport, resyncs.transport, metrics);
    s.enqueue(state('in-step'), 'resync', '7');
    s.enqueue(state('failed', { ready: false }), 'resync', '7');
    s.enqueue(state('changed'), 'spec-changed');
    for (let i = 0; i < 12; i++) s.enqueue(state(`r${i}`), 'resync', '7');
    await waitFor('all sent', () => metrics.messagesSent === 15);
    expect(changes.sent().sort()).toEqual(['changed:spec-changed', 'failed:resync']);
    expect(resyncs.sent()).toHaveLength(13);
    expect(resyncs.sent().every((l) => l.endsWith(':resync'))).toBe(true);
    expect(metrics.resyncMessagesSent).toBe(13);
    // A batch is one queue's: no batch holds a message of the other.
    expect(changes.batches.flat().map((e) => parseSyncMessage(e.body).name)).not.toContain('in-step');
    expect(metrics.snapshot().resyncMessagesSent).toBe(13);
    expect(new WatcherMetrics().render()).toContain('apim_sync_watcher_messages_sent_total{queue="resyncs"} 0');
  });

  it('reads the state when sending: an object that left step while its resync waited goes with the changes', async () => {
    const changes = queue();
    const resyncs = queue();
    const metrics = new WatcherMetrics();
    const s = sender(changes.transport, resyncs.transport, metrics);
    const st = state('a');
    s.enqueue(st, 'resync', '1');
    st.ready = false; // a status write said Ready=False before the batch left
    await waitFor('sent', () => metrics.messagesSent === 1);
    expect(changes.sent()).toEqual(['a:resync']);
    expect(resyncs.sent()).toEqual([]);
  });

  it('never demotes a waiting change to a resync; a change replaces a waiting resync', async () => {
    const changes = queue();
    const resyncs = queue();
    const metrics = new WatcherMetrics();
    const s = sender(changes.transport, resyncs.transport, metrics);
    const a = state('a');
    const b = state('b');
    s.enqueue(a, 'spec-changed');
    s.enqueue(a, 'resync', '3');
    s.enqueue(b, 'resync', '3');
    s.enqueue(b, 'reference-changed', 'ctx@2');
    await waitFor('sent', () => metrics.messagesSent === 2);
    expect(changes.sent().sort()).toEqual(['a:spec-changed', 'b:reference-changed']);
    expect(resyncs.sent()).toEqual([]);
    expect(metrics.coalesced).toBe(2);
  });

  it('without a resync queue, sends everything to the one queue (as before)', async () => {
    const only = queue();
    const metrics = new WatcherMetrics();
    const s = sender(only.transport, undefined, metrics);
    s.enqueue(state('a'), 'resync', '1');
    s.enqueue(state('b'), 'added');
    await waitFor('sent', () => metrics.messagesSent === 2);
    expect(only.sent().sort()).toEqual(['a:resync', 'b:added']);
    expect(metrics.resyncMessagesSent).toBe(0);
  });

  it('is reachable only when both queues answer', async () => {
    const down: QueueTransport = { sendBatch: async () => ({ failed: [] }), ping: async () => Promise.reject(new Error('AccessDenied on the resync queue')) };
    const s = sender(queue().transport, down);
    await expect(s.ping()).rejects.toThrow(/resync queue/);
    expect(s.reachable).toBe(false);
  });
});

describe('resync pacing', () => {
  afterEach(() => vi.useRealTimers());

  function pacer(n: number, o: { maxPerSecond?: number; intervalSeconds?: number } = {}) {
    const objects = new Map<string, number>(Array.from({ length: n }, (_, i) => [`o${i}`, i]));
    const released: Array<{ object: number; epoch: number }> = [];
    const done: Array<[number, number, boolean]> = [];
    const p = new ResyncPacer<number>({
      objects: () => objects.values(),
      count: () => objects.size,
      release: (object, epoch) => released.push({ object, epoch }),
      intervalSeconds: o.intervalSeconds ?? 600,
      maxPerSecond: o.maxPerSecond,
      done: (...d) => done.push(d),
    });
    return { p, objects, released, done };
  }

  it('releases at most maxPerSecond a second, a batch at a time, until every object is out', () => {
    vi.useFakeTimers();
    const { p, released, done } = pacer(100, { maxPerSecond: 20 });
    expect(p.start(1)).toBe(100);
    expect(released).toHaveLength(10); // the first batch at once
    for (let s = 1; s <= 4; s++) {
      vi.advanceTimersByTime(1000);
      expect(released.length).toBeLessThanOrEqual(10 + 20 * s);
      expect(released.length).toBeGreaterThanOrEqual(20 * s - 10);
    }
    expect(p.remaining).toBe(100 - released.length);
    vi.advanceTimersByTime(2000);
    expect(released.map((r) => r.object)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(released.every((r) => r.epoch === 1)).toBe(true);
    expect(done).toEqual([[1, 100, true]]);
    expect(p.remaining).toBe(0);
  });

  it('by default spreads the objects over the resync interval (at least one a second)', () => {
    vi.useFakeTimers();
    const { p, released } = pacer(1000, { intervalSeconds: 100 });
    p.start(1);
    expect(p.perSecond).toBe(10);
    vi.advanceTimersByTime(50_000);
    expect(released.length).toBeGreaterThan(450);
    expect(released.length).toBeLessThanOrEqual(510);
    vi.advanceTimersByTime(50_000);
    expect(released).toHaveLength(1000);

    const small = pacer(5, { intervalSeconds: 600 });
    small.p.start(1);
    expect(small.p.perSecond).toBe(1);
    expect(small.released).toHaveLength(1);
    vi.advanceTimersByTime(4000);
    expect(small.released).toHaveLength(5);
  });

  it('does not burst after a stalled event loop: credit is capped at a second', () => {
    vi.useFakeTimers();
    const { p, released } = pacer(1000, { maxPerSecond: 20 });
    p.start(1);
    vi.setSystemTime(Date.now() + 60_000); // the clock jumps with no timer run
    vi.advanceTimersByTime(1000);
    expect(released.length).toBeLessThanOrEqual(10 + 20 + 20);
  });

  it('a new epoch replaces one still running and starts over; stop releases nothing more', () => {
    vi.useFakeTimers();
    const { p, released, done } = pacer(50, { maxPerSecond: 10 });
    p.start(1);
    vi.advanceTimersByTime(1000);
    const first = released.length;
    p.start(2);
    expect(done).toEqual([[1, first, false]]);
    expect(released.slice(first).map((r) => r.object)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    p.stop();
    vi.advanceTimersByTime(10_000);
    expect(released.filter((r) => r.epoch === 2)).toHaveLength(10);
  });

  it('walks the live map: an object removed before its turn is not released, one added is', () => {
    vi.useFakeTimers();
    const { p, objects, released } = pacer(30, { maxPerSecond: 10 });
    p.start(1);
    objects.delete('o25');
    objects.set('late', 99);
    vi.advanceTimersByTime(5000);
    const out = released.map((r) => r.object);
    expect(out).not.toContain(25);
    expect(out).toContain(99);
    expect(out).toHaveLength(30);
  });
});
