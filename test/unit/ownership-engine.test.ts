import { CoreV1Api, KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { crdFiles } from '../../local/crd-files.ts';
import { applyManifests, type Manifest } from '../../local/apply.ts';
import { startOwnershipTable, type OwnershipTable } from '../../local/ownership-table.ts';
import { findCondition } from '../../shared/engine/conditions.ts';
import { KindCatalog } from '../../shared/engine/kind-catalog.ts';
import { OWNER_RECORD } from '../../shared/engine/metadata-keys.ts';
import { syncMessage, type SyncDependencies } from '../../shared/engine/sync-message.ts';
import { StaticClusterRegistry } from '../../shared/kube/cluster-registry.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { jsonLogger } from '../../shared/log.ts';
import type { OwnerRef, OwnershipStore } from '../../shared/ownership/ownership-store.ts';
import type { SyncMessage } from '../../shared/queue/envelope.ts';
import { VendorHttp } from '../../shared/vendor-http/vendor-http.ts';
import { syncKinds } from '../../vendors/sync-kinds.ts';
import { wakeMessage } from '../../functions/sync/wake.ts';
import { ADMIN, apiV4, GRAVITEE, managementContext } from '../support/gravitee-e2e.ts';
import { pointerMessage } from '../support/send-message.ts';

/**
 * The engine's ownership steps, sync by sync (syncMessage called directly, no queue): two member clusters, each an
 * in-process API server, holding the same namespace and name of an ApiV4Definition, hence the same APIM hrid.
 */
const NS = 'shop';
const CLUSTERS = ['east', 'west'] as const;
type ClusterId = (typeof CLUSTERS)[number];

let servers: Record<ClusterId, KubeApiServer>;
let configs: Record<ClusterId, KubeConfig>;
let apim: GraviteeEmulator;
let table: OwnershipTable;
let deps: SyncDependencies;
let storeCalls = 0;
const woken: SyncMessage[] = [];

beforeAll(async () => {
  const [east, west] = await Promise.all(CLUSTERS.map(() => startKubeApiServer({ crdFiles: crdFiles() })));
  servers = { east, west };
  configs = { east: east.kubeConfig(), west: west.kubeConfig() };
  apim = await startGraviteeEmulator({ organizations: { acme: ['dev'] }, users: [ADMIN] });
  table = await startOwnershipTable();
  // Counts the store's calls, to see a no-op resync make none.
  const counted = new Proxy(table.store, { get: (t, p, r) => (typeof Reflect.get(t, p, r) === 'function' ? (...a: unknown[]) => (storeCalls++, (Reflect.get(t, p, r) as (...x: unknown[]) => unknown).apply(t, a)) : Reflect.get(t, p, r)) }) as OwnershipStore;
  deps = {
    clusters: new StaticClusterRegistry(configs),
    kinds: new KindCatalog(syncKinds),
    http: new VendorHttp({ policy: { allowLoopback: true, allowLinkLocal: false } }),
    log: jsonLogger({ level: 'ERROR' }),
    retry: { baseSeconds: 1, maxSeconds: 1, referenceAttempts: 1 },
    ownership: counted,
    wake: async (waiters: OwnerRef[], cause: string) => void woken.push(...waiters.map((w) => wakeMessage(w, cause))),
  };
  for (const c of CLUSTERS) {
    await configs[c].makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
    await applyManifests(configs[c], [{ ...managementContext('ctx', apim.url, { credentials: ADMIN }), metadata: { name: 'ctx', namespace: NS } } as Manifest]);
  }
}, 60_000);
afterAll(async () => {
  await deps?.http.close();
  await table?.close();
  await apim?.close();
  await Promise.all(Object.values(servers ?? {}).map((s) => s.close()));
});

const api = (name: string, meta: Record<string, unknown> = {}) => ({ ...apiV4(name, 'ctx'), metadata: { name, namespace: NS, ...meta } }) as Manifest;
const read = (c: ClusterId, name: string) => KubernetesObjectApi.makeApiClient(configs[c]).read({ apiVersion: GRAVITEE, kind: 'ApiV4Definition', metadata: { name, namespace: NS } }) as Promise<KubeObject>;
const sync = async (c: ClusterId, name: string, reason: SyncMessage['reason'] = 'spec-changed') => syncMessage(JSON.stringify(pointerMessage(await read(c, name), { reason, cause: `${Math.random()}` }, c)), 1, deps);
const apimWrites = () => apim.calls.filter((call) => call.method !== 'GET').length;
const ready = (o: KubeObject) => findCondition(o.status, 'Ready');
async function events(c: ClusterId, name: string) {
  return (await configs[c].makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;
}
async function annotate(c: ClusterId, name: string, annotations: Record<string, string | null>) {
  const o = await read(c, name);
  await KubernetesObjectApi.makeApiClient(configs[c]).patch({ apiVersion: GRAVITEE, kind: 'ApiV4Definition', metadata: { name, namespace: NS, annotations } } as never, undefined, undefined, undefined, undefined, 'application/merge-patch+json' as never);
  return o;
}
async function remove(c: ClusterId, name: string) {
  await KubernetesObjectApi.makeApiClient(configs[c]).delete({ apiVersion: GRAVITEE, kind: 'ApiV4Definition', metadata: { name, namespace: NS } });
}
const gone = async (c: ClusterId, name: string) => read(c, name).then(() => false, () => true);
const inApim = (name: string) => apim.state.apis('acme', 'dev').some((a) => a.hrid === `${NS}-${name}`);

/** Both clusters apply `name`; both first syncs run at once. Returns the winner and the loser. */
async function race(name: string): Promise<{ owner: ClusterId; loser: ClusterId }> {
  await Promise.all(CLUSTERS.map((c) => applyManifests(configs[c], [api(name)])));
  await Promise.all(CLUSTERS.map((c) => sync(c, name)));
  const [e, w] = await Promise.all(CLUSTERS.map((c) => read(c, name)));
  const owner: ClusterId = ready(e)?.status === 'True' ? 'east' : 'west';
  return { owner, loser: owner === 'east' ? 'west' : 'east' };
}

describe('one owner per vendor object (engine)', () => {
  it('of two first syncs racing, one writes and owns; the other is Conflict, with an event, and writes nothing', async () => {
    await applyManifests(configs.east, [api('solo')]);
    const before = apimWrites();
    await sync('east', 'solo');
    const writesOfOneSync = apimWrites() - before;
    expect(writesOfOneSync).toBeGreaterThan(0);

    const start = apimWrites();
    const { owner, loser } = await race('orders');
    expect(apimWrites() - start).toBe(writesOfOneSync);
    const won = await read(owner, 'orders');
    const lost = await read(loser, 'orders');
    expect(ready(won)).toMatchObject({ status: 'True' });
    expect(won.metadata.annotations?.[OWNER_RECORD]).toMatch(/^gravitee\/api\/.+@http:\/\/127\.0\.0\.1:\d+\/.*organizations\/acme\/environments\/dev$/);
    expect(ready(lost)).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(findCondition(lost.status, 'Accepted')).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(ready(lost)?.message).toContain(`is owned by ApiV4Definition ${NS}/orders in cluster ${owner}`);
    expect(ready(lost)?.message).toContain('apim-sync.io/adopt: "true"');
    expect(lost.metadata.annotations?.[OWNER_RECORD]).toBeUndefined();
    const ev = await events(loser, 'orders');
    expect(ev.filter((e) => e.reason === 'Conflict' && e.type === 'Warning')).toHaveLength(1);
    expect(ev.some((e) => e.reason === 'UpdateStarted')).toBe(false);
    // The loser waits for the record: a redelivery or resync neither writes nor adds an event.
    const again = apimWrites();
    expect(await sync(loser, 'orders', 'resync')).toEqual({ done: true, action: 'failed' });
    expect(apimWrites()).toBe(again);
    expect((await events(loser, 'orders')).filter((e) => e.reason === 'Conflict')).toHaveLength(1);
    expect((await table.store.read(won.metadata.annotations![OWNER_RECORD]!))?.waiters.map((w) => w.cluster)).toEqual([loser]);
  });

  it("a no-op resync of the owner makes no store call; a resource synced before ownership records claims once", async () => {
    const { owner } = await race('stock');
    storeCalls = 0;
    expect(await sync(owner, 'stock', 'resync')).toEqual({ done: true, action: 'unchanged' });
    expect(storeCalls).toBe(0);
    // As if synced by a version without records: no annotation. Its next sync claims (and keeps it), even with nothing to write.
    await annotate(owner, 'stock', { [OWNER_RECORD]: null });
    expect(await sync(owner, 'stock', 'resync')).toEqual({ done: true, action: 'unchanged' });
    expect(storeCalls).toBe(1);
    expect((await read(owner, 'stock')).metadata.annotations?.[OWNER_RECORD]).toBeDefined();
    await sync(owner, 'stock', 'resync');
    expect(storeCalls).toBe(1);
  });

  it('adopt takes the object over; the former owner, woken, meets Conflict; deleting the loser keeps the object', async () => {
    const { owner, loser } = await race('carts');
    woken.length = 0;
    await annotate(loser, 'carts', { 'apim-sync.io/adopt': 'true' });
    const before = apimWrites();
    expect(await sync(loser, 'carts')).toMatchObject({ done: true });
    expect(ready(await read(loser, 'carts'))).toMatchObject({ status: 'True' });
    expect(apimWrites()).toBeGreaterThan(before);
    // The former owner is woken…
    expect(woken.map((m) => [m.cluster, m.name, m.reason])).toEqual([[owner, 'carts', 'owner-released']]);
    const formerWrites = apimWrites();
    await syncMessage(JSON.stringify(woken[0]), 1, deps);
    // …and meets Conflict without writing; its annotation goes, so its no-op resyncs check the record again.
    const former = await read(owner, 'carts');
    expect(ready(former)).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(ready(former)?.message).toContain(`in cluster ${loser}`);
    expect(former.metadata.annotations?.[OWNER_RECORD]).toBeUndefined();
    expect(apimWrites()).toBe(formerWrites);
    // Deleting the former owner leaves the adopter's object in APIM.
    await remove(owner, 'carts');
    expect(await sync(owner, 'carts', 'deleting')).toEqual({ done: true, action: 'orphaned' });
    expect(await gone(owner, 'carts')).toBe(true);
    expect(inApim('carts')).toBe(true);
    expect((await events(owner, 'carts')).some((e) => e.message?.includes(`vendor object was kept: it is owned by ApiV4Definition ${NS}/carts in cluster ${loser}`))).toBe(true);
  });

  it('deleting the owner deletes the object, releases the record and wakes the loser, which then syncs', async () => {
    const { owner, loser } = await race('payments');
    woken.length = 0;
    await remove(owner, 'payments');
    expect(await sync(owner, 'payments', 'deleting')).toEqual({ done: true, action: 'deleted' });
    expect(await gone(owner, 'payments')).toBe(true);
    expect(woken.map((m) => [m.cluster, m.name, m.reason])).toEqual([[loser, 'payments', 'owner-released']]);
    await syncMessage(JSON.stringify(woken[0]), 1, deps);
    expect(ready(await read(loser, 'payments'))).toMatchObject({ status: 'True' });
    expect(inApim('payments')).toBe(true);
  });

  it('orphaning the owner keeps the object and releases the record; the loser, woken, takes it', async () => {
    const { owner, loser } = await race('invoices');
    woken.length = 0;
    await annotate(owner, 'invoices', { 'apim-sync.io/deletion-policy': 'orphan' });
    await remove(owner, 'invoices');
    const before = apimWrites();
    expect(await sync(owner, 'invoices', 'deleting')).toEqual({ done: true, action: 'orphaned' });
    expect(apimWrites()).toBe(before);
    expect(woken.map((m) => [m.cluster, m.name])).toEqual([[loser, 'invoices']]);
    await syncMessage(JSON.stringify(woken[0]), 1, deps);
    const took = await read(loser, 'invoices');
    expect(ready(took)).toMatchObject({ status: 'True' });
    expect((await table.store.read(took.metadata.annotations![OWNER_RECORD]!))?.owner).toMatchObject({ cluster: loser, name: 'invoices' });
  });

  it('a resource whose identity changes releases the record it held', async () => {
    await applyManifests(configs.east, [api('renamed')]);
    await sync('east', 'renamed');
    const oldKey = (await read('east', 'renamed')).metadata.annotations![OWNER_RECORD]!;
    // A new legacy id: another APIM object, another record.
    await applyManifests(configs.east, [{ ...api('renamed'), spec: { ...apiV4('renamed', 'ctx').spec, id: '0b9e1e4c-8d6f-4a51-9a39-5d6f6c1b2a70' } } as Manifest]);
    await sync('east', 'renamed');
    const newKey = (await read('east', 'renamed')).metadata.annotations![OWNER_RECORD]!;
    expect(newKey).not.toBe(oldKey);
    expect(await table.store.read(oldKey)).toBeUndefined();
    expect((await table.store.read(newKey))?.owner).toMatchObject({ cluster: 'east', name: 'renamed' });
  });

  it('leaves APIM with no request outside its published contract', () => {
    expect(apim.violations).toEqual([]);
  });
});
