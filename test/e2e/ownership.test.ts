import { randomUUID } from 'node:crypto';
import type { CoreV1Event } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { startThreescaleEmulator, type ThreescaleEmulator } from '../../emulators/threescale/index.ts';
import { applyManifests, type Manifest } from '../../local/apply.ts';
import { startSyncPlane, type SyncPlane } from '../../local/sync-plane.ts';
import { findCondition } from '../../shared/engine/conditions.ts';
import { OWNER_RECORD } from '../../shared/engine/metadata-keys.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { jsonLogger } from '../../shared/log.ts';
import { startClusterUnderTest, type ClusterUnderTest } from '../support/cluster-under-test.ts';
import { ADMIN, apiV4, GRAVITEE, managementContext } from '../support/gravitee-e2e.ts';
import { providerAccount, TENANT, TENANT_TOKEN, THREESCALE } from '../support/threescale-e2e.ts';
import { waitFor } from '../support/wait.ts';

/**
 * One vendor object, one owner, across a fleet: one sync plane serving two member clusters that hold the same
 * namespace and name of an ApiV4Definition (so the same APIM hrid), and two 3scale Backends with one system name in
 * two namespaces. Resyncs are off: whatever syncs after the first sight was woken (a change, or a released owner).
 *
 * Against a real cluster (E2E_KUBECONFIG) both "clusters" are that cluster, each watching a namespace of its own; the
 * two APIs then name one APIM object by the same legacy `spec.id`, since one cluster cannot hold one namespace twice.
 */
const REAL = Boolean(process.env.E2E_KUBECONFIG);
type Member = 'east' | 'west';

let clusters: Record<Member, ClusterUnderTest>;
/** Where each cluster's ApiV4Definitions live: one namespace name in both on the test server. */
let apiNs: Record<Member, string>;
let apim: GraviteeEmulator;
let threescale: ThreescaleEmulator;
let plane: SyncPlane;
const logs: string[] = [];

beforeAll(async () => {
  const [east, west] = await Promise.all([startClusterUnderTest(), startClusterUnderTest()]);
  clusters = { east, west };
  if (!REAL) await west.core.createNamespace({ body: { metadata: { name: east.namespace } } });
  apiNs = { east: east.namespace, west: REAL ? west.namespace : east.namespace };
  [apim, threescale] = await Promise.all([
    startGraviteeEmulator({ organizations: { acme: ['dev'] }, users: [ADMIN] }),
    startThreescaleEmulator({ tenants: [{ name: TENANT, adminToken: TENANT_TOKEN }] }),
  ]);
  plane = await startSyncPlane({
    clusters: { east: east.kubeConfig, west: west.kubeConfig },
    clusterNamespaces: { east: [east.namespace], west: [...new Set([apiNs.west, west.namespace])] },
    allowLoopback: true,
    retry: { baseSeconds: 1, maxSeconds: 2 },
    log: jsonLogger({ level: 'INFO', sink: (l) => logs.push(l) }),
  });
  await Promise.all(
    (['east', 'west'] as const).map((m) =>
      applyManifests(clusters[m].kubeConfig, [
        inNs(managementContext('ctx', apim.url, { credentials: ADMIN }), apiNs[m]),
        inNs(providerAccount('threescale-provider-account', threescale.adminUrl(TENANT), TENANT_TOKEN), clusters[m].namespace),
      ]),
    ),
  );
  await Promise.all((['east', 'west'] as const).map((m) => condition(m, apiNs[m], 'ManagementContext', 'ctx', 'Accepted', (c) => c.status === 'True')));
}, 90_000);
afterAll(async () => {
  await plane?.stop();
  const violations = [...(apim?.violations ?? []), ...(threescale?.violations ?? [])];
  await Promise.all([apim?.close(), threescale?.close()]);
  await Promise.all(Object.values(clusters ?? {}).map((c) => c.close()));
  expect(violations).toEqual([]);
});

const inNs = (m: Record<string, unknown>, namespace: string) => ({ ...m, metadata: { ...(m.metadata as object), namespace } }) as Manifest;
const other = (m: Member): Member => (m === 'east' ? 'west' : 'east');

