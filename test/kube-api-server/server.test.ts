import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { APIS, CONTEXTS, MERGE, apiV4, context, startHarness, statusOf, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.close());

const get = async (path: string, accept = 'application/json') => {
  const res = await fetch(`${h.server.url}${path}`, { headers: { accept } });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
};

describe('discovery', () => {
  it('serves /version, /api and /api/v1 with subresources', async () => {
    expect((await get('/version')).body).toMatchObject({ major: '1', minor: '32', gitVersion: expect.stringMatching(/^v1\.32\./) });
    const api = (await get('/api')).body;
    expect(api).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const v1 = (await get('/api/v1')).body;
    expect(v1).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    expect(v1.resources.find((r: any) => r.name === 'secrets')).toMatchObject({ singularName: 'secret', namespaced: true, kind: 'Secret', verbs: expect.arrayContaining(['watch', 'patch']) });
    expect(v1.resources.find((r: any) => r.name === 'namespaces/status')).toMatchObject({ namespaced: false, verbs: ['get', 'patch', 'update'] });
  });

  it('lists groups, a group, and a group version with CRD details', async () => {
    const groups = (await get('/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: any) => g.name)).toEqual(['apiextensions.k8s.io', 'rbac.authorization.k8s.io', 'gravitee.io']);
    expect((await get('/apis/gravitee.io')).body).toMatchObject({ kind: 'APIGroup', name: 'gravitee.io', preferredVersion: { groupVersion: 'gravitee.io/v1alpha1', version: 'v1alpha1' } });
    const list = (await get('/apis/gravitee.io/v1alpha1')).body;
    expect(list.resources.find((r: any) => r.name === 'apiv4definitions')).toMatchObject({
      singularName: 'apiv4definition',
      namespaced: true,
      kind: 'ApiV4Definition',
      shortNames: ['graviteev4apis'],
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    });
    expect(list.resources.find((r: any) => r.name === 'apiv4definitions/status')).toMatchObject({ kind: 'ApiV4Definition', verbs: ['get', 'patch', 'update'] });
    expect((await get('/apis/nothere.io/v1')).status).toBe(404);
  });

  it('answers aggregated discovery when asked for it', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const apis = await get('/apis', accept);
    expect(apis.type).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(apis.body.kind).toBe('APIGroupDiscoveryList');
    const gravitee = apis.body.items.find((i: any) => i.metadata.name === 'gravitee.io');
    const res = gravitee.versions[0].resources.find((r: any) => r.resource === 'apiv4definitions');
    expect(res).toMatchObject({ scope: 'Namespaced', singularResource: 'apiv4definition', responseKind: { group: 'gravitee.io', version: 'v1alpha1', kind: 'ApiV4Definition' } });
    expect(res.subresources).toEqual([{ subresource: 'status', responseKind: { group: 'gravitee.io', version: 'v1alpha1', kind: 'ApiV4Definition' }, verbs: ['get', 'patch', 'update'] }]);
    const core = await get('/api', accept);
    expect(core.body.items[0].versions[0].resources.map((r: any) => r.resource)).toEqual(expect.arrayContaining(['configmaps', 'events', 'namespaces', 'secrets']));
  });

  it('answers unknown paths with a NotFound Status', async () => {
    const r = await get('/apis/gravitee.io/v1alpha1/namespaces/x/nothings');
    expect(r.status).toBe(404);
    expect((await get('/apis/gravitee.io/v1alpha1/apiv4definitions/some-name')).status).toBe(404);
    expect((await fetch(`${h.server.url}/apis/gravitee.io/v1alpha1/apiv4definitions`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  });
});

describe('faults and request counts', () => {
  it('fails matching requests with a Status, a given number of times', async () => {
    h.server.faults.inject({ method: 'GET', path: /managementcontexts\/flaky$/, status: 503, times: 2 });
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'f', body: context('flaky') });
    const first = await statusOf(h.custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: 'f', name: 'flaky' }));
    expect(first).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
    expect((await statusOf(h.custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: 'f', name: 'flaky' }))).code).toBe(503);
    expect(((await h.custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: 'f', name: 'flaky' })) as any).metadata.name).toBe('flaky');
  });

  it('drops connections and delays responses until cleared', async () => {
    h.server.faults.inject({ path: /\/secrets/, dropConnection: true });
    await expect(h.core.listNamespacedSecret({ namespace: 'f' })).rejects.toThrow();
    h.server.faults.clear();
    h.server.faults.inject({ path: /\/configmaps/, delayMs: 20, times: 1 });
    await expect(h.core.listNamespacedConfigMap({ namespace: 'f' })).resolves.toMatchObject({ items: [] });
  });

  it('counts requests by verb and resource', async () => {
    const before = h.server.requestCounts();
    await h.custom.createNamespacedCustomObject({ ...APIS, namespace: 'f', body: apiV4('counted') });
    await h.custom.patchNamespacedCustomObjectStatus({ ...APIS, namespace: 'f', name: 'counted', body: { status: { id: '1' } } }, MERGE);
    await h.custom.listClusterCustomObject({ ...APIS });
    const after = h.server.requestCounts();
    const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
    expect(delta('create apiv4definitions.gravitee.io')).toBe(1);
    expect(delta('patch apiv4definitions.gravitee.io/status')).toBe(1);
    expect(delta('list apiv4definitions.gravitee.io')).toBe(1);
  });
});

