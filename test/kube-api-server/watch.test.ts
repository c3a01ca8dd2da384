import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Watch } from '@kubernetes/client-node';
import { CONTEXTS, MERGE, context, startHarness, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ bookmarkIntervalMs: 50 });
});
afterAll(() => h.server.close());

interface Seen {
  type: string;
  obj: any;
}

/** Opens a watch and collects events; `until` resolves once a predicate over the events holds. */
async function watch(path: string, query: Record<string, string | number | boolean>) {
  const events: Seen[] = [];
  let done: ((err: unknown) => void) | undefined;
  const ended = new Promise<unknown>((resolve) => (done = resolve));
  const waiters: { pred: (e: Seen[]) => boolean; resolve: () => void }[] = [];
  const controller = await new Watch(h.server.kubeConfig()).watch(
    path,
    query,
    (type, obj) => {
      events.push({ type, obj });
      for (const w of [...waiters]) if (w.pred(events)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
    },
    (err) => done!(err),
  );
  return {
    events,
    ended,
    stop: () => controller.abort(),
    until: (pred: (e: Seen[]) => boolean) => (pred(events) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pred, resolve }))),
  };
}

const path = (ns: string) => `/apis/gravitee.io/v1alpha1/namespaces/${ns}/managementcontexts`;
const names = (events: Seen[], type?: string) => events.filter((e) => !type || e.type === type).map((e) => `${e.type} ${e.obj.metadata.name}`);

describe('watch', () => {
  it('sends ADDED for existing objects from resourceVersion 0, then live events, DELETED with the last state', async () => {
    const ns = 'w1';
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('a') });
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('b') });
    const w = await watch(path(ns), { resourceVersion: '0' });
    await w.until((e) => e.length >= 2);
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'a', body: { metadata: { labels: { x: 'y' } } } }, MERGE);
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'b' });
    await w.until((e) => e.length >= 4);
    w.stop();
    expect(names(w.events)).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'DELETED b']);
    expect(w.events[2].obj.metadata.labels).toEqual({ x: 'y' });
    expect(w.events[3].obj.spec.baseUrl).toBe('http://gravitee:8083');
    expect(Number(w.events[3].obj.metadata.resourceVersion)).toBeGreaterThan(Number(w.events[2].obj.metadata.resourceVersion));
  });

  it('replays events after a given resourceVersion', async () => {
    const ns = 'w2';
    const first = (await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('a') })) as any;
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('b') });
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'a', body: { spec: { path: '/x' } } }, MERGE);
    const w = await watch(path(ns), { resourceVersion: first.metadata.resourceVersion });
    await w.until((e) => e.length >= 2);
    w.stop();
    expect(names(w.events)).toEqual(['ADDED b', 'MODIFIED a']);
  });

  it('sends BOOKMARK events with the current resourceVersion when allowed', async () => {
    const list = (await h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: 'w3' })) as any;
    const w = await watch(path('w3'), { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true });
    await w.until((e) => e.some((x) => x.type === 'BOOKMARK'));
    w.stop();
    const b = w.events.find((x) => x.type === 'BOOKMARK')!;
    expect(b.obj.kind).toBe('ManagementContext');
    expect(Number(b.obj.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(list.metadata.resourceVersion));
  });

  it('answers a too old resourceVersion with an ERROR event carrying a 410 Expired Status after compact()', async () => {
    const ns = 'w4';
    const c = (await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('a') })) as any;
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'a', body: { spec: { path: '/y' } } }, MERGE);
    h.server.compact();
    const w = await watch(path(ns), { resourceVersion: c.metadata.resourceVersion });
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0].type).toBe('ERROR');
    expect(w.events[0].obj).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
    expect(w.events[0].obj.message).toMatch(new RegExp(`^too old resource version: ${c.metadata.resourceVersion} \\(\\d+\\)$`));
  });

  it('ends open watches on dropWatches()', async () => {
    const w = await watch(path('w5'), { resourceVersion: '0' });
    h.server.dropWatches();
    await expect(w.ended).resolves.toBeFalsy();
  });
});
