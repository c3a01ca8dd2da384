import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIS, CONTEXTS, JSON_PATCH, MERGE, STRATEGIC, apiV4, context, startHarness, statusOf, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.close());

const NS = 'crud';
type Obj = { metadata: Record<string, any>; spec?: any; status?: any; [k: string]: any };

describe('custom resource CRUD', () => {
  it('creates with server fields, reads back, and 409s a second create', async () => {
    const created = (await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: NS, body: context('c1') })) as Obj;
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.generation).toBe(1);
    expect(created.metadata.namespace).toBe(NS);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const got = (await h.custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1' })) as Obj;
    expect(got).toEqual(created);
    const st = await statusOf(h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: NS, body: context('c1') }));
    expect(st).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'managementcontexts.gravitee.io "c1" already exists',
      reason: 'AlreadyExists',
      details: { name: 'c1', group: 'gravitee.io', kind: 'managementcontexts' },
      code: 409,
    });
  });

  it('answers 404 NotFound Status for missing objects', async () => {
    const st = await statusOf(h.custom.getNamespacedCustomObject({ ...APIS, namespace: NS, name: 'nope' }));
    expect(st.code).toBe(404);
    expect(st.reason).toBe('NotFound');
    expect(st.message).toBe('apiv4definitions.gravitee.io "nope" not found');
    expect(st.details).toEqual({ name: 'nope', group: 'gravitee.io', kind: 'apiv4definitions' });
  });

  it('ignores status on create and spec on status writes; generation follows spec only', async () => {
    const body = { ...apiV4('a1'), status: { id: 'should-not-stick' } };
    const created = (await h.custom.createNamespacedCustomObject({ ...APIS, namespace: NS, body })) as Obj;
    expect(created.status).toBeUndefined();

    const afterStatus = (await h.custom.patchNamespacedCustomObjectStatus(
      { ...APIS, namespace: NS, name: 'a1', body: { status: { id: 'vendor-1' }, spec: { name: 'ignored' }, metadata: { labels: { ignored: 'yes' } } } },
      MERGE,
    )) as Obj;
    expect(afterStatus.status.id).toBe('vendor-1');
    expect(afterStatus.spec.name).toBe('api a1');
    expect(afterStatus.metadata.labels).toBeUndefined();
    expect(afterStatus.metadata.generation).toBe(1);
    expect(Number(afterStatus.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));

    const labelled = (await h.custom.patchNamespacedCustomObject({ ...APIS, namespace: NS, name: 'a1', body: { metadata: { labels: { team: 'x' } }, status: { id: 'no' } } }, MERGE)) as Obj;
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.status.id).toBe('vendor-1');

    const specChanged = (await h.custom.patchNamespacedCustomObject({ ...APIS, namespace: NS, name: 'a1', body: { spec: { version: '2.0' } } }, MERGE)) as Obj;
    expect(specChanged.metadata.generation).toBe(2);
    expect(specChanged.spec.version).toBe('2.0');
    expect(specChanged.spec.name).toBe('api a1');
  });

  it('does not write (same resourceVersion) when a patch changes nothing', async () => {
    const before = (await h.custom.getNamespacedCustomObject({ ...APIS, namespace: NS, name: 'a1' })) as Obj;
    const after = (await h.custom.patchNamespacedCustomObject({ ...APIS, namespace: NS, name: 'a1', body: { spec: { version: before.spec.version } } }, MERGE)) as Obj;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('replaces with PUT, conflicts on a stale resourceVersion and refuses an unconditional PUT', async () => {
    const cur = (await h.custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1' })) as Obj;
    const next = structuredClone(cur);
    next.spec.baseUrl = 'http://other';
    const replaced = (await h.custom.replaceNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1', body: next })) as Obj;
    expect(replaced.spec.baseUrl).toBe('http://other');
    expect(replaced.metadata.generation).toBe(2);

    const stale = await statusOf(h.custom.replaceNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1', body: next }));
    expect(stale.code).toBe(409);
    expect(stale.reason).toBe('Conflict');
    expect(stale.message).toBe(
      'Operation cannot be fulfilled on managementcontexts.gravitee.io "c1": the object has been modified; please apply your changes to the latest version and try again',
    );

    const staleStatus = await statusOf(
      h.custom.patchNamespacedCustomObjectStatus({ ...CONTEXTS, namespace: NS, name: 'c1', body: { metadata: { resourceVersion: cur.metadata.resourceVersion }, status: {} } }, MERGE),
    );
    expect(staleStatus.code).toBe(409);

    const { resourceVersion: _, ...meta } = replaced.metadata;
    const unconditional = await statusOf(h.custom.replaceNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1', body: { ...replaced, metadata: meta } }));
    expect(unconditional.code).toBe(422);
    expect(unconditional.message).toBe('managementcontexts.gravitee.io "c1" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update');
  });

  it('rejects a name that differs from the URL', async () => {
    const cur = (await h.custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1' })) as Obj;
    const st = await statusOf(h.custom.replaceNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1', body: { ...cur, metadata: { ...cur.metadata, name: 'c2' } } }));
    expect(st.code).toBe(400);
    expect(st.message).toBe('the name of the object (c2) does not match the name on the URL (c1)');
  });

  it('applies JSON patch including test, failing with 422 when the test fails', async () => {
    const patched = (await h.custom.patchNamespacedCustomObject(
      {
        ...CONTEXTS,
        namespace: NS,
        name: 'c1',
        body: [
          { op: 'test', path: '/spec/baseUrl', value: 'http://other' },
          { op: 'replace', path: '/spec/baseUrl', value: 'http://third' },
          { op: 'add', path: '/metadata/labels', value: { a: 'b' } },
        ],
      },
      JSON_PATCH,
    )) as Obj;
    expect(patched.spec.baseUrl).toBe('http://third');
    expect(patched.metadata.labels).toEqual({ a: 'b' });
    const st = await statusOf(
      h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1', body: [{ op: 'test', path: '/spec/baseUrl', value: 'http://wrong' }] }, JSON_PATCH),
    );
    expect(st.code).toBe(422);
    expect(st.reason).toBe('Invalid');
    expect(st.details.causes[0].message).toContain('testing value /spec/baseUrl failed');
    const missing = await statusOf(
      h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1', body: [{ op: 'remove', path: '/spec/nothing' }] }, JSON_PATCH),
    );
    expect(missing.code).toBe(422);
  });

  it('refuses strategic merge patch on custom resources with 415', async () => {
    const st = await statusOf(h.custom.patchNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c1', body: { spec: {} } }, STRATEGIC));
    expect(st.code).toBe(415);
    expect(st.reason).toBe('UnsupportedMediaType');
    expect(st.message).toMatch(/^the body of the request was in an unknown format - accepted media types include: /);
  });

  it('answers watch=1 like watch=true', async () => {
    const ctl = new AbortController();
    const w = await fetch(`${h.server.url}/apis/gravitee.io/v1alpha1/namespaces/${NS}/managementcontexts?watch=1&fieldSelector=metadata.name%3Dc1`, { signal: ctl.signal });
    const reader = w.body!.getReader();
    const first = JSON.parse(new TextDecoder().decode((await reader.read()).value).split('\n')[0]);
    ctl.abort();
    expect(w.headers.get('transfer-encoding')).toBe('chunked');
    expect(first).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'c1' } } });
  });

  it('deletes objects without finalizers at once with a Success Status', async () => {
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: NS, body: context('gone') });
    const res = (await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'gone', body: { propagationPolicy: 'Background' } })) as Obj;
    expect(res).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'gone', group: 'gravitee.io', kind: 'managementcontexts' } });
    expect((await statusOf(h.custom.getNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'gone' }))).code).toBe(404);
    expect((await statusOf(h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'gone' }))).code).toBe(404);
  });
});