/** The same API in a cluster: on a real cluster, the legacy id both name. */
function api(name: string, m: Member, meta: Record<string, unknown> = {}) {
  const base = apiV4(name, 'ctx');
  const spec = REAL ? { ...base.spec, id: legacyIds.get(name) ?? (legacyIds.set(name, randomUUID()), legacyIds.get(name)) } : base.spec;
  return { ...base, metadata: { name, namespace: apiNs[m], ...meta }, spec } as Manifest;
}
const legacyIds = new Map<string, string>();

async function read(m: Member, namespace: string, kind: string, name: string, apiVersion = kind === 'Backend' ? THREESCALE : GRAVITEE): Promise<KubeObject | undefined> {
  try {
    return (await clusters[m].objects.read({ apiVersion, kind, metadata: { name, namespace } })) as unknown as KubeObject;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

type Cond = NonNullable<ReturnType<typeof findCondition>>;
async function condition(m: Member, namespace: string, kind: string, name: string, type: string, ok: (c: Cond) => boolean): Promise<KubeObject> {
  return waitFor(`${m}: ${kind} ${namespace}/${name} ${type}`, async () => {
    const o = await read(m, namespace, kind, name);
    const c = findCondition(o?.status, type);
    return o && c && c.observedGeneration === o.metadata.generation && ok(c) ? o : undefined;
  });
}

/** Both of `name`'s syncs settled: one owner (Ready True), one Conflict. */
async function settled(kind: string, name: string, namespaces: Record<Member, string>): Promise<{ owner: Member; loser: Member; objects: Record<Member, KubeObject> }> {
  const settledOne = (m: Member) => condition(m, namespaces[m], kind, name, 'Ready', (c) => c.status === 'True' || c.reason === 'Conflict');
  const [east, west] = await Promise.all([settledOne('east'), settledOne('west')]);
  const objects = { east, west };
  const owners = (['east', 'west'] as const).filter((m) => findCondition(objects[m].status, 'Ready')?.status === 'True');
  expect(owners, `${name}: exactly one owner`).toHaveLength(1);
  return { owner: owners[0], loser: other(owners[0]), objects };
}

async function events(m: Member, namespace: string, name: string): Promise<CoreV1Event[]> {
  return (await clusters[m].core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })).items;
}
const conflictEvent = (m: Member, namespace: string, name: string) =>
  waitFor(`${m}: Conflict event of ${name}`, async () => (await events(m, namespace, name)).find((e) => e.type === 'Warning' && e.reason === 'Conflict'));

const apimWrites = () => apim.calls.filter((c) => c.method !== 'GET').length;
const threescaleWrites = () => threescale.calls.filter((c) => c.method !== 'GET').length;
/** Syncs of the object that a released or taken-over owner woke (reason owner-released), as the plane's log says. */
const wokenSyncs = (m: Member, name: string) =>
  logs
    .map((l) => JSON.parse(l) as { message: string; reason?: string; cluster?: string; name?: string })
    .filter((l) => ['synced', 'sync failed permanently; waiting for a change'].includes(l.message) && l.reason === 'owner-released' && l.cluster === m && l.name === name).length;
const apiInApim = (m: Member, name: string) => apim.state.apis('acme', 'dev').some((a) => a.hrid === (REAL ? legacyIds.get(name) : `${apiNs[m]}-${name}`));

/** APIM's writes of one ApiV4Definition's first sync, the measure of "the loser wrote nothing". */
let writesOfOneApiSync = 0;
/** The owners and losers of the races, kept for adoption and release. */
const rounds: Array<{ name: string; owner: Member; loser: Member }> = [];