describe('lifecycle', () => {
  it('deletes a CRD after its custom resources; finalizers hold it terminating and creates are refused', async () => {
    const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/managementcontexts.gravitee.io';
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'crd', body: context('held', { finalizers: ['x.io/f'] }) });
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'crd', body: context('free') });
    const watchEnded = new Promise((resolve) => new Watch(h.server.kubeConfig()).watch('/apis/gravitee.io/v1alpha1/managementcontexts', {}, () => {}, resolve));
    const del = await fetch(`${h.server.url}${crdPath}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    const marked = (await del.json()) as any;
    expect(marked.metadata.finalizers).toContain('customresourcecleanup.apiextensions.k8s.io');
    expect(marked.status.conditions.find((c: any) => c.type === 'Terminating').status).toBe('True');
    await new Promise((r) => setImmediate(r));
    expect((await statusOf(h.custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: 'crd', name: 'free' }))).code).toBe(404);
    const held = (await h.custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: 'crd', name: 'held' })) as any;
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect((await statusOf(h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'crd', body: context('new') }))).code).toBe(405);
    await h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: 'crd', name: 'held', body: { metadata: { finalizers: null } } }, MERGE);
    await new Promise((r) => setImmediate(r));
    expect((await get(crdPath)).status).toBe(404);
    expect((await get('/apis/gravitee.io/v1alpha1/managementcontexts')).status).toBe(404);
    await watchEnded;
  });

  it('terminates a namespace: refuses new content, deletes what is there, then removes it', async () => {
    await h.core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await h.core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'cm' } } });
    await h.core.createNamespacedSecret({ namespace: 'doomed', body: { metadata: { name: 'held', finalizers: ['x.io/f'] } } });
    const ns = await h.core.deleteNamespace({ name: 'doomed' });
    expect((ns as any).status.phase).toBe('Terminating');
    await new Promise((r) => setImmediate(r));
    const refused = await statusOf(h.core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'late' } } }));
    expect(refused.code).toBe(403);
    expect(refused.message).toBe('configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
    expect((await statusOf(h.core.readNamespacedConfigMap({ namespace: 'doomed', name: 'cm' }))).code).toBe(404);
    expect((await h.core.readNamespace({ name: 'doomed' })).status!.phase).toBe('Terminating');
    await h.core.patchNamespacedSecret({ namespace: 'doomed', name: 'held', body: { metadata: { finalizers: null } } }, MERGE);
    await new Promise((r) => setImmediate(r));
    expect((await statusOf(h.core.readNamespace({ name: 'doomed' }))).code).toBe(404);
    expect((await statusOf(h.core.readNamespacedConfigMap({ namespace: 'doomed', name: 'cm' }))).code).toBe(404);
  });
});

describe('generic clients and request forms', () => {
  it('works with KubernetesObjectApi (create, read, patch, list, delete)', async () => {
    const created = await h.objects.create(apiV4('generic', {}, { namespace: 'gen' }));
    expect((created.metadata as { uid?: string }).uid).toBeTruthy();
    const read = await h.objects.read({ apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', metadata: { name: 'generic', namespace: 'gen' } });
    expect((read as any).spec.state).toBe('STARTED');
    const patched = await h.objects.patch(
      { apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', metadata: { name: 'generic', namespace: 'gen', labels: { p: 'q' } } } as any,
      undefined,
      undefined,
      undefined,
      undefined,
      'application/merge-patch+json' as any,
    );
    expect(patched.metadata?.labels).toEqual({ p: 'q' });
    const list = await h.objects.list('gravitee.io/v1alpha1', 'ApiV4Definition', 'gen');
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['generic']);
    await h.objects.delete({ apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', metadata: { name: 'generic', namespace: 'gen' } });
    expect((await statusOf(h.objects.read({ apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', metadata: { name: 'generic', namespace: 'gen' } }))).code).toBe(404);
  });

  it('accepts YAML bodies, dryRun, and deletecollection with a selector', async () => {
    const yamlRes = await fetch(`${h.server.url}/api/v1/namespaces/forms/configmaps`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: 'metadata:\n  name: y1\n  labels: {sel: "yes"}\ndata:\n  k: v\n' });
    expect(yamlRes.status).toBe(201);
    const dry = await fetch(`${h.server.url}/api/v1/namespaces/forms/configmaps?dryRun=All`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'dry' } }) });
    expect(dry.status).toBe(201);
    expect((await statusOf(h.core.readNamespacedConfigMap({ namespace: 'forms', name: 'dry' }))).code).toBe(404);
    await h.core.createNamespacedConfigMap({ namespace: 'forms', body: { metadata: { name: 'y2' } } });
    await h.core.deleteCollectionNamespacedConfigMap({ namespace: 'forms', labelSelector: 'sel=yes' });
    expect((await h.core.listNamespacedConfigMap({ namespace: 'forms' })).items.map((i) => i.metadata!.name)).toEqual(['y2']);
  });
});

describe('authentication and TLS', () => {
  it('requires the bearer token when configured, answering 401 Status otherwise', async () => {
    const secured = await startHarness({ token: 's3cret' });
    try {
      await expect(secured.core.listNamespace()).resolves.toBeTruthy();
      const res = await fetch(`${secured.server.url}/api/v1/namespaces`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      const kc = new KubeConfig();
      kc.loadFromString(secured.server.kubeconfigYaml().replace('s3cret', 'wrong'));
      expect((await statusOf(kc.makeApiClient(CoreV1Api).listNamespace())).code).toBe(401);
    } finally {
      await secured.server.close();
    }
  });

  it('serves HTTPS with a self-signed certificate the kubeconfig trusts', async () => {
    const tls = await startHarness({ tls: true });
    try {
      expect(tls.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(tls.server.kubeconfigYaml()).toContain('certificate-authority-data');
      const custom = tls.server.kubeConfig().makeApiClient(CustomObjectsApi);
      await custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'tls', body: context('secure') });
      expect(((await custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: 'tls', name: 'secure' })) as any).metadata.name).toBe('secure');
    } finally {
      await tls.server.close();
    }
  });
});
