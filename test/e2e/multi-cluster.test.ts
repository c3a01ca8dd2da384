import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { applyManifests, type Manifest } from '../../local/apply.ts';
import { startSyncPlane, type SyncPlane } from '../../local/sync-plane.ts';
import { jsonLogger } from '../../shared/log.ts';
import { startClusterUnderTest, type ClusterUnderTest } from '../support/cluster-under-test.ts';
import { ADMIN, apiV4, managementContext } from '../support/gravitee-e2e.ts';
import { waitFor } from '../support/wait.ts';

// One central plane (one queue, one sync function) serving two member clusters, each with its own watcher.
let east: ClusterUnderTest;
let west: ClusterUnderTest;
let apim: GraviteeEmulator;
let plane: SyncPlane;

beforeAll(async () => {
  [east, west] = await Promise.all([startClusterUnderTest(), startClusterUnderTest()]);
  apim = await startGraviteeEmulator({ organizations: { acme: ['dev'] }, users: [ADMIN] });
  plane = await startSyncPlane({
    clusters: { east: east.kubeConfig, west: west.kubeConfig },
    // Each watcher its own namespace: with E2E_KUBECONFIG both "clusters" are the one real cluster.
    clusterNamespaces: { east: [east.namespace], west: [west.namespace] },
    allowLoopback: true,
    retry: { baseSeconds: 1, maxSeconds: 2 },
    log: jsonLogger({ level: 'ERROR' }),
  });
}, 90_000);
afterAll(async () => {
  await plane?.stop();
  await apim?.close();
  await Promise.all([east?.close(), west?.close()]);
});

const inNs = (m: Record<string, unknown>, namespace: string) => ({ ...m, metadata: { ...(m.metadata as object), namespace } }) as Manifest;

async function accepted(c: ClusterUnderTest, kind: string, name: string) {
  return waitFor(`${kind} ${name} Accepted in ${c.namespace}`, async () => {
    const o = (await c.objects.read({ apiVersion: 'gravitee.io/v1alpha1', kind, metadata: { name, namespace: c.namespace } })) as { status?: { conditions?: { type: string; status: string }[]; id?: string } };
    return o.status?.conditions?.some((x) => x.type === 'Accepted' && x.status === 'True') ? o : undefined;
  });
}

describe('one sync plane, many clusters', () => {
  it('syncs each cluster and writes status back to the cluster the resource lives in', async () => {
    await applyManifests(east.kubeConfig, [inNs(managementContext('ctx', apim.url, { credentials: ADMIN }), east.namespace), inNs(apiV4('orders', 'ctx'), east.namespace)]);
    await applyManifests(west.kubeConfig, [inNs(managementContext('ctx', apim.url, { credentials: ADMIN }), west.namespace), inNs(apiV4('payments', 'ctx'), west.namespace)]);
    const orders = await accepted(east, 'ApiV4Definition', 'orders');
    const payments = await accepted(west, 'ApiV4Definition', 'payments');
    const hrids = apim.state.apis('acme', 'dev').map((a) => a.hrid);
    expect(hrids).toEqual(expect.arrayContaining([`${east.namespace}-orders`, `${west.namespace}-payments`]));
    expect(orders.status?.id).not.toBe(payments.status?.id);
    // Nothing of east's leaked into west (with E2E_KUBECONFIG both are the one real cluster, in two namespaces).
    if (!process.env.E2E_KUBECONFIG) await expect(west.objects.read({ apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', metadata: { name: 'orders', namespace: east.namespace } })).rejects.toMatchObject({ code: 404 });
  });

  it('deletes in one cluster without touching the other', async () => {
    await east.objects.delete({ apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', metadata: { name: 'orders', namespace: east.namespace } });
    await waitFor('orders gone from APIM', () => !apim.state.apis('acme', 'dev').some((a) => a.hrid === `${east.namespace}-orders`));
    expect(apim.state.apis('acme', 'dev').some((a) => a.hrid === `${west.namespace}-payments`)).toBe(true);
    await accepted(west, 'ApiV4Definition', 'payments');
  });
});
