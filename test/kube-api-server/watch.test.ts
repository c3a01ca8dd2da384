import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Watch, makeInformer, type KubernetesObject } from '@kubernetes/client-node';
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

  it('turns selector transitions into ADDED/DELETED and filters by label and field selectors', async () => {
    const ns = 'w6';
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('a', { labels: { team: 'x' } }) });
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('b') });
    const byLabel = await watch(path(ns), { resourceVersion: '0', labelSelector: 'team=x' });
    const byName = await watch(path(ns), { resourceVersion: '0', fieldSelector: 'metadata.name=b' });
    await byLabel.until((e) => e.length >= 1);
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'b', body: { metadata: { labels: { team: 'x' } } } }, MERGE);
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'a', body: { metadata: { labels: { team: 'y' } } } }, MERGE);
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'a', body: { spec: { path: '/not-seen' } } }, MERGE);
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'b', body: { spec: { path: '/seen' } } }, MERGE);
    await byLabel.until((e) => e.length >= 4);
    await byName.until((e) => e.length >= 3);
    byLabel.stop();
    byName.stop();
    expect(names(byLabel.events)).toEqual(['ADDED a', 'ADDED b', 'DELETED a', 'MODIFIED b']);
    expect(byLabel.events[2].obj.metadata.labels).toEqual({ team: 'y' });
    expect(names(byName.events)).toEqual(['ADDED b', 'MODIFIED b', 'MODIFIED b']);
  });

  it('watches all namespaces, a single object by URL name, and ends after timeoutSeconds', async () => {
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'w7a', body: context('one') });
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'w7b', body: context('two') });
    const all = await watch('/apis/gravitee.io/v1alpha1/managementcontexts', { resourceVersion: '0', labelSelector: '!team' });
    await all.until((e) => names(e).includes('ADDED one') && names(e).includes('ADDED two'));
    all.stop();
    const single = await watch('/apis/gravitee.io/v1alpha1/watch/namespaces/w7a/managementcontexts/one', { timeoutSeconds: 1 });
    await single.ended;
    expect(names(single.events)).toEqual(['ADDED one']);
  });

  it('sends DELETED with the last stored state when the last finalizer is removed', async () => {
    const ns = 'w8';
    const c = (await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('f', { finalizers: ['x.io/f'] }) })) as any;
    const w = await watch(path(ns), { resourceVersion: c.metadata.resourceVersion });
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'f' });
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'f', body: { metadata: { finalizers: [] } } }, MERGE);
    await w.until((e) => e.length >= 2);
    w.stop();
    expect(names(w.events)).toEqual(['MODIFIED f', 'DELETED f']);
    expect(w.events[0].obj.metadata.deletionTimestamp).toBeTruthy();
    expect(w.events[1].obj.metadata.deletionTimestamp).toBe(w.events[0].obj.metadata.deletionTimestamp);
  });

  it('ends the initial events of sendInitialEvents=true with an initial-events-end bookmark', async () => {
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'w9', body: context('x') });
    const w = await watch(path('w9'), { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    await w.until((e) => e.some((x) => x.type === 'BOOKMARK'));
    w.stop();
    expect(w.events[0].type).toBe('ADDED');
    expect(w.events[1]).toMatchObject({ type: 'BOOKMARK', obj: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
  });

  it('expires watch history beyond historyLimit', async () => {
    const small = await startHarness({ historyLimit: 3 });
    try {
      const first = (await small.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'w10', body: context('a') })) as any;
      for (let i = 0; i < 4; i++) await small.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: 'w10', name: 'a', body: { spec: { path: `/${i}` } } }, MERGE);
      const events: Seen[] = [];
      const ended = new Promise((resolve) =>
        new Watch(small.server.kubeConfig()).watch(`${path('w10')}`, { resourceVersion: first.metadata.resourceVersion }, (type, obj) => events.push({ type, obj }), resolve),
      );
      await ended;
      expect(events.map((e) => [e.type, e.obj.code])).toEqual([['ERROR', 410]]);
    } finally {
      await small.server.close();
    }
  });

  it('drives a client-node informer through list, watch, and a relist after 410', async () => {
    const ns = 'w11';
    const kc = h.server.kubeConfig();
    const listFn = () => h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: ns }) as any;
    const informer = makeInformer<KubernetesObject>(kc, path(ns), listFn);
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata!.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata!.name}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata!.name}`));
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('pre') });
    await informer.start();
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(() => seen.includes('add pre'));
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: ns, body: context('live') });
    await until(() => seen.includes('add live'));
    h.server.compact();
    h.server.dropWatches();
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: ns, name: 'pre' });
    await until(() => seen.includes('delete pre'));
    await informer.stop();
    expect(seen).toEqual(expect.arrayContaining(['add pre', 'add live', 'delete pre']));
    expect(informer.list().map((o) => o.metadata!.name)).toEqual(['live']);
  });
});

