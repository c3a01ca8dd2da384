import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startKubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { crdFiles } from '../../local/crd-files.ts';
import { installCrds } from '../support/cluster-under-test.ts';
import { CONTEXTS, MERGE, context, startHarness, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.close());

const NS = 'ssa';
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const ctxPath = (name: string) => `/apis/gravitee.io/v1alpha1/namespaces/${NS}/managementcontexts/${name}`;

/** One server-side apply, as kubectl and client-go send it: YAML, a field manager, optionally forced. */
async function apply(path: string, body: unknown, manager: string, opts: { force?: boolean; query?: string } = {}) {
  const q = `fieldManager=${manager}${opts.force ? '&force=true' : ''}${opts.query ?? ''}`;
  const res = await fetch(`${h.server.url}${path}?${q}`, { method: 'PATCH', headers: { 'content-type': 'application/apply-patch+yaml' }, body: typeof body === 'string' ? body : stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

const entries = (obj: any) => (obj.metadata.managedFields ?? []).map((e: any) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);
const fieldsOf = (obj: any, manager: string, operation = 'Apply') => obj.metadata.managedFields.find((e: any) => e.manager === manager && e.operation === operation)?.fieldsV1;

/** A CRD with an associative list (by name), a set and an atomic list, to see each merge. */
const GADGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.test.io' },
  spec: {
    group: 'test.io',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  size: { type: 'integer' },
                  color: { type: 'string' },
                  ports: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name'],
                    items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
                  },
                  tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
                  args: { type: 'array', items: { type: 'string' } },
                  extra: { type: 'object', additionalProperties: { type: 'string' } },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};
const gadgetPath = (name: string) => `/apis/test.io/v1/namespaces/${NS}/gadgets/${name}`;
const gadget = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'test.io/v1', kind: 'Gadget', metadata: { name }, spec });

