import { beforeEach, describe, expect, it } from 'vitest';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import type { SyncReason } from '../../shared/queue/envelope.ts';
import { watchedKinds } from '../../vendors/watched-kinds.ts';
import { ChangeTracker } from '../../watcher/change-tracker.ts';
import { createLog } from '../../watcher/log.ts';
import { WatcherMetrics } from '../../watcher/metrics.ts';
import type { TrackedType } from '../../watcher/object-state.ts';

const G = 'gravitee.io/v1alpha1';
const type = (kind: string): TrackedType => {
  const k = watchedKinds.find((x) => x.kind === kind);
  return k ? { apiVersion: k.apiVersion, kind, plural: k.plural, role: 'synced' } : { apiVersion: 'v1', kind, plural: `${kind.toLowerCase()}s`, role: 'data' };
};
const CTX = type('ManagementContext');
const API = type('ApiV4Definition');
const SECRET = type('Secret');
const CONFIGMAP = type('ConfigMap');

let rv = 100;
function obj(t: TrackedType, name: string, extra: Partial<KubeObject> & { meta?: Partial<KubeObject['metadata']> } = {}): KubeObject {
  const { meta, ...rest } = extra;
  return { apiVersion: t.apiVersion, kind: t.kind, metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: String(++rv), generation: 1, ...meta }, ...rest };
}
const ctx = (name: string, secret: string, meta?: Partial<KubeObject['metadata']>) => obj(CTX, name, { meta, spec: { baseUrl: 'http://apim', auth: { secretRef: { name: secret } } } });
const api = (name: string, context: string, meta?: Partial<KubeObject['metadata']>, extraSpec: Record<string, unknown> = {}) =>
  obj(API, name, { meta, spec: { name, contextRef: { name: context }, ...extraSpec } });
/** A Secret as the watcher receives it: metadata only (PartialObjectMetadata), a new resourceVersion each time. */
const secret = (name: string, meta?: Partial<KubeObject['metadata']>) => obj(SECRET, name, { meta });

let sent: Array<{ name: string; reason: SyncReason; cause?: string }>;
let fetches: string[];
let tracker: ChangeTracker;
let metrics: WatcherMetrics;

beforeEach(() => {
  sent = [];
  fetches = [];
  metrics = new WatcherMetrics();
  tracker = new ChangeTracker({
    forward: (st, reason, cause) => sent.push({ name: st.name, reason, cause }),
    fetch: (t, ns, name) => fetches.push(`${t.kind}/${ns}/${name}`),
    references: (t, o) => watchedKinds.find((k) => k.kind === t.kind)?.references(o) ?? [],
    aliases: (t, o) => watchedKinds.find((k) => k.kind === t.kind)?.aliases?.(o) ?? [],
    waitsForOwned: (apiVersion, kind) => watchedKinds.find((k) => k.apiVersion === apiVersion && k.kind === kind)?.waitsForOwned,
    dataTypes: [SECRET, CONFIGMAP],
    watchesNamespace: () => true,
    metrics,
    log: createLog(() => {}),
  });
});

/** A cluster with a Secret → context → two APIs, listed at start with everything in step. */
function startInStep() {
  const status = { conditions: [{ type: 'Ready', observedGeneration: 1 }] };
  tracker.listItem(CTX, { ...ctx('ctx', 'creds'), status }, 1, true);
  tracker.listDone(CTX, undefined, 1);
  tracker.listItem(API, { ...api('a', 'ctx'), status }, 1, true);
  tracker.listItem(API, { ...api('b', 'ctx'), status }, 1, true);
  tracker.listDone(API, undefined, 1);
  tracker.listItem(SECRET, secret('creds'), 1, true);
  tracker.listItem(SECRET, secret('unrelated'), 1, true);
  tracker.listDone(SECRET, undefined, 1);
  tracker.listDone(CONFIGMAP, undefined, 1);
}