describe('one owner per vendor object across the fleet', () => {
  it('measures what one first sync of an API writes to APIM', async () => {
    const before = apimWrites();
    await applyManifests(clusters.east.kubeConfig, [inNs({ ...apiV4('solo', 'ctx') }, apiNs.east)]);
    await condition('east', apiNs.east, 'ApiV4Definition', 'solo', 'Accepted', (c) => c.status === 'True');
    await waitFor('queue drained', () => plane.drained());
    writesOfOneApiSync = apimWrites() - before;
    expect(writesOfOneApiSync).toBeGreaterThan(0);
  });

  it('two clusters apply the same API at once, 20 times: always exactly one owner; the loser is Conflict, with an event, and writes nothing', async () => {
    for (let i = 0; i < 20; i++) {
      const name = `race-${i}-${randomUUID().slice(0, 6)}`;
      const before = apimWrites();
      await Promise.all((['east', 'west'] as const).map((m) => applyManifests(clusters[m].kubeConfig, [api(name, m)])));
      const { owner, loser, objects } = await settled('ApiV4Definition', name, apiNs);
      const ready = findCondition(objects[loser].status, 'Ready')!;
      expect(ready).toMatchObject({ status: 'False', reason: 'Conflict' });
      expect(findCondition(objects[loser].status, 'Accepted')).toMatchObject({ status: 'False', reason: 'Conflict' });
      expect(ready.message).toContain(`is owned by ApiV4Definition ${apiNs[owner]}/${name} in cluster ${owner}`);
      expect(ready.message).toContain('apim-sync.io/adopt: "true"');
      expect((await conflictEvent(loser, apiNs[loser], name)).message).toBe(ready.message);
      expect(objects[owner].metadata.annotations?.[OWNER_RECORD]).toBeDefined();
      expect(objects[loser].metadata.annotations?.[OWNER_RECORD]).toBeUndefined();
      await waitFor('queue drained', () => plane.drained());
      // The owner's sync wrote; the loser's nothing.
      expect(apimWrites() - before, `${name}: APIM writes`).toBe(writesOfOneApiSync);
      const record = await plane.ownership.store.read(objects[owner].metadata.annotations![OWNER_RECORD]!);
      expect(record?.owner).toMatchObject({ cluster: owner, kind: 'ApiV4Definition', namespace: apiNs[owner], name });
      expect(record?.waiters).toEqual([expect.objectContaining({ cluster: loser, name })]);
      rounds.push({ name, owner, loser });
    }
  }, 120_000);

  it('apim-sync.io/adopt: "true" takes the API over; the former owner, woken, meets Conflict', async () => {
    const { name, owner, loser } = rounds[0];
    const before = apimWrites();
    await clusters[loser].objects.patch(
      { apiVersion: GRAVITEE, kind: 'ApiV4Definition', metadata: { name, namespace: apiNs[loser], annotations: { 'apim-sync.io/adopt': 'true' } } },
      undefined, undefined, undefined, undefined, 'application/merge-patch+json' as never,
    );
    await condition(loser, apiNs[loser], 'ApiV4Definition', name, 'Accepted', (c) => c.status === 'True');
    const former = await condition(owner, apiNs[owner], 'ApiV4Definition', name, 'Ready', (c) => c.reason === 'Conflict');
    expect(findCondition(former.status, 'Ready')?.message).toContain(`is owned by ApiV4Definition ${apiNs[loser]}/${name} in cluster ${loser}`);
    await waitFor('the woken sync logged', () => wokenSyncs(owner, name) > 0); // logged after its status write
    expect(wokenSyncs(owner, name)).toBe(1);
    await conflictEvent(owner, apiNs[owner], name);
    await waitFor('queue drained', () => plane.drained());
    // The adopter wrote once; the former owner, nothing.
    expect(apimWrites() - before).toBe(writesOfOneApiSync);
  });

  it('deleting the owner deletes the API and releases it; the loser, woken, syncs it', async () => {
    const { name, owner, loser } = rounds[1];
    await clusters[owner].objects.delete({ apiVersion: GRAVITEE, kind: 'ApiV4Definition', metadata: { name, namespace: apiNs[owner] } });
    await waitFor(`${name} gone from ${owner}`, async () => !(await read(owner, apiNs[owner], 'ApiV4Definition', name)));
    const took = await condition(loser, apiNs[loser], 'ApiV4Definition', name, 'Accepted', (c) => c.status === 'True');
    await waitFor('the woken sync logged', () => wokenSyncs(loser, name) > 0); // logged after its status write
    expect(wokenSyncs(loser, name)).toBe(1);
    expect(took.metadata.annotations?.[OWNER_RECORD]).toBeDefined();
    expect(apiInApim(loser, name)).toBe(true);
  });

  it('orphaning the owner keeps the API and releases it; the loser, woken, takes it over', async () => {
    const { name, owner, loser } = rounds[2];
    await clusters[owner].objects.patch(
      { apiVersion: GRAVITEE, kind: 'ApiV4Definition', metadata: { name, namespace: apiNs[owner], annotations: { 'apim-sync.io/deletion-policy': 'orphan' } } },
      undefined, undefined, undefined, undefined, 'application/merge-patch+json' as never,
    );
    await clusters[owner].objects.delete({ apiVersion: GRAVITEE, kind: 'ApiV4Definition', metadata: { name, namespace: apiNs[owner] } });
    await waitFor(`${name} gone from ${owner}`, async () => !(await read(owner, apiNs[owner], 'ApiV4Definition', name)));
    await condition(loser, apiNs[loser], 'ApiV4Definition', name, 'Accepted', (c) => c.status === 'True');
    await waitFor('the woken sync logged', () => wokenSyncs(loser, name) > 0); // logged after its status write
    expect(wokenSyncs(loser, name)).toBe(1);
    const took = await read(loser, apiNs[loser], 'ApiV4Definition', name);
    const record = await plane.ownership.store.read(took!.metadata.annotations![OWNER_RECORD]!);
    expect(record?.owner).toMatchObject({ cluster: loser, name });
  });

  it('two 3scale Backends with one system name in two namespaces: one owns the backend, the other is Conflict and writes nothing', async () => {
    const backend = (name: string, m: Member, systemName: string) =>
      inNs({ apiVersion: THREESCALE, kind: 'Backend', metadata: { name }, spec: { name: `Backend of ${m}`, systemName, privateBaseURL: 'https://api.example.com', mappingRules: [{ httpMethod: 'GET', pattern: '/', metricMethodRef: 'hits', increment: 1 }] } }, clusters[m].namespace);
    const ns = { east: clusters.east.namespace, west: clusters.west.namespace };
    // What one Backend's first sync writes to 3scale.
    let before = threescaleWrites();
    await applyManifests(clusters.east.kubeConfig, [backend('solo', 'east', 'solo')]);
    await condition('east', ns.east, 'Backend', 'solo', 'Synced', (c) => c.status === 'True');
    await waitFor('queue drained', () => plane.drained());
    const writesOfOneBackendSync = threescaleWrites() - before;

    before = threescaleWrites();
    await Promise.all([applyManifests(clusters.east.kubeConfig, [backend('inventory', 'east', 'inventory')]), applyManifests(clusters.west.kubeConfig, [backend('stock', 'west', 'inventory')])]);
    const owner: Member = await waitFor('one Backend owns inventory', async () => {
      const [e, w] = await Promise.all([read('east', ns.east, 'Backend', 'inventory'), read('west', ns.west, 'Backend', 'stock')]);
      const synced = (o?: KubeObject) => findCondition(o?.status, 'Synced');
      if (synced(e)?.status === 'True' && synced(w)?.reason === 'Conflict') return 'east';
      if (synced(w)?.status === 'True' && synced(e)?.reason === 'Conflict') return 'west';
      return undefined;
    });
    const loser = other(owner);
    const [ownerName, loserName] = owner === 'east' ? ['inventory', 'stock'] : ['stock', 'inventory'];
    const lost = (await read(loser, ns[loser], 'Backend', loserName))!;
    expect(findCondition(lost.status, 'Ready')).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(findCondition(lost.status, 'Failed')).toMatchObject({ status: 'True', reason: 'Conflict' });
    expect(findCondition(lost.status, 'Ready')?.message).toContain(`is owned by Backend ${ns[owner]}/${ownerName} in cluster ${owner}`);
    await conflictEvent(loser, ns[loser], loserName);
    await waitFor('queue drained', () => plane.drained());
    expect(threescaleWrites() - before).toBe(writesOfOneBackendSync);
    const inTenant = threescale.state.list(TENANT, 'backends').filter((b) => b.system_name === 'inventory');
    expect(inTenant).toHaveLength(1);
    expect(inTenant[0].name).toBe(`Backend of ${owner}`);

    // The owner goes: its backend is deleted, and the loser, woken, creates its own.
    await clusters[owner].objects.delete({ apiVersion: THREESCALE, kind: 'Backend', metadata: { name: ownerName, namespace: ns[owner] } });
    await condition(loser, ns[loser], 'Backend', loserName, 'Synced', (c) => c.status === 'True');
    await waitFor('the woken sync logged', () => wokenSyncs(loser, loserName) > 0); // logged after its status write
    expect(wokenSyncs(loser, loserName)).toBe(1);
    expect(threescale.state.backendBySystemName(TENANT, 'inventory')?.name).toBe(`Backend of ${loser}`);
  });
});