describe('server-side apply of CRDs (what the e2e setup does against a real cluster)', () => {
  it('creates the CRD when absent (201), serves it, and applies the same configuration again without a write', async () => {
    const first = await apply(`${CRDS}/gadgets.test.io`, GADGET_CRD, 'apim-sync-e2e', { force: true });
    expect(first.status).toBe(201);
    expect(first.body.status.conditions.find((c: any) => c.type === 'Established')).toMatchObject({ status: 'True' });
    expect(first.body.metadata.managedFields).toEqual([
      {
        manager: 'apim-sync-e2e',
        operation: 'Apply',
        apiVersion: 'apiextensions.k8s.io/v1',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        fieldsType: 'FieldsV1',
        // Lists of the CRD type are atomic; status, name and type meta are nobody's.
        fieldsV1: { 'f:spec': { 'f:group': {}, 'f:names': { 'f:kind': {}, 'f:listKind': {}, 'f:plural': {}, 'f:singular': {} }, 'f:scope': {}, 'f:versions': {} } },
      },
    ]);
    const again = await apply(`${CRDS}/gadgets.test.io`, GADGET_CRD, 'apim-sync-e2e', { force: true });
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
    const created = await fetch(`${h.server.url}/apis/test.io/v1/namespaces/${NS}/gadgets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(gadget('probe', { size: 1 })) });
    expect(created.status).toBe(201);
  });

  it('lets test files that start together install the same CRDs: every apply succeeds, none conflicts', async () => {
    const crd = { ...GADGET_CRD, metadata: { name: 'gizmos.test.io' }, spec: { ...GADGET_CRD.spec, names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList' } } };
    const results = await Promise.all(Array.from({ length: 6 }, () => apply(`${CRDS}/gizmos.test.io`, crd, 'apim-sync-e2e', { force: true })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    // A newer version of the file replaces what the manager applied before: a dropped field goes.
    const changed = structuredClone(crd) as any;
    delete changed.spec.names.singular;
    changed.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.weight = { type: 'integer' };
    const updated = await apply(`${CRDS}/gizmos.test.io`, changed, 'apim-sync-e2e', { force: true });
    expect(updated.status).toBe(200);
    expect(updated.body.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.weight).toEqual({ type: 'integer' });
    expect(updated.body.metadata.generation).toBe(2);
  });
});

describe('the e2e setup against a bare API server (as with E2E_KUBECONFIG)', () => {
  it('installs every CRD of infra/crds from test files starting together, then again without a write', async () => {
    const bare = await startKubeApiServer();
    try {
      const kc = bare.kubeConfig();
      await Promise.all([installCrds(kc), installCrds(kc)]);
      const list = async () => ((await (await fetch(`${bare.url}${CRDS}`)).json()) as any).items as any[];
      const installed = await list();
      expect(installed.length).toBeGreaterThan(20);
      expect(installed.length).toBe(crdFiles().length);
      for (const crd of installed) expect(crd.metadata.managedFields.map((e: any) => `${e.manager}/${e.operation}`)).toEqual(['apim-sync-e2e/Apply']);
      await installCrds(kc);
      expect((await list()).map((c) => c.metadata.resourceVersion)).toEqual(installed.map((c) => c.metadata.resourceVersion));
      expect(Object.keys(bare.requestCounts()).filter((k) => /^(create|update) customresourcedefinitions/.test(k))).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});

describe('server-side apply of custom resources', () => {
  it('merges the configuration as the manager intends: another manager’s fields stay, what it drops goes', async () => {
    const first = await apply(gadgetPath('g1'), gadget('g1', { size: 1, color: 'red', ports: [{ name: 'http', port: 80 }], tags: ['a'], args: ['x'] }), 'alice');
    expect(first.status).toBe(201);
    expect(fieldsOf(first.body, 'alice')).toEqual({
      'f:spec': { 'f:args': {}, 'f:color': {}, 'f:ports': { 'k:{"name":"http"}': { '.': {}, 'f:name': {}, 'f:port': {} } }, 'f:size': {}, 'f:tags': { 'v:"a"': {} } },
    });
    // Another applier adds a port, a tag and replaces the atomic list; a plain merge patch adds a map entry.
    expect((await apply(gadgetPath('g1'), gadget('g1', { ports: [{ name: 'https', port: 443 }], tags: ['b'], args: ['y'] }), 'bob')).status).toBe(409);
    const bob = await apply(gadgetPath('g1'), gadget('g1', { ports: [{ name: 'https', port: 443 }], tags: ['b'], args: ['y'] }), 'bob', { force: true });
    expect(bob.body.spec).toEqual({ size: 1, color: 'red', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }], tags: ['a', 'b'], args: ['y'] });
    await h.custom.patchNamespacedCustomObject({ group: 'test.io', version: 'v1', plural: 'gadgets', namespace: NS, name: 'g1', body: { spec: { extra: { note: 'hand-made' } } } }, MERGE);

    // Alice drops color, her port and her tag: they go; bob's port and tag, and the hand-made note, stay. Her
    // atomic list was taken over by bob (forced), so dropping it changes nothing.
    const again = await apply(gadgetPath('g1'), gadget('g1', { size: 2 }), 'alice');
    expect(again.status).toBe(200);
    expect(again.body.spec).toEqual({ size: 2, ports: [{ name: 'https', port: 443 }], tags: ['b'], args: ['y'], extra: { note: 'hand-made' } });
    expect(fieldsOf(again.body, 'alice')).toEqual({ 'f:spec': { 'f:size': {} } });
    expect(entries(again.body)).toEqual(['alice/Apply', 'bob/Apply', 'kubernetes-client-javascript/Update']);
  });

  it('refuses to change another manager’s field (409, kube-apiserver’s message and causes) unless forced, which moves it', async () => {
    await apply(ctxPath('c1'), { ...context('c1'), metadata: { name: 'c1', labels: { team: 'a' } } }, 'alice');
    const refused = await apply(ctxPath('c1'), { apiVersion: 'gravitee.io/v1alpha1', kind: 'ManagementContext', metadata: { name: 'c1' }, spec: { baseUrl: 'http://other:8083' } }, 'bob');
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "alice": .spec.baseUrl',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.baseUrl' }] },
      code: 409,
    });
    // The same value is no conflict: both own it.
    const shared = await apply(ctxPath('c1'), { apiVersion: 'gravitee.io/v1alpha1', kind: 'ManagementContext', metadata: { name: 'c1' }, spec: { baseUrl: 'http://gravitee:8083' } }, 'bob');
    expect(shared.status).toBe(200);
    expect(fieldsOf(shared.body, 'bob')).toEqual({ 'f:spec': { 'f:baseUrl': {} } });
    expect(fieldsOf(shared.body, 'alice')['f:spec']['f:baseUrl']).toEqual({});

    const forced = await apply(ctxPath('c1'), { apiVersion: 'gravitee.io/v1alpha1', kind: 'ManagementContext', metadata: { name: 'c1' }, spec: { baseUrl: 'http://other:8083' } }, 'bob', { force: true });
    expect(forced.status).toBe(200);
    expect(forced.body.spec.baseUrl).toBe('http://other:8083');
    expect(fieldsOf(forced.body, 'alice')['f:spec']['f:baseUrl']).toBeUndefined();
    expect(fieldsOf(forced.body, 'alice')['f:metadata']).toEqual({ 'f:labels': { 'f:team': {} } });
  });

  it('counts an Update manager’s fields as owned: re-applying an old value over a patch conflicts with the patcher', async () => {
    await apply(ctxPath('c2'), context('c2'), 'alice');
    const patched = await fetch(`${h.server.url}${ctxPath('c2')}?fieldManager=console`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ spec: { baseUrl: 'http://edited:8083' } }) });
    const obj = (await patched.json()) as any;
    expect(fieldsOf(obj, 'console', 'Update')).toEqual({ 'f:spec': { 'f:baseUrl': {} } });
    expect(obj.metadata.managedFields.find((e: any) => e.manager === 'console')).toMatchObject({ operation: 'Update', apiVersion: 'gravitee.io/v1alpha1' });
    const refused = await apply(ctxPath('c2'), context('c2'), 'alice');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe('Apply failed with 1 conflict: conflict with "console" using gravitee.io/v1alpha1: .spec.baseUrl');
  });

  it('records every write’s manager: a create owns what it set (containers with "."), a status write its subresource', async () => {
    const res = await fetch(`${h.server.url}/apis/gravitee.io/v1alpha1/namespaces/${NS}/managementcontexts?fieldManager=creator`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(context('c3', { labels: { a: 'b' } })) });
    const created = (await res.json()) as any;
    expect(created.metadata.managedFields).toEqual([
      {
        manager: 'creator',
        operation: 'Update',
        apiVersion: 'gravitee.io/v1alpha1',
        time: expect.any(String),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } },
          'f:spec': {
            '.': {},
            'f:auth': { '.': {}, 'f:bearerToken': {} },
            'f:baseUrl': {},
            'f:environmentId': {},
            'f:organizationId': {},
          },
        },
      },
    ]);
    const status = (await h.custom.patchNamespacedCustomObjectStatus({ ...CONTEXTS, namespace: NS, name: 'c3', body: { status: { conditions: [] } } }, MERGE)) as any;
    expect(status.metadata.managedFields.map((e: any) => [e.manager, e.operation, e.subresource, Object.keys(e.fieldsV1)])).toEqual([
      ['creator', 'Update', undefined, ['f:metadata', 'f:spec']],
      [expect.any(String), 'Update', 'status', ['f:status']],
    ]);
    // A write that changes nothing records nothing and writes nothing.
    const same = (await h.custom.patchNamespacedCustomObjectStatus({ ...CONTEXTS, namespace: NS, name: 'c3', body: { status: { conditions: [] } } }, MERGE)) as any;
    expect(same.metadata.resourceVersion).toBe(status.metadata.resourceVersion);
  });

  it('applies to /status as a controller does (kubectl apply --subresource=status): only status, its own entry', async () => {
    await apply(gadgetPath('g2'), gadget('g2', { size: 1 }), 'alice');
    const res = await apply(`${gadgetPath('g2')}/status`, { apiVersion: 'test.io/v1', kind: 'Gadget', metadata: { name: 'g2' }, spec: { size: 9 }, status: { phase: 'Ready' } }, 'controller');
    expect(res.status).toBe(200);
    expect(res.body.status).toEqual({ phase: 'Ready' });
    expect(res.body.spec.size).toBe(1);
    expect(res.body.metadata.managedFields.find((e: any) => e.manager === 'controller')).toMatchObject({ operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:phase': {} } } });
    // The main resource's appliers own no status: alice's status in a configuration is ignored.
    const main = await apply(gadgetPath('g2'), { ...gadget('g2', { size: 1 }), status: { phase: 'Broken' } }, 'alice');
    expect(main.body.status).toEqual({ phase: 'Ready' });
    expect(main.body.metadata.resourceVersion).toBe(res.body.metadata.resourceVersion);
  });

  it('refuses what kube-apiserver refuses', async () => {
    const noManager = await fetch(`${h.server.url}${ctxPath('x')}`, { method: 'PATCH', headers: { 'content-type': 'application/apply-patch+yaml' }, body: stringify(context('x')) });
    expect(noManager.status).toBe(422);
    expect(((await noManager.json()) as any).message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const forcedMerge = await fetch(`${h.server.url}${ctxPath('c1')}?force=true`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{}' });
    expect(((await forcedMerge.json()) as any).message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    expect((await apply(ctxPath('y'), { ...context('y'), metadata: { name: 'y', managedFields: [] } }, 'alice')).body.message).toBe('metadata.managedFields must be nil');
    expect((await apply(ctxPath('y'), context('other'), 'alice')).body.message).toBe('the name of the object (other) does not match the name on the URL (y)');
    expect((await apply(ctxPath('y'), { metadata: { name: 'y' } }, 'alice')).status).toBe(400);
    // Validation still applies to the merged object.
    const invalid = await apply(gadgetPath('bad'), gadget('bad', { size: 'big' }), 'alice');
    expect(invalid.status).toBe(422);
  });
});

describe('server-side apply of core kinds', () => {
  it('shares a ConfigMap between managers key by key', async () => {
    const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' }, data });
    await apply(`/api/v1/namespaces/${NS}/configmaps/shared`, cm({ a: '1' }), 'alice');
    const both = await apply(`/api/v1/namespaces/${NS}/configmaps/shared`, cm({ b: '2' }), 'bob');
    expect(both.body.data).toEqual({ a: '1', b: '2' });
    expect(fieldsOf(both.body, 'bob')).toEqual({ 'f:data': { 'f:b': {} } });
    const dropped = await apply(`/api/v1/namespaces/${NS}/configmaps/shared`, cm({}), 'alice');
    expect(dropped.body.data).toEqual({ b: '2' });
  });
});