describe('change tracker', () => {
  it('keeps only referenced Secrets, and forwards nothing in step at start', () => {
    startInStep();
    expect(sent).toEqual([]);
    expect(tracker.objects.size).toBe(3);
    expect([...tracker.data.keys()]).toEqual(['v1/Secret/ns/creds']);
    expect(metrics.snapshot().skippedByReason).toMatchObject({ 'in-step': 3, unreferenced: 1, baseline: 1 });
  });

  it('sends a new version of a Secret to the context and, through it, to its APIs; a version already seen to nobody', () => {
    startInStep();
    const listed = tracker.data.get('v1/Secret/ns/creds')!;
    tracker.event(SECRET, 'MODIFIED', secret('creds', { resourceVersion: listed.resourceVersion }));
    expect(sent).toEqual([]);
    expect(metrics.snapshot().skippedByReason.unchanged).toBe(1);
    // Metadata only: a data change and a label change look alike, and both reach the users.
    const changed = secret('creds', { labels: { rotated: 'yes' } });
    tracker.event(SECRET, 'MODIFIED', changed);
    const cause = `v1/Secret/ns/creds@${changed.metadata.resourceVersion}`;
    expect(sent).toEqual([
      { name: 'ctx', reason: 'reference-changed', cause },
      { name: 'a', reason: 'reference-changed', cause },
      { name: 'b', reason: 'reference-changed', cause },
    ]);
  });

  it('sends a context spec change to the context and its users, a status write to nobody', () => {
    startInStep();
    tracker.event(CTX, 'MODIFIED', ctx('ctx', 'creds', { uid: 'uid-ctx', generation: 1 }));
    expect(sent).toEqual([]);
    tracker.event(CTX, 'MODIFIED', ctx('ctx', 'creds', { uid: 'uid-ctx', generation: 2 }));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['ctx:spec-changed', 'a:reference-changed', 'b:reference-changed']);
  });

  it("sends an object's spec change to its direct users only: a Subscription reads its API, not the API's ApiResource", () => {
    startInStep();
    const RES = type('ApiResource');
    const SUB = type('Subscription');
    const status = { conditions: [{ type: 'Ready', observedGeneration: 1 }] };
    tracker.listItem(RES, { ...obj(RES, 'cache', { spec: { name: 'cache', type: 'cache', configuration: {} } }), status }, 1, true);
    tracker.listDone(RES, undefined, 1);
    tracker.event(API, 'MODIFIED', { ...api('a', 'ctx', { uid: 'uid-a', generation: 2 }, { resources: [{ ref: { name: 'cache' } }] }), status: { conditions: [{ type: 'Ready', observedGeneration: 2 }] } });
    tracker.listItem(SUB, { ...obj(SUB, 'sub', { spec: { api: { name: 'a' }, application: { name: 'app' }, plan: 'keys' } }), status }, 1, true);
    tracker.listDone(SUB, undefined, 1);
    sent = [];
    tracker.event(RES, 'MODIFIED', obj(RES, 'cache', { meta: { uid: 'uid-cache', generation: 2 }, spec: { name: 'cache', type: 'cache', configuration: { ttl: 1 } } }));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['cache:spec-changed', 'a:reference-changed']);
    // A Secret still reaches the users of its users: the context's APIs read it at sync time.
    sent = [];
    tracker.event(SECRET, 'MODIFIED', secret('creds'));
    expect(sent.map((s) => s.name)).toEqual(expect.arrayContaining(['ctx', 'a', 'b', 'sub']));
  });

  it('wakes a deleting context when its last user goes away', () => {
    startInStep();
    tracker.event(CTX, 'MODIFIED', ctx('ctx', 'creds', { deletionTimestamp: 'now', finalizers: [FINALIZER], generation: 2 }));
    tracker.event(API, 'DELETED', api('a', 'ctx'));
    tracker.event(API, 'MODIFIED', api('b', 'ctx', { generation: 2 }, { contextRef: undefined }));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['ctx:deleting', 'ctx:dependent-removed', 'ctx:dependent-removed', 'b:spec-changed']);
  });

  it('wakes a deleting object known by an alias (a 3scale Backend by its system name) when its users drop it or go', () => {
    const [BACKEND, PRODUCT] = [type('Backend'), type('Product')];
    const status = { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] };
    const backend = (meta?: Partial<KubeObject['metadata']>) => ({ ...obj(BACKEND, 'shared', { meta, spec: { name: 'Shared', systemName: 'sharedbe' } }), status });
    const product = (name: string, usages: Record<string, unknown>, meta?: Partial<KubeObject['metadata']>) => ({ ...obj(PRODUCT, name, { meta, spec: { name, backendUsages: usages } }), status });
    tracker.listItem(BACKEND, backend(), 1, true);
    for (const p of ['p1', 'p2']) tracker.listItem(PRODUCT, product(p, { sharedbe: { path: '/' } }), 1, true);
    tracker.event(BACKEND, 'MODIFIED', backend({ deletionTimestamp: 'now', finalizers: [FINALIZER], generation: 2 }));
    tracker.event(PRODUCT, 'DELETED', product('p1', { sharedbe: { path: '/' } }));
    tracker.event(PRODUCT, 'MODIFIED', product('p2', {}, { generation: 2 }));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['shared:deleting', 'shared:dependent-removed', 'shared:dependent-removed', 'p2:spec-changed']);
  });

  it('diffs a relist: changed, new and vanished objects are forwarded, unchanged ones are not', () => {
    startInStep();
    const status = { conditions: [{ type: 'Ready', observedGeneration: 1 }] };
    const ctxNow = tracker.objects.get(`${G}/ManagementContext/ns/ctx`);
    const a = tracker.objects.get(`${G}/ApiV4Definition/ns/a`);
    // The relist sees a (unchanged), c (new, never synced); b vanished; ctx was not touched.
    tracker.listItem(API, { ...api('a', 'ctx', { resourceVersion: a?.resourceVersion }), status }, 2, false);
    tracker.listItem(API, api('c', 'ctx'), 2, false);
    tracker.listDone(API, undefined, 2);
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['c:added']);
    expect(tracker.objects.has(`${G}/ApiV4Definition/ns/b`)).toBe(false);
    expect(ctxNow?.deleting).toBe(false);
    // The Secret was deleted during the gap: its users hear of it.
    tracker.listDone(SECRET, undefined, 2);
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['c:added', 'ctx:reference-changed', 'a:reference-changed', 'c:reference-changed']);
  });

  it('fetches a Secret that becomes referenced after the lists, and uses its version as the baseline', () => {
    startInStep();
    tracker.event(API, 'MODIFIED', api('a', 'ctx', { generation: 2 }, { description: '[[ secret `tpl/key` ]]' }));
    expect(fetches).toEqual(['Secret/ns/tpl']);
    const fetched = secret('tpl');
    tracker.fetched(SECRET, 'ns', 'tpl', fetched);
    sent.length = 0;
    // The watch delivers the version the fetch read (it was in flight): nothing new.
    tracker.event(SECRET, 'MODIFIED', secret('tpl', { resourceVersion: fetched.metadata.resourceVersion }));
    expect(sent).toEqual([]);
    tracker.event(SECRET, 'MODIFIED', secret('tpl'));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['a:reference-changed']);
    tracker.event(SECRET, 'DELETED', secret('tpl'));
    tracker.event(SECRET, 'DELETED', secret('tpl'));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['a:reference-changed', 'a:reference-changed']);
  });

  it('lets the users of a missing reference proceed when it appears', () => {
    startInStep();
    tracker.event(API, 'ADDED', api('late', 'ctx2'));
    tracker.event(CTX, 'ADDED', ctx('ctx2', 'creds'));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['late:added', 'ctx2:added', 'late:reference-changed']);
  });

  it('resyncs every synced object with the epoch as cause', () => {
    startInStep();
    expect(tracker.resync(7)).toBe(3);
    expect(sent.map((s) => `${s.name}:${s.reason}:${s.cause}`)).toEqual(['ctx:resync:7', 'a:resync:7', 'b:resync:7']);
  });
});

