import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXTS, context, startHarness, statusOf, type Harness } from './helpers.ts';

let h: Harness;
const NS = 'lists';
const LABELS: Record<string, Record<string, string>> = {
  a: { env: 'prod', tier: 'web' },
  b: { env: 'dev', tier: 'web' },
  c: { env: 'qa' },
  d: {},
  e: { env: 'prod', canary: 'true' },
};

beforeAll(async () => {
  h = await startHarness();
  for (const [name, labels] of Object.entries(LABELS)) await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: NS, body: context(name, { labels }) });
  await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: 'other', body: context('z', { labels: { env: 'prod' } }) });
});
afterAll(() => h.server.close());

async function names(query: { labelSelector?: string; fieldSelector?: string }, namespace: string | null = NS): Promise<string[]> {
  const res = (namespace
    ? await h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace, ...query })
    : await h.custom.listClusterCustomObject({ ...CONTEXTS, ...query })) as any;
  return res.items.map((i: any) => i.metadata.name);
}

describe('list', () => {
  it('returns a typed list envelope with the current resourceVersion, items carrying apiVersion/kind', async () => {
    const res = (await h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: NS })) as any;
    expect(res.apiVersion).toBe('gravitee.io/v1alpha1');
    expect(res.kind).toBe('ManagementContextList');
    expect(Number(res.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(res.items[0]).toMatchObject({ apiVersion: 'gravitee.io/v1alpha1', kind: 'ManagementContext' });
    expect(res.items.map((i: any) => i.metadata.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('lists across all namespaces in namespace then name order', async () => {
    expect(await names({ labelSelector: 'env=prod' }, null)).toEqual(['a', 'e', 'z']);
  });

  it('filters by label selector: equality, inequality, set-based, existence', async () => {
    expect(await names({ labelSelector: 'env=prod' })).toEqual(['a', 'e']);
    expect(await names({ labelSelector: 'env==prod,tier=web' })).toEqual(['a']);
    expect(await names({ labelSelector: 'env!=prod' })).toEqual(['b', 'c', 'd']);
    expect(await names({ labelSelector: 'env in (dev, qa)' })).toEqual(['b', 'c']);
    expect(await names({ labelSelector: 'env notin (prod,dev)' })).toEqual(['c', 'd']);
    expect(await names({ labelSelector: 'tier' })).toEqual(['a', 'b']);
    expect(await names({ labelSelector: '!tier' })).toEqual(['c', 'd', 'e']);
    expect(await names({ labelSelector: 'env in (prod),!canary' })).toEqual(['a']);
  });

  it('rejects a malformed label selector with 400', async () => {
    const st = await statusOf(h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: NS, labelSelector: 'env in prod' }));
    expect(st.code).toBe(400);
    expect(st.reason).toBe('BadRequest');
  });

  it('filters by field selector on metadata.name and metadata.namespace; other fields are 400', async () => {
    expect(await names({ fieldSelector: 'metadata.name=c' })).toEqual(['c']);
    expect(await names({ fieldSelector: 'metadata.name!=c' })).toEqual(['a', 'b', 'd', 'e']);
    expect(await names({ fieldSelector: 'metadata.namespace=other' }, null)).toEqual(['z']);
    const st = await statusOf(h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: NS, fieldSelector: 'spec.baseUrl=x' }));
    expect(st.code).toBe(400);
    expect(st.message).toBe('field label not supported: spec.baseUrl');
  });

  it('paginates with limit/continue over a consistent snapshot', async () => {
    const p1 = (await h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: NS, limit: 2 })) as any;
    expect(p1.items.map((i: any) => i.metadata.name)).toEqual(['a', 'b']);
    expect(p1.metadata.remainingItemCount).toBe(3);
    expect(p1.metadata.continue).toBeTruthy();
    // Changes after the first page do not show up in later pages (the list is as of p1's resourceVersion).
    await h.custom.deleteNamespacedCustomObject({ ...CONTEXTS, namespace: NS, name: 'c' });
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: NS, body: context('cc') });
    const p2 = (await h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: NS, limit: 2, _continue: p1.metadata.continue })) as any;
    expect(p2.items.map((i: any) => i.metadata.name)).toEqual(['c', 'd']);
    expect(p2.metadata.resourceVersion).toBe(p1.metadata.resourceVersion);
    const p3 = (await h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: NS, limit: 2, _continue: p2.metadata.continue })) as any;
    expect(p3.items.map((i: any) => i.metadata.name)).toEqual(['e']);
    expect(p3.metadata.continue).toBeUndefined();
    const fresh = await names({});
    expect(fresh).toEqual(['a', 'b', 'cc', 'd', 'e']);
  });

  it('paginates with a label selector', async () => {
    const p1 = (await h.custom.listClusterCustomObject({ ...CONTEXTS, labelSelector: 'env=prod', limit: 1 })) as any;
    const p2 = (await h.custom.listClusterCustomObject({ ...CONTEXTS, labelSelector: 'env=prod', limit: 1, _continue: p1.metadata.continue })) as any;
    const p3 = (await h.custom.listClusterCustomObject({ ...CONTEXTS, labelSelector: 'env=prod', limit: 1, _continue: p2.metadata.continue })) as any;
    expect([...p1.items, ...p2.items, ...p3.items].map((i: any) => i.metadata.name)).toEqual(['a', 'e', 'z']);
    expect(p1.metadata.remainingItemCount).toBeUndefined();
  });

  it('answers 410 Expired to a continue token older than the kept history', async () => {
    const p1 = (await h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: NS, limit: 1 })) as any;
    await h.custom.createNamespacedCustomObject({ ...CONTEXTS, namespace: NS, body: context('late') });
    h.server.compact();
    const st = await statusOf(h.custom.listNamespacedCustomObject({ ...CONTEXTS, namespace: NS, limit: 1, _continue: p1.metadata.continue }));
    expect(st.code).toBe(410);
    expect(st.reason).toBe('Expired');
    expect(st.message).toMatch(/^The provided continue parameter is too old/);
  });

  it('lists core kinds without apiVersion/kind on items, with selectors', async () => {
    await h.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 's1', labels: { app: 'x' } }, type: 'kubernetes.io/basic-auth', stringData: { username: 'u', password: 'p' } } });
    await h.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 's2' }, stringData: { k: 'v' } } });
    const raw = (await (await fetch(`${h.server.url}/api/v1/namespaces/${NS}/secrets?labelSelector=app%3Dx`)).json()) as any;
    expect(raw.kind).toBe('SecretList');
    expect(raw.apiVersion).toBe('v1');
    expect(raw.items.map((i: any) => i.metadata.name)).toEqual(['s1']);
    expect(raw.items[0].kind).toBeUndefined();
    const typed = await h.core.listNamespacedSecret({ namespace: NS, fieldSelector: 'type=Opaque' });
    expect(typed.items.map((i) => i.metadata!.name)).toEqual(['s2']);
  });
});
