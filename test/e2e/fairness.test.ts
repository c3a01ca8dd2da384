import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { applyManifests, type Manifest } from '../../local/apply.ts';
import { startSyncPlane, type SyncPlane } from '../../local/sync-plane.ts';
import { jsonLogger } from '../../shared/log.ts';
import { startClusterUnderTest, type ClusterUnderTest } from '../support/cluster-under-test.ts';
import { ADMIN, application, GRAVITEE, managementContext } from '../support/gravitee-e2e.ts';
import { waitFor } from '../support/wait.ts';

// A change in cluster A is not queued behind cluster B's resync: resyncs of objects in step go to their own queue,
// read with a concurrency of their own (here 1), so A's change is Accepted while B's resync backlog is still queued.
const B_OBJECTS = 200;

let a: ClusterUnderTest;
let b: ClusterUnderTest;
let apim: GraviteeEmulator;
let plane: SyncPlane;

const inNs = (m: Record<string, unknown>, namespace: string) => ({ ...m, metadata: { ...(m.metadata as object), namespace } }) as Manifest;

type Conditioned = { metadata: { generation?: number }; status?: { conditions?: Array<{ type: string; status: string; observedGeneration?: number }> } };
const readyNow = (o: Conditioned) => o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True' && c.observedGeneration === o.metadata.generation) === true;

async function acceptedAt(c: ClusterUnderTest, kind: string, name: string, generation: number) {
  return waitFor(`${kind} ${name} Accepted at generation ${generation}`, async () => {
    const o = (await c.objects.read({ apiVersion: GRAVITEE, kind, metadata: { name, namespace: c.namespace } })) as Conditioned;
    return o.metadata.generation === generation && o.status?.conditions?.some((x) => x.type === 'Accepted' && x.status === 'True' && x.observedGeneration === generation) ? o : undefined;
  });
}

beforeAll(async () => {
  [a, b] = await Promise.all([startClusterUnderTest(), startClusterUnderTest()]);
  apim = await startGraviteeEmulator({ organizations: { acme: ['dev'] }, users: [ADMIN] });
  plane = await startSyncPlane({
    clusters: { a: a.kubeConfig, b: b.kubeConfig },
    // Each watcher its own namespace: with E2E_KUBECONFIG both "clusters" are one, and an object seen under two cluster
    // ids would be two resources naming one vendor object.
    clusterNamespaces: { a: [a.namespace], b: [b.namespace] },
    allowLoopback: true,
    retry: { baseSeconds: 1, maxSeconds: 2 },
    // No periodic resync here (the test triggers one), and none paced: B's whole resync is queued at once, the worst
    // case for A (the watcher's pacing would only make it easier).
    resyncIntervalSeconds: 3600,
    resyncMaxPerSecond: 100_000,
    concurrency: 4,
    resyncConcurrency: 1,
    log: jsonLogger({ level: 'ERROR' }),
    usageFile: false,
  });
  await applyManifests(a.kubeConfig, [inNs(managementContext('ctx', apim.url, { credentials: ADMIN }), a.namespace), inNs(application('app', 'ctx'), a.namespace)]);
  await applyManifests(b.kubeConfig, [
    inNs(managementContext('ctx', apim.url, { credentials: ADMIN }), b.namespace),
    ...Array.from({ length: B_OBJECTS }, (_, i) => inNs(application(`app-${i}`, 'ctx'), b.namespace)),
  ]);
  await acceptedAt(a, 'Application', 'app', 1);
  await waitFor(
    `B's ${B_OBJECTS} Applications synced`,
    async () => {
      const list = (await b.objects.list(GRAVITEE, 'Application', b.namespace)) as unknown as { items: Conditioned[] };
      return list.items.filter(readyNow).length === B_OBJECTS;
    },
    120_000,
  );
  await waitFor('the queues drained', () => plane.drained(), 60_000);
}, 240_000);
afterAll(async () => {
  await plane?.stop();
  await apim?.close();
  await Promise.all([a?.close(), b?.close()]);
});

describe('fairness: a change never waits behind a fleet resync', () => {
  it("accepts cluster A's change while cluster B's resync backlog is still queued", async () => {
    const [, watcherB] = plane.watchers;
    const sentBefore = watcherB.metrics().resyncMessagesSent;
    // The context and the Applications of B's namespace.
    const resynced = watcherB.resync();
    expect(resynced).toBeGreaterThanOrEqual(B_OBJECTS + 1);
    await waitFor("B's resync handed to the queue", () => watcherB.metrics().pendingMessages === 0 && watcherB.metrics().resyncRemaining === 0);
    // Every object is in step: the whole resync went to the resync queue, none of it to the changes queue.
    expect(watcherB.metrics().resyncMessagesSent - sentBefore).toBe(resynced);
    expect(await plane.messagesLeft('changes')).toBe(0);
    const backlogAtChange = await plane.messagesLeft('resyncs');
    expect(backlogAtChange).toBeGreaterThan(B_OBJECTS / 2);

    await a.objects.patch(
      { apiVersion: GRAVITEE, kind: 'Application', metadata: { name: 'app', namespace: a.namespace }, spec: { description: 'changed during B resync' } } as Manifest,
      undefined,
      undefined,
      'e2e',
      undefined,
      PatchStrategy.MergePatch,
    );
    await acceptedAt(a, 'Application', 'app', 2);
    const backlogAtAccepted = await plane.messagesLeft('resyncs');
    // A's change went through while B's resync was still queued (the order of events, not a duration).
    expect(backlogAtAccepted).toBeGreaterThan(0);
    expect(apim.state.application('acme', 'dev', `${a.namespace}-app`)?.description).toBe('changed during B resync');

    // B's backlog drains on its own, and finds nothing to change.
    await waitFor("B's resync backlog drained", () => plane.drained(), 120_000);
    const list = (await b.objects.list(GRAVITEE, 'Application', b.namespace)) as unknown as { items: Conditioned[] };
    expect(list.items.filter(readyNow)).toHaveLength(B_OBJECTS);
  }, 180_000);
});
