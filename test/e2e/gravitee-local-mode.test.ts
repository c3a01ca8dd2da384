import { describe, expect, it } from 'vitest';
import { PatchStrategy, setHeaderOptions, type V1ConfigMap } from '@kubernetes/client-node';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { fromStrings } from '../../vendors/gravitee/uuid-xxh3.ts';
import { apiV2, apiV4, resyncOnce, useGraviteeWorld, writesOfOneResync, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { waitFor } from '../support/wait.ts';

/**
 * GKO's local mode: APIs the gateway reads from a ConfigMap in their cluster (ApiV4Definition with
 * `definitionContext.syncFrom: KUBERNETES`, ApiDefinition with `local: true`), with or without a ManagementContext.
 */
let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});

type Json = Record<string, any>;
const KUBERNETES = { definitionContext: { origin: 'KUBERNETES', syncFrom: 'KUBERNETES' } };

/** An ApiV4Definition without a ManagementContext, deployed through a ConfigMap. */
function localV4(name: string, extra: Json = {}) {
  const api = apiV4(name, 'unused', { ...KUBERNETES, ...extra }) as Json;
  delete api.spec.contextRef;
  return api;
}

function localV2(name: string, extra: Json = {}) {
  const api = apiV2(name, 'unused', { local: true, ...extra }) as Json;
  delete api.spec.contextRef;
  return api;
}