describe('change tracker: objects that wait for each other (3scale DeveloperAccount ↔ DeveloperUser)', () => {
  const ACCOUNT = type('DeveloperAccount');
  const USER = type('DeveloperUser');
  const account = (meta?: Partial<KubeObject['metadata']>, status?: Record<string, unknown>) => obj(ACCOUNT, 'acc', { meta, spec: { orgName: 'Org' }, status });
  const user = (meta?: Partial<KubeObject['metadata']>) =>
    obj(USER, 'admin', { meta, spec: { username: 'u', email: 'u@example.com', role: 'admin', passwordCredentialsRef: { name: 'pw' }, developerAccountRef: { name: 'acc' } } });
  function listBoth() {
    tracker.listItem(ACCOUNT, account(), 1, true);
    tracker.listDone(ACCOUNT, undefined, 1);
    tracker.listDone(USER, undefined, 1);
    tracker.listDone(SECRET, undefined, 1);
    sent = [];
  }

  it('a user appearing wakes the account waiting for its admin (mutual reference)', () => {
    listBoth();
    tracker.event(USER, 'ADDED', user());
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['admin:added', 'acc:reference-changed']);
  });

  it('its password Secret appearing wakes the user and, through it, the account', () => {
    listBoth();
    tracker.event(USER, 'ADDED', user());
    tracker.fetched(SECRET, 'ns', 'pw', undefined);
    sent = [];
    tracker.event(SECRET, 'ADDED', secret('pw'));
    expect(sent.map((s) => s.name)).toEqual(['admin', 'acc']);
  });

  it('the account becoming Ready wakes the user waiting for it; later status writes do not', () => {
    listBoth();
    tracker.event(USER, 'ADDED', user());
    sent = [];
    const ready = { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] };
    tracker.event(ACCOUNT, 'MODIFIED', account({ uid: 'uid-acc' }, ready));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['admin:reference-changed']);
    sent = [];
    tracker.event(ACCOUNT, 'MODIFIED', account({ uid: 'uid-acc' }, { ...ready, accountState: 'approved' }));
    expect(sent).toEqual([]);
  });
});

