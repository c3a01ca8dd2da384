import { describe, expect, it } from 'vitest';
import { deduplicationId, messageGroupId, parseSyncMessage, type SyncMessage } from '../../shared/queue/envelope.ts';
import { createLog } from '../../watcher/log.ts';
import { WatcherMetrics } from '../../watcher/metrics.ts';
import { objectKey, ObjectState, type TrackedType } from '../../watcher/object-state.ts';
import { QueueSender, type BatchEntry, type QueueTransport } from '../../watcher/queue-sender.ts';
import { waitFor } from './helpers.ts';

const API: TrackedType = { apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', plural: 'apiv4definitions', role: 'synced' };

function state(name: string, rv = '1'): ObjectState {
  const st = new ObjectState(API, objectKey(API.apiVersion, API.kind, 'ns', name));
  st.uid = `uid-${name}`;
  st.resourceVersion = rv;
  st.generation = 1;
  return st;
}

/** Records batches; `fail` decides per call whether it throws or which entry ids it refuses. */
function fakeQueue(fail: (call: number, entries: BatchEntry[]) => 'throw' | string[] = () => []) {
  const batches: BatchEntry[][] = [];
  let calls = 0;
  const transport: QueueTransport = {
    async sendBatch(entries) {
      const verdict = fail(calls++, entries);
      if (verdict === 'throw') throw new Error('connection refused');
      batches.push(entries.filter((e) => !verdict.includes(e.id)));
      return { failed: verdict.map((id) => ({ id, code: 'InternalError' })) };
    },
    async ping() {},
  };
  return { transport, batches, messages: () => batches.flat().map((e) => parseSyncMessage(e.body)) };
}

function sender(transport: QueueTransport, metrics = new WatcherMetrics()) {
  return new QueueSender({ transport, clusterId: 'c1', metrics, log: createLog(() => {}), retryBaseMs: 5, retryMaxMs: 20 });
}

describe('queue sender', () => {
  it('sends one message per object: the latest of the events waiting for it', async () => {
    const q = fakeQueue();
    const metrics = new WatcherMetrics();
    const s = sender(q.transport, metrics);
    const a = state('a');
    s.enqueue(a, 'added');
    a.resourceVersion = '2';
    s.enqueue(a, 'spec-changed');
    s.enqueue(state('b'), 'added');
    await waitFor('sent', () => metrics.messagesSent === 2);
    expect(q.messages().map((m) => `${m.name}@${m.resourceVersion}:${m.reason}`)).toEqual(['a@2:spec-changed', 'b@1:added']);
    expect(metrics.coalesced).toBe(1);
  });

  it('batches at most 10 entries, with group and dedup ids of the envelope', async () => {
    const q = fakeQueue();
    const metrics = new WatcherMetrics();
    const s = sender(q.transport, metrics);
    for (let i = 0; i < 25; i++) s.enqueue(state(`o${i}`), 'resync', '42');
    await waitFor('all sent', () => metrics.messagesSent === 25);
    expect(q.batches.every((b) => b.length <= 10)).toBe(true);
    expect(new Set(q.messages().map((m) => m.name)).size).toBe(25);
    for (const e of q.batches.flat()) {
      const m = parseSyncMessage(e.body) as SyncMessage;
      expect(e.groupId).toBe(messageGroupId(m));
      expect(e.deduplicationId).toBe(deduplicationId(m));
      expect(m).toEqual({ v: 1, cluster: 'c1', apiVersion: API.apiVersion, kind: API.kind, namespace: 'ns', name: m.name, uid: `uid-${m.name}`, resourceVersion: '1', generation: 1, reason: 'resync', cause: '42' });
    }
    expect(s.size).toBe(0);
  });

  it('keeps messages pending while the queue fails, counts the errors and sends them once it answers', async () => {
    const q = fakeQueue((call, entries) => (call < 3 ? 'throw' : call === 3 ? [entries[0].id] : []));
    const metrics = new WatcherMetrics();
    const s = sender(q.transport, metrics);
    for (let i = 0; i < 12; i++) s.enqueue(state(`o${i}`), 'added');
    await waitFor('all sent', () => metrics.messagesSent === 12);
    expect(new Set(q.messages().map((m) => m.name)).size).toBe(12);
    expect(q.messages()).toHaveLength(12);
    expect(metrics.sendErrors).toBeGreaterThanOrEqual(4);
    expect(s.reachable).toBe(true);
  });

  it('drains what is pending on request', async () => {
    const q = fakeQueue();
    const s = sender(q.transport);
    s.enqueue(state('a'), 'added');
    expect(await s.drain(5000)).toBe(true);
    expect(q.messages()).toHaveLength(1);
    s.stop();
  });
});