async function configMap(name: string): Promise<V1ConfigMap | undefined> {
  try {
    return await w.cluster.core.readNamespacedConfigMap({ name, namespace: w.ns });
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

const definitionOf = (cm: V1ConfigMap | undefined): Json => JSON.parse(cm?.data?.definition ?? '{}');
const apimApis = () => [...w.apim.state.apis('acme', 'dev'), ...w.apim.state.v2Apis('acme', 'dev')] as Json[];

const reasons = async (name: string) => (await w.events(name)).map((e) => e.reason ?? '');
/** Resyncs `kind/name` as it is now, once the queue is quiet, and waits until it was handled. */
const resync = async (kind: string, name: string) => resyncOnce(w, (await w.get(kind, name))!, `local-${name}`);

describe('ApiV4Definition without a ManagementContext', () => {
  const name = 'local-v4';

  it('writes the gateway definition into a ConfigMap named like it, owned by it, and is Accepted', async () => {
    await w.apply(localV4(name));
    const obj = await w.waitForCondition('ApiV4Definition', name, 'Accepted', 'True');
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    const cm = await configMap(name);
    expect(cm?.metadata?.labels).toEqual({ 'managed-by': 'gravitee.io', 'gio-type': 'apidefinitions.gravitee.io' });
    expect(cm?.metadata?.ownerReferences).toEqual([{ apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', name, uid: obj.metadata.uid }]);
    expect(Object.keys(cm?.data ?? {}).sort()).toEqual(['apiDefinitionVersion', 'definition', 'environmentId', 'organizationId']);
    expect(cm?.data).toMatchObject({ organizationId: 'DEFAULT', environmentId: 'DEFAULT', apiDefinitionVersion: '4.0.0' });

    // GKO's PopulateIDs without a context: the API's id from its hrid, each plan's from the API's id and its key.
    const id = fromStrings(w.hrid(name));
    const def = definitionOf(cm);
    expect(def).toMatchObject({
      id,
      hrid: w.hrid(name),
      name,
      apiVersion: '1.0',
      definitionVersion: '4.0.0',
      type: 'proxy',
      state: 'STARTED',
      definitionContext: { origin: 'KUBERNETES', syncFrom: 'KUBERNETES' },
      listeners: [{ type: 'http', paths: [{ path: `/${name}` }], entrypoints: [{ type: 'http-proxy', qos: 'auto' }] }],
      endpointGroups: [{ name: 'default', type: 'http-proxy' }],
    });
    expect(def.plans).toEqual([
      expect.objectContaining({ id: fromStrings(id, 'KeyLess'), name: 'KeyLess', hrid: 'KeyLess', security: { type: 'key-less' }, status: 'published', mode: 'standard' }),
    ]);
    expect(obj.status).toMatchObject({ id, state: 'STARTED', plans: { KeyLess: fromStrings(id, 'KeyLess') }, processingStatus: 'Completed' });
    expect(obj.status?.organizationId).toBeUndefined();
    expect(await reasons(name)).toEqual(expect.arrayContaining(['UpdateStarted', 'UpdateSucceeded']));
    expect(apimApis().filter((a) => a.name === name)).toEqual([]);
  });

  it('updates the ConfigMap when the spec changes', async () => {
    await w.apply(localV4(name, { listeners: [{ type: 'HTTP', paths: [{ path: '/moved' }], entrypoints: [{ type: 'http-proxy', qos: 'AUTO' }] }] }));
    await waitFor('ConfigMap updated', async () => definitionOf(await configMap(name)).listeners?.[0]?.paths?.[0]?.path === '/moved');
    const obj = await w.waitForCondition('ApiV4Definition', name, 'Ready', 'True');
    expect(obj.metadata.generation).toBe(2);
  });

  it('reverts a hand edit of the ConfigMap on the next resync, and writes nothing when nothing changed', async () => {
    const before = await configMap(name);
    await w.cluster.core.patchNamespacedConfigMap({ name, namespace: w.ns, body: { data: { definition: '{"id":"edited by hand"}', organizationId: 'elsewhere' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await resync('ApiV4Definition', name);
    const reverted = await configMap(name);
    expect(reverted?.data).toEqual(before?.data);
    await resync('ApiV4Definition', name);
    expect((await configMap(name))?.metadata?.resourceVersion).toBe(reverted?.metadata?.resourceVersion);
  });

  it('removes the ConfigMap when the API is stopped, and writes it again when started', async () => {
    await w.apply(localV4(name, { state: 'STOPPED' }));
    await waitFor('ConfigMap removed', async () => !(await configMap(name)));
    const stopped = await w.waitForCondition('ApiV4Definition', name, 'Accepted', 'True');
    expect(stopped.status?.state).toBe('STOPPED');
    await w.apply(localV4(name, { state: 'STARTED' }));
    await waitFor('ConfigMap back', () => configMap(name));
  });

  it('deletes the ConfigMap with the resource, before its finalizer goes', async () => {
    const deletes = () => w.cluster.server?.requestCounts()['delete configmaps'] ?? 0;
    const before = deletes();
    await w.remove('ApiV4Definition', name);
    await w.waitForGone('ApiV4Definition', name);
    expect(await configMap(name)).toBeUndefined();
    // Deleted by the sync, not left to garbage collection (which a cluster may run late, or not at all for orphans).
    if (w.cluster.server) expect(deletes()).toBe(before + 1);
    expect(await reasons(name)).toEqual(expect.arrayContaining(['DeleteStarted', 'DeleteSucceeded']));
    expect(apimApis().filter((a) => a.name === name)).toEqual([]);
  });

  it('keeps the ConfigMap, released by the API, with deletion-policy orphan', async () => {
    const orphan = 'local-v4-orphan';
    const api = localV4(orphan);
    await w.apply({ ...api, metadata: { ...api.metadata, annotations: { 'apim-sync.io/deletion-policy': 'orphan' } } });
    await w.waitForCondition('ApiV4Definition', orphan, 'Accepted', 'True');
    await w.remove('ApiV4Definition', orphan);
    await w.waitForGone('ApiV4Definition', orphan);
    const kept = await configMap(orphan);
    expect(kept?.metadata?.ownerReferences ?? []).toEqual([]);
    expect(definitionOf(kept).id).toBe(fromStrings(w.hrid(orphan)));
  });

  it('never writes a ConfigMap of the same name that is not its own', async () => {
    const clash = 'local-v4-clash';
    await w.cluster.core.createNamespacedConfigMap({ namespace: w.ns, body: { metadata: { name: clash }, data: { target: 'https://example.com' } } });
    await w.apply(localV4(clash));
    const refused = await w.waitForCondition('ApiV4Definition', clash, 'Accepted', 'False', { reason: 'NameConflict' });
    expect(refused.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', message: expect.stringContaining(`ConfigMap ${w.ns}/${clash} exists and is not this ApiV4Definition's`) }));
    expect((await configMap(clash))?.data).toEqual({ target: 'https://example.com' });
  });

  it('is refused, naming spec.contextRef, when it syncs from APIM (the default) without a context', async () => {
    const api = apiV4('no-context-v4', 'unused') as Json;
    delete api.spec.contextRef;
    await w.apply(api);
    const refused = await w.waitForCondition('ApiV4Definition', 'no-context-v4', 'Accepted', 'False', { reason: 'IllegalStateError' });
    expect(refused.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'Accepted', message: expect.stringMatching(/^spec\.contextRef: a context is required when definitionContext\.syncFrom is MANAGEMENT/) }),
    );
    expect(await configMap('no-context-v4')).toBeUndefined();
    await w.remove('ApiV4Definition', 'no-context-v4');
    await w.waitForGone('ApiV4Definition', 'no-context-v4');
  });
});

describe('ApiV4Definition with a ManagementContext and syncFrom KUBERNETES', () => {
  const name = 'both-v4';

  it('goes to APIM and to the ConfigMap, where the gateway finds APIM’s ids', async () => {
    await w.apply(apiV4(name, 'ctx', KUBERNETES));
    const obj = await w.waitForCondition('ApiV4Definition', name, 'Accepted', 'True');
    const remote = w.apim.state.apis('acme', 'dev').find((a) => a.hrid === w.hrid(name)) as Json | undefined;
    expect(remote?.definitionContext).toMatchObject({ syncFrom: 'KUBERNETES' });
    const cm = await configMap(name);
    expect(cm?.data).toMatchObject({ organizationId: 'acme', environmentId: 'dev', apiDefinitionVersion: '4.0.0' });
    const def = definitionOf(cm);
    expect(def.id).toBe(obj.status?.id);
    expect(def.id).toBe(remote?.id);
    expect(def.crossId).toBe(obj.status?.crossId);
    expect(def.plans.map((p: Json) => [p.name, p.id])).toEqual([['KeyLess', (obj.status?.plans as Json).KeyLess]]);
  });

  it('writes nothing to APIM when only the ConfigMap drifted, and restores it', async () => {
    await w.cluster.core.deleteNamespacedConfigMap({ name, namespace: w.ns });
    expect(await writesOfOneResync(w, (await w.get('ApiV4Definition', name))!, `local-${name}`)).toBe(0);
    expect(await configMap(name)).toBeDefined();
  });

  it('deletes the ConfigMap and keeps APIM when it switches to syncFrom MANAGEMENT', async () => {
    await w.apply(apiV4(name, 'ctx', { definitionContext: { origin: 'KUBERNETES', syncFrom: 'MANAGEMENT' } }));
    await waitFor('ConfigMap removed', async () => !(await configMap(name)));
    await w.waitForCondition('ApiV4Definition', name, 'Ready', 'True');
    const remote = w.apim.state.apis('acme', 'dev').find((a) => a.hrid === w.hrid(name)) as Json | undefined;
    expect(remote?.definitionContext).toMatchObject({ syncFrom: 'MANAGEMENT' });
  });

  it('converges when the ConfigMap write fails after the APIM write: one API in APIM, the ConfigMap written on retry', async (t) => {
    if (!w.cluster.server) t.skip(); // needs the test API server's fault injection
    const crashed = 'both-v4-crash';
    w.cluster.server!.faults.inject({ method: 'POST', path: new RegExp(`/namespaces/${w.ns}/configmaps`), status: 500, times: 1 });
    await w.apply(apiV4(crashed, 'ctx', KUBERNETES));
    const obj = await w.waitForCondition('ApiV4Definition', crashed, 'Accepted', 'True');
    expect(await reasons(crashed)).toContain('UpdateFailed');
    expect(w.apim.state.apis('acme', 'dev').filter((a) => a.hrid === w.hrid(crashed))).toHaveLength(1);
    expect(definitionOf(await configMap(crashed)).id).toBe(obj.status?.id);
    await w.remove('ApiV4Definition', crashed);
    await w.waitForGone('ApiV4Definition', crashed);
  });

  it('deletes both with the resource', async () => {
    await w.apply(apiV4(name, 'ctx', KUBERNETES));
    await waitFor('ConfigMap back', () => configMap(name));
    await w.remove('ApiV4Definition', name);
    await w.waitForGone('ApiV4Definition', name);
    expect(await configMap(name)).toBeUndefined();
    expect(w.apim.state.apis('acme', 'dev').find((a) => a.hrid === w.hrid(name))).toBeUndefined();
  });
});

describe('ApiDefinition (v2) with local: true', () => {
  it('without a context: the ConfigMap only, with GKO’s ids, nothing in APIM', async () => {
    const name = 'local-v2';
    await w.apply(localV2(name));
    const obj = await w.waitForCondition('ApiDefinition', name, 'Accepted', 'True');
    const cm = await configMap(name);
    expect(cm?.metadata?.labels).toEqual({ 'managed-by': 'gravitee.io', 'gio-type': 'apidefinitions.gravitee.io' });
    expect(cm?.metadata?.ownerReferences).toEqual([{ apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiDefinition', name, uid: obj.metadata.uid }]);
    // No apiDefinitionVersion: the gateway reads a v2 definition.
    expect(cm?.data).toEqual({ definition: expect.any(String), organizationId: 'DEFAULT', environmentId: 'DEFAULT' });
    const def = definitionOf(cm);
    const crossId = fromStrings(`${w.ns}/${name}`);
    const planCrossId = fromStrings(obj.metadata.uid!, '/', 'free');
    expect(def).toMatchObject({
      id: obj.metadata.uid,
      crossId,
      gravitee: '2.0.0',
      proxy: { virtual_hosts: [{ path: `/${name}` }] },
      definition_context: { origin: 'kubernetes', mode: 'fully_managed', syncFrom: 'KUBERNETES' },
      plans: [expect.objectContaining({ name: 'free', crossId: planCrossId, id: fromStrings(planCrossId, '/', 'free'), api: obj.metadata.uid })],
    });
    expect(obj.status).toMatchObject({ id: obj.metadata.uid, crossId, state: 'STARTED', processingStatus: 'Completed' });
    expect(apimApis().filter((a) => a.name === name)).toEqual([]);
    await w.remove('ApiDefinition', name);
    await w.waitForGone('ApiDefinition', name);
    expect(await configMap(name)).toBeUndefined();
  });

  it('with a context: imported into APIM as syncing from the cluster, and the ConfigMap with APIM’s plan ids', async () => {
    const name = 'both-v2';
    await w.apply(apiV2(name, 'ctx', { local: true }));
    const obj = await w.waitForCondition('ApiDefinition', name, 'Accepted', 'True');
    const remote = w.apim.state.v2Apis('acme', 'dev').find((a) => a.name === name) as Json | undefined;
    expect(remote?.definition_context).toMatchObject({ syncFrom: 'KUBERNETES' });
    const def = definitionOf(await configMap(name));
    expect(def.id).toBe(remote?.id);
    expect(def.plans.map((p: Json) => p.id)).toEqual(remote?.plans.map((p: Json) => p.id));
    expect(def.plans.map((p: Json) => p.id)).toEqual(Object.values(obj.status?.plans as Json));
  });

  it('without a context and local: false, is refused with GKO’s message on spec.contextRef', async () => {
    const name = 'remote-v2-no-context';
    await w.apply(localV2(name, { local: false }));
    const refused = await w.waitForCondition('ApiDefinition', name, 'Accepted', 'False', { reason: 'IllegalStateError' });
    expect(refused.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'Accepted', status: 'False', message: 'spec.contextRef: a context is required when setting local to false' }),
    );
    expect(refused.status?.processingStatus).toBe('Failed');
    expect(await configMap(name)).toBeUndefined();
    // Its deletion is not held up by the refusal.
    await w.remove('ApiDefinition', name);
    await w.waitForGone('ApiDefinition', name);
  });
});