describe('owners hear of what they own', () => {
  const owned = (meta?: Partial<KubeObject['metadata']>, status?: Record<string, unknown>, name = 'generated') =>
    obj(API, name, { meta: { ownerReferences: [{ apiVersion: G, kind: 'ManagementContext', name: 'owner', uid: 'uid-owner', controller: true }], ...meta }, spec: { name, contextRef: { name: 'other' } }, status });
  function listOwner() {
    tracker.listItem(CTX, ctx('owner', 'creds'), 1, true);
    tracker.listDone(CTX, undefined, 1);
    tracker.listDone(API, undefined, 1);
    tracker.listDone(SECRET, undefined, 1);
    sent = [];
  }

  it('an owned object appearing, becoming Ready, changing its spec or going wakes its owner; its status writes do not', () => {
    listOwner();
    tracker.event(API, 'ADDED', owned());
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['generated:added', 'owner:reference-changed']);
    sent = [];
    const ready = { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] };
    tracker.event(API, 'MODIFIED', owned({}, ready));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['owner:reference-changed']);
    sent = [];
    tracker.event(API, 'MODIFIED', owned({}, { ...ready, extra: 1 }));
    expect(sent).toEqual([]);
    tracker.event(API, 'MODIFIED', owned({ generation: 2 }, ready));
    expect(sent.map((s) => s.name)).toContain('owner');
    sent = [];
    // Ready again at the new generation: the owner waiting for it hears of it.
    const readyAgain = { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 2 }] };
    tracker.event(API, 'MODIFIED', owned({ generation: 2 }, readyAgain));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['owner:reference-changed']);
    sent = [];
    tracker.event(API, 'DELETED', owned({ generation: 2 }, readyAgain));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['owner:reference-changed']);
  });

  it('a 3scale OpenAPI hears of the Product it generated: when it appears, becomes Ready, and goes', () => {
    const [OPENAPI, PRODUCT] = [type('OpenAPI'), type('Product')];
    const ownedBy = { ownerReferences: [{ apiVersion: OPENAPI.apiVersion, kind: 'OpenAPI', name: 'petstore', uid: 'uid-petstore', controller: true }] };
    const product = (status?: Record<string, unknown>) => obj(PRODUCT, 'petstore-product', { meta: ownedBy, spec: { name: 'Petstore' }, status });
    tracker.listItem(OPENAPI, obj(OPENAPI, 'petstore', { spec: { openapiRef: { url: 'https://example.com/openapi.yaml' } } }), 1, true);
    tracker.listDone(OPENAPI, undefined, 1);
    tracker.listDone(PRODUCT, undefined, 1);
    sent = [];
    tracker.event(PRODUCT, 'ADDED', product());
    tracker.event(PRODUCT, 'MODIFIED', product({ conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] }));
    tracker.event(PRODUCT, 'DELETED', product());
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['petstore-product:added', 'petstore:reference-changed', 'petstore:reference-changed', 'petstore:reference-changed']);
  });

  it('an owner that waits only for their removal (an APIGateway) hears when one goes while it is being deleted, nothing of their changes', () => {
    const [GATEWAY, REST] = [type('APIGateway'), type('RestApi')];
    const ownedBy = { ownerReferences: [{ apiVersion: GATEWAY.apiVersion, kind: 'APIGateway', name: 'gw', uid: 'uid-gw', controller: true }] };
    const restApi = (name: string, meta?: Partial<KubeObject['metadata']>, status?: Record<string, unknown>) => obj(REST, name, { meta: { ...ownedBy, ...meta }, spec: { displayName: name }, status });
    tracker.listItem(GATEWAY, obj(GATEWAY, 'gw', { spec: {} }), 1, true);
    tracker.listDone(GATEWAY, undefined, 1);
    tracker.listDone(REST, undefined, 1);
    sent = [];
    const ready = { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] };
    for (const name of ['a', 'b']) {
      tracker.event(REST, 'ADDED', restApi(name));
      tracker.event(REST, 'MODIFIED', restApi(name, {}, ready));
    }
    tracker.event(REST, 'MODIFIED', restApi('a', { generation: 2 }, ready));
    tracker.event(REST, 'DELETED', restApi('a', { generation: 2 }));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['a:added', 'b:added', 'a:spec-changed']);
    sent = [];
    // Deleting, it waits for them to go: told once per removal (it is also every WSO2 resource's gateway reference).
    tracker.event(GATEWAY, 'MODIFIED', obj(GATEWAY, 'gw', { meta: { deletionTimestamp: 'now', finalizers: [FINALIZER], generation: 2 }, spec: {} }));
    tracker.event(REST, 'DELETED', restApi('b'));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['gw:deleting', 'gw:dependent-removed']);
    sent = [];
    // An owned object that names it nowhere else is waited for all the same.
    const other = (meta?: Partial<KubeObject['metadata']>) => obj(API, 'x', { meta: { ...ownedBy, ...meta }, spec: { name: 'x', contextRef: { name: 'other' } } });
    tracker.event(API, 'ADDED', other());
    tracker.event(API, 'MODIFIED', other({ generation: 2 }));
    tracker.event(API, 'DELETED', other({ generation: 2 }));
    expect(sent.map((s) => `${s.name}:${s.reason}`)).toEqual(['x:added', 'x:spec-changed', 'gw:dependent-removed']);
  });

  it('an owner of a kind nobody watches is ignored', () => {
    listOwner();
    tracker.event(API, 'ADDED', obj(API, 'x', { meta: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u' }] }, spec: { name: 'x', contextRef: { name: 'other' } } }));
    expect(sent.map((s) => s.name)).toEqual(['x']);
  });
});