describe('finalizers', () => {
  it('marks on DELETE, refuses new finalizers, still accepts spec changes, deletes when the last one goes', async () => {
    await h.custom.createNamespacedCustomObject({ ...APIS, namespace: NS, body: apiV4('fin', {}, { finalizers: ['gravitee.io/finalizer'] }) });
    const marked = (await h.custom.deleteNamespacedCustomObject({ ...APIS, namespace: NS, name: 'fin' })) as Obj;
    expect(marked.kind).toBe('ApiV4Definition');
    expect(marked.metadata.deletionTimestamp).toBeTruthy();
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(marked.metadata.generation).toBe(2);

    const again = (await h.custom.deleteNamespacedCustomObject({ ...APIS, namespace: NS, name: 'fin' })) as Obj;
    expect(again.metadata.resourceVersion).toBe(marked.metadata.resourceVersion);

    const st = await statusOf(
      h.custom.patchNamespacedCustomObject({ ...APIS, namespace: NS, name: 'fin', body: { metadata: { finalizers: ['gravitee.io/finalizer', 'other.io/new'] } } }, MERGE),
    );
    expect(st.code).toBe(422);
    expect(st.message).toBe(
      'ApiV4Definition.gravitee.io "fin" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"other.io/new"}',
    );
    expect(st.details.causes).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"other.io/new"}', field: 'metadata.finalizers' },
    ]);

    const specChange = (await h.custom.patchNamespacedCustomObject({ ...APIS, namespace: NS, name: 'fin', body: { spec: { version: '9' } } }, MERGE)) as Obj;
    expect(specChange.spec.version).toBe('9');
    expect(specChange.metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);

    const last = (await h.custom.patchNamespacedCustomObject({ ...APIS, namespace: NS, name: 'fin', body: { metadata: { finalizers: null } } }, MERGE)) as Obj;
    expect(last.metadata.finalizers).toBeUndefined();
    expect((await statusOf(h.custom.getNamespacedCustomObject({ ...APIS, namespace: NS, name: 'fin' }))).code).toBe(404);
  });

  it('checks delete preconditions', async () => {
    const c = (await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: NS, body: context('pre') })) as Obj;
    const st = await statusOf(h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'pre', body: { preconditions: { resourceVersion: '1' } } }));
    expect(st.code).toBe(409);
    expect(st.message).toContain('Precondition failed: ResourceVersion in precondition: 1');
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'pre', body: { preconditions: { uid: c.metadata.uid } } });
  });
});

