import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXTS, MERGE, context, startHarness, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ bookmarkIntervalMs: 50 });
  for (const name of ['a', 'b', 'c']) {
    await h.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name, labels: { app: 'x' } }, stringData: { password: `s3cret-${name}` } } });
  }
  await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: NS, body: context('ctx') });
});
afterAll(() => h.server.close());

const NS = 'meta';
const LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const ONE = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
const secrets = `/api/v1/namespaces/${NS}/secrets`;
const contexts = `/apis/gravitee.io/v1alpha1/namespaces/${NS}/managementcontexts`;

const get = async (path: string, accept?: string) => {
  const res = await fetch(`${h.server.url}${path}`, { headers: accept ? { accept } : {} });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, body: JSON.parse(text) as any };
};

/** Reads watch events until `count` of them (BOOKMARKs aside) arrived, then closes the stream. */
async function watchEvents(path: string, accept: string, count: number, during?: () => Promise<unknown>): Promise<any[]> {
  const ctl = new AbortController();
  const res = await fetch(`${h.server.url}${path}`, { headers: { accept }, signal: ctl.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: any[] = [];
  let buf = '';
  const pending = during?.();
  while (events.filter((e) => e.type !== 'BOOKMARK').length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      events.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  }
  ctl.abort();
  await pending;
  return events;
}

/** The first BOOKMARK of a metadata-only watch. */
async function watchBookmark(path: string): Promise<any> {
  const ctl = new AbortController();
  const res = await fetch(`${h.server.url}${path}`, { headers: { accept: ONE }, signal: ctl.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('watch ended before a bookmark');
    buf += decoder.decode(value, { stream: true });
    const bookmark = buf.split('\n').slice(0, -1).map((l) => JSON.parse(l)).find((e) => e.type === 'BOOKMARK');
    if (bookmark) {
      ctl.abort();
      return bookmark;
    }
  }
}

describe('metadata-only lists (PartialObjectMetadataList)', () => {
  it('serve a core list as kube-apiserver does: meta.k8s.io kinds, the whole ObjectMeta, no data', async () => {
    const r = await get(secrets, `${LIST},application/json`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json');
    expect(r.body).toMatchObject({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    expect(r.body.items.map((i: any) => i.metadata.name)).toEqual(['a', 'b', 'c']);
    for (const item of r.body.items) {
      expect(Object.keys(item).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(item).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { namespace: NS, labels: { app: 'x' }, uid: expect.any(String), resourceVersion: expect.any(String) } });
    }
    expect(r.text).not.toContain('s3cret');
    expect(r.text).not.toContain(Buffer.from('s3cret-a').toString('base64'));
  });

  it('keep paging and selectors, in v1beta1 too, and encode an empty list with null items', async () => {
    const page = await get(`${secrets}?limit=2`, LIST);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.metadata).toMatchObject({ continue: expect.any(String), remainingItemCount: 1 });
    const rest = await get(`${secrets}?limit=2&continue=${encodeURIComponent(page.body.metadata.continue)}`, LIST);
    expect(rest.body.items.map((i: any) => i.metadata.name)).toEqual(['c']);
    expect(rest.body.metadata.resourceVersion).toBe(page.body.metadata.resourceVersion);
    const beta = await get(`${secrets}?fieldSelector=metadata.name%3Db`, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1');
    expect(beta.body).toMatchObject({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1beta1', items: [{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1', metadata: { name: 'b' } }] });
    const none = await get(`${secrets}?labelSelector=app%3Dnone`, LIST);
    expect(none.body.items).toBeNull();
  });

  it('serve custom resources without their spec or status', async () => {
    const r = await get(contexts, LIST);
    expect(r.body.items).toEqual([{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: expect.objectContaining({ name: 'ctx', generation: 1 }) }]);
    const one = await get(`${contexts}/ctx`, ONE);
    expect(one.body).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: expect.objectContaining({ name: 'ctx' }) });
  });
});

describe('what kube-apiserver refuses (406 NotAcceptable)', () => {
  it('a conversion that does not fit the answer, even with a fallback clause (it is negotiated before the read)', async () => {
    const listAsOne = await get(secrets, `${ONE},application/json`);
    expect(listAsOne.status).toBe(406);
    expect(listAsOne.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'you requested PartialObjectMetadata, but the requested object is a list (*core.SecretList)',
      reason: 'NotAcceptable',
      code: 406,
    });
    const oneAsList = await get(`${contexts}/ctx`, LIST);
    expect(oneAsList.status).toBe(406);
    expect(oneAsList.body.message).toBe('you requested PartialObjectMetadataList, but the requested object is not a list (*unstructured.Unstructured)');
    // The read comes first: a missing object is a 404, not a 406.
    expect((await get(`${secrets}/missing`, LIST)).status).toBe(404);
  });

  it('an Accept header with no acceptable clause; a fallback clause is served instead', async () => {
    const unknown = await get(secrets, 'application/json;as=Unknown;g=meta.k8s.io;v=v1');
    expect(unknown.status).toBe(406);
    expect(unknown.body).toMatchObject({ reason: 'NotAcceptable', message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf' });
    expect((await get(secrets, 'application/json;as=PartialObjectMetadataList;g=other.io;v=v1')).status).toBe(406);
    expect((await get(secrets, 'text/html')).status).toBe(406);
    // Custom resources have no protobuf form.
    expect((await get(contexts, 'application/vnd.kubernetes.protobuf')).status).toBe(406);
    const fallback = await get(secrets, 'application/json;as=Unknown;g=meta.k8s.io;v=v1,application/json');
    expect(fallback.status).toBe(200);
    expect(fallback.body.kind).toBe('SecretList');
    expect(fallback.body.items[0].data).toBeDefined();
    expect((await get(secrets, '*/*')).body.kind).toBe('SecretList');
    // Preference follows q, not position.
    expect((await get(secrets, `application/json;q=0.5,${LIST}`)).body.kind).toBe('PartialObjectMetadataList');
  });
});

describe('metadata-only watches (PartialObjectMetadata)', () => {
  it('carry PartialObjectMetadata objects in every event, bookmarks included, never the data', async () => {
    const list = await get(secrets, LIST);
    const events = await watchEvents(`${secrets}?watch=1&allowWatchBookmarks=true&resourceVersion=${list.body.metadata.resourceVersion}`, `${ONE},application/json`, 2, async () => {
      await h.core.patchNamespacedSecret({ namespace: NS, name: 'a', body: { stringData: { password: 's3cret-rotated' } } }, MERGE);
      await h.core.deleteNamespacedSecret({ namespace: NS, name: 'c' });
    });
    const changes = events.filter((e) => e.type !== 'BOOKMARK');
    expect(changes.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['MODIFIED a', 'DELETED c']);
    for (const e of events) {
      expect(Object.keys(e.object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(e.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
    }
    expect(JSON.stringify(events)).not.toMatch(/s3cret|czNjcmV0/);
    const initial = await watchEvents(`${secrets}?watch=1&allowWatchBookmarks=true`, ONE, 2);
    expect(initial.filter((e) => e.type === 'ADDED').map((e) => e.object.kind)).toEqual(['PartialObjectMetadata', 'PartialObjectMetadata']);
    const bookmark = await watchBookmark(`${secrets}?watch=1&allowWatchBookmarks=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    expect(bookmark.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: expect.any(String) } });
    await h.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'c', labels: { app: 'x' } }, stringData: { password: 's3cret-c' } } });
  });

  it('pass ERROR Status events through unconverted', async () => {
    h.server.compact();
    const [ev] = await watchEvents(`${secrets}?watch=1&resourceVersion=101`, ONE, 1);
    expect(ev).toMatchObject({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', code: 410, reason: 'Expired' } });
  });

  it('send whole objects when asked for a list kind, as kube-apiserver does after failing to convert each event', async () => {
    const [ev] = await watchEvents(`${secrets}?watch=1&fieldSelector=metadata.name%3Db`, LIST, 1);
    expect(ev).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' }, data: { password: expect.any(String) } } });
  });

  it('are counted by form and bytes, so a test can tell what a client read', async () => {
    const before = h.server.readForms()['watch secrets as PartialObjectMetadata'] ?? 0;
    const bytesBefore = h.server.responseBytes()['watch secrets'] ?? 0;
    const events = await watchEvents(`${secrets}?watch=1&fieldSelector=metadata.name%3Da`, ONE, 1);
    expect(events).toHaveLength(1);
    expect(h.server.readForms()['watch secrets as PartialObjectMetadata']).toBe(before + 1);
    expect(h.server.responseBytes()['watch secrets']).toBeGreaterThan(bytesBefore);
    expect(h.server.readForms()['list secrets as PartialObjectMetadataList']).toBeGreaterThan(0);
    expect(h.server.readForms()['list secrets as object']).toBeGreaterThan(0);
  });
});
