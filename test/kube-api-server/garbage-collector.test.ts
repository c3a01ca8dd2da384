import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { CONTEXTS, MERGE, apiV4, context, startHarness, type Harness, APIS } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.close());

const NS = 'gc';
type Obj = { metadata: Record<string, any>; [k: string]: any };

const ownerRef = (o: Obj) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true });
const owner = async (name: string) => (await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: NS, body: context(name) })) as Obj;
const dependent = (name: string, owners: Obj[], metadata: Record<string, unknown> = {}) =>
  h.custom.createNamespacedCustomObject({ ...APIS, namespace: NS, body: apiV4(name, {}, { ownerReferences: owners.map(ownerRef), ...metadata }) }) as Promise<Obj>;
const getApi = (name: string) => h.custom.getNamespacedCustomObject({ ...APIS, namespace: NS, name }).then((o) => o as Obj, () => undefined);
const configMap = (name: string) => h.core.readNamespacedConfigMap({ namespace: NS, name }).then((o) => o as unknown as Obj, () => undefined);

describe('garbage collection (background propagation)', () => {
  it('deletes a dependent once its owner is deleted, across kinds (a ConfigMap owned by a custom resource too)', async () => {
    const o = await owner('owner-a');
    await dependent('dep-a', [o]);
    await h.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-a', ownerReferences: [ownerRef(o)] }, data: { k: 'v' } } });
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'owner-a' });
    await waitFor('custom dependent gone', async () => (await getApi('dep-a')) === undefined);
    await waitFor('ConfigMap dependent gone', async () => (await configMap('cm-a')) === undefined);
  });

  it('marks a dependent with finalizers as deleting; it goes when they are removed', async () => {
    const o = await owner('owner-b');
    await dependent('dep-b', [o], { finalizers: ['example.com/hold'] });
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'owner-b' });
    const marked = await waitFor('dependent deleting', async () => ((await getApi('dep-b'))?.metadata.deletionTimestamp ? await getApi('dep-b') : undefined));
    expect(marked!.metadata.finalizers).toEqual(['example.com/hold']);
    await h.custom.patchNamespacedCustomObject({ ...APIS, namespace: NS, name: 'dep-b', body: { metadata: { finalizers: null } } }, MERGE);
    await waitFor('dependent gone', async () => (await getApi('dep-b')) === undefined);
  });

  it('keeps a dependent another owner still holds, without the dangling reference', async () => {
    const [o1, o2] = [await owner('owner-c1'), await owner('owner-c2')];
    await dependent('dep-c', [o1, o2]);
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'owner-c1' });
    const kept = await waitFor('dangling reference dropped', async () => {
      const d = await getApi('dep-c');
      return d?.metadata.ownerReferences?.length === 1 ? d : undefined;
    });
    expect(kept!.metadata.ownerReferences[0].uid).toBe(o2.metadata.uid);
  });

  it('waits for an owner that is deleting (finalizers) and deletes the dependent once the owner is gone', async () => {
    const o = await owner('owner-d');
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'owner-d', body: { metadata: { finalizers: ['example.com/hold'] } } }, MERGE);
    await dependent('dep-d', [o]);
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'owner-d' });
    // The GC runs right after each request: the owner still exists (deleting), so the dependent stays.
    expect(await getApi('dep-d')).toBeDefined();
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'owner-d', body: { metadata: { finalizers: null } } }, MERGE);
    await waitFor('dependent gone', async () => (await getApi('dep-d')) === undefined);
  });

  it('deletes an object created with an owner that no longer exists (or a uid that is not the owner of that name)', async () => {
    const o = await owner('owner-e');
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'owner-e' });
    await dependent('dep-e', [o]);
    await waitFor('dangling dependent gone', async () => (await getApi('dep-e')) === undefined);
    await owner('owner-e');
    await dependent('dep-e2', [o]);
    await waitFor('dependent of an older incarnation gone', async () => (await getApi('dep-e2')) === undefined);
  });
});