describe('core kinds', () => {
  it('merges Secret stringData into data and never returns it', async () => {
    const s = await h.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 's1' }, data: { a: Buffer.from('A').toString('base64') }, stringData: { b: 'B', a: 'override' } } });
    expect(s.type).toBe('Opaque');
    expect((s as any).stringData).toBeUndefined();
    expect(Buffer.from(s.data!.a, 'base64').toString()).toBe('override');
    expect(Buffer.from(s.data!.b, 'base64').toString()).toBe('B');
    const patched = await h.core.patchNamespacedSecret({ namespace: NS, name: 's1', body: { stringData: { c: 'C' } } }, STRATEGIC);
    expect(Object.keys(patched.data!).sort()).toEqual(['a', 'b', 'c']);
    expect((patched as any).stringData).toBeUndefined();
    const list = await h.core.listNamespacedSecret({ namespace: NS });
    expect(list.items.map((i) => i.metadata!.name)).toEqual(['s1']);
  });

  it('serves ConfigMaps with unconditional PUT and no generation', async () => {
    await h.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm' }, data: { k: 'v' } } });
    const replaced = await h.core.replaceNamespacedConfigMap({ namespace: NS, name: 'cm', body: { metadata: { name: 'cm' }, data: { k: 'w' } } });
    expect(replaced.data).toEqual({ k: 'w' });
    expect(replaced.metadata!.generation).toBeUndefined();
    const st = await statusOf(h.core.readNamespacedConfigMap({ namespace: NS, name: 'none' }));
    expect(st.message).toBe('configmaps "none" not found');
    expect(st.details).toEqual({ name: 'none', kind: 'configmaps' });
  });

  it('creates Events with generateName', async () => {
    const e = await h.core.createNamespacedEvent({
      namespace: NS,
      body: {
        metadata: { generateName: 'c1.' },
        involvedObject: { kind: 'ManagementContext', name: 'c1', namespace: NS },
        reason: 'Synced',
        message: 'ok',
        type: 'Normal',
        firstTimestamp: new Date('2030-01-02T03:04:05.678Z'),
      },
    });
    expect(e.metadata!.name).toMatch(/^c1\.[a-z0-9]{5}$/);
    expect(e.firstTimestamp!.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    const events = await h.core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=c1' });
    expect(events.items.map((x) => x.reason)).toEqual(['Synced']);
  });

  it('drops unknown top-level fields of core kinds with a warning', async () => {
    const res = await fetch(`${h.server.url}/api/v1/namespaces/${NS}/configmaps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'unknown-field' }, data: { a: 'b' }, datta: { typo: 'x' } }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBe('299 - "unknown field \\"datta\\""');
    expect(((await res.json()) as any).datta).toBeUndefined();
  });

  it('changes Namespace spec.finalizers only through /finalize', async () => {
    await h.core.createNamespace({ body: { metadata: { name: 'fin-ns' }, spec: { finalizers: ['ignored'] } } });
    const put = await h.core.replaceNamespace({ name: 'fin-ns', body: { metadata: { name: 'fin-ns', labels: { a: 'b' } }, spec: { finalizers: [] } } });
    expect(put.spec!.finalizers).toEqual(['kubernetes']);
    expect(put.metadata!.labels).toEqual({ a: 'b', 'kubernetes.io/metadata.name': 'fin-ns' });
    const fin = await h.core.replaceNamespaceFinalize({ name: 'fin-ns', body: { metadata: { name: 'fin-ns' }, spec: { finalizers: [] } } });
    expect(fin.spec!.finalizers).toEqual([]);
  });

  it('creates objects in any namespace and serves Namespaces', async () => {
    await h.core.createNamespacedConfigMap({ namespace: 'never-created', body: { metadata: { name: 'x' } } });
    const n = await h.core.createNamespace({ body: { metadata: { name: 'made' } } });
    expect(n.status!.phase).toBe('Active');
    const all = await h.core.listNamespace();
    expect(all.items.map((i) => i.metadata!.name)).toEqual(expect.arrayContaining(['default', 'made']));
  });
});
