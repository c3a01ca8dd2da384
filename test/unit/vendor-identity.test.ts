import { describe, expect, it } from 'vitest';
import type { ExternalClient, KindDefinition, SyncContext, VendorObjectIdentity } from '../../shared/engine/kind.ts';
import { parseSpec } from '../../shared/engine/spec-validation.ts';
import type { Cluster } from '../../shared/kube/cluster.ts';
import { refOf, SECRET, type KubeObject, type ObjectRef } from '../../shared/kube/object-ref.ts';
import { apiV4DefinitionKind } from '../../vendors/gravitee/api-v4-definition/kind.ts';
import { graviteeScope } from '../../vendors/gravitee/identity.ts';
import { backendKind } from '../../vendors/threescale/backend/kind.ts';
import { threescaleScope } from '../../vendors/threescale/identity.ts';

type Json = Record<string, any>;

/**
 * One member cluster as a kind's connect reads it: its objects and Secrets, in memory. Its vendor client refuses every
 * call, so each test also shows that an identity is known without asking the vendor.
 */
class Member {
  readonly objects = new Map<string, KubeObject>();
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
  add(obj: KubeObject): this {
    this.objects.set(key(refOf(obj)), obj);
    return this;
  }
  secret(namespace: string, name: string, data: Record<string, string>): this {
    return this.add({ ...SECRET, metadata: { namespace, name }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) });
  }
  context(): SyncContext {
    const get = async (ref: ObjectRef) => this.objects.get(key(ref));
    const list = async (type: Pick<ObjectRef, 'apiVersion' | 'kind'>, namespace?: string) =>
      [...this.objects.values()].filter((o) => o.apiVersion === type.apiVersion && o.kind === type.kind && (namespace === undefined || o.metadata.namespace === namespace));
    const cluster = { id: this.id, get, list } as unknown as Cluster;
    const readData = async (ref: ObjectRef) => {
      const o = await get(ref);
      return o?.data && Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, ref.kind === 'Secret' ? Buffer.from(v, 'base64').toString() : v]));
    };
    const http = { request: async (req: { method: string; url: string }) => { throw new Error(`no vendor call expected while connecting: ${req.method} ${req.url}`); } };
    const log = { info() {}, warn() {}, error() {}, debug() {}, child() { return log; } };
    return { cluster, http, log, readData, secrets: new Set() } as unknown as SyncContext;
  }
}
const key = (r: ObjectRef) => `${r.apiVersion}/${r.kind}/${r.namespace}/${r.name}`;

const resource = (apiVersion: string, kind: string, namespace: string, name: string, spec: Json, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { namespace, name, uid: `${namespace}-${name}-uid`, generation: 1 },
  spec,
  ...extra,
});

/** The client a kind's connect returns for the object, as the engine gets it (spec rendered and validated). */
async function connect<S>(kind: KindDefinition<S>, member: Member, obj: KubeObject): Promise<ExternalClient> {
  member.add(obj);
  return kind.connect({ object: obj, spec: parseSpec(kind.schema, obj.spec) }, member.context());
}
const identityOf = async <S>(kind: KindDefinition<S>, member: Member, obj: KubeObject): Promise<VendorObjectIdentity | undefined> =>
  (await connect(kind, member, obj)).identity;

// ---------------------------------------------------------------------------------------------------------------
// Gravitee

const GRAVITEE = 'gravitee.io/v1alpha1';
const context = (namespace: string, name: string, spec: Json) => resource(GRAVITEE, 'ManagementContext', namespace, name, { auth: { bearerToken: 't' }, ...spec });
const APIM = { baseUrl: 'http://apim.example.com:8083', organizationId: 'DEFAULT', environmentId: 'DEFAULT' };
const v4 = (namespace: string, name: string, spec: Json = {}) =>
  resource(GRAVITEE, 'ApiV4Definition', namespace, name, {
    contextRef: { name: 'apim' },
    name,
    version: '1.0',
    type: 'PROXY',
    listeners: [{ type: 'HTTP', paths: [{ path: `/${name}` }], entrypoints: [{ type: 'http-proxy' }] }],
    endpointGroups: [{ name: 'default', type: 'http-proxy', endpoints: [{ name: 'e', type: 'http-proxy', configuration: { target: 'http://backend' } }] }],
    ...spec,
  });

/** Two member clusters, each with a namespace `team` and one of `other`, all reaching one APIM (spelt differently). */
function graviteeFleet() {
  const a = new Member('a').add(context('team', 'apim', APIM)).add(context('other', 'apim', { ...APIM, baseUrl: 'http://APIM.example.com:8083/' }));
  const b = new Member('b').add(context('team', 'apim', { ...APIM, baseUrl: 'http://apim.Example.COM:8083//' }));
  return { a, b };
}

describe('Gravitee identities', () => {
  it('scope: the base URL normalised (case, default port, trailing slashes) with organization and environment', () => {
    expect(graviteeScope(APIM)).toBe('http://apim.example.com:8083/organizations/DEFAULT/environments/DEFAULT');
    expect(graviteeScope({ ...APIM, baseUrl: 'HTTPS://Apim.Example.com:443/base/' })).toBe('https://apim.example.com/base/organizations/DEFAULT/environments/DEFAULT');
    expect(graviteeScope({ ...APIM, organizationId: 'a/b' })).toBe('http://apim.example.com:8083/organizations/a%2Fb/environments/DEFAULT');
  });

  describe('ApiV4Definition', () => {
    it('is one API for the same namespace/name in two clusters, whatever the context spells', async () => {
      const { a, b } = graviteeFleet();
      const ia = await identityOf(apiV4DefinitionKind, a, v4('team', 'orders'));
      const ib = await identityOf(apiV4DefinitionKind, b, v4('team', 'orders'));
      expect(ia).toEqual({ vendor: 'gravitee', scope: graviteeScope(APIM), type: 'api', id: expect.any(String) });
      expect(ib).toEqual(ia);
    });

    it('differs for another hrid, another environment or another APIM', async () => {
      const { a, b } = graviteeFleet();
      const base = await identityOf(apiV4DefinitionKind, a, v4('team', 'orders'));
      expect(await identityOf(apiV4DefinitionKind, a, v4('other', 'orders'))).not.toEqual(base); // hrid other-orders
      b.add(context('team', 'prod', { ...APIM, environmentId: 'PROD' }));
      expect(await identityOf(apiV4DefinitionKind, b, v4('team', 'orders', { contextRef: { name: 'prod' } }))).not.toEqual(base);
      b.add(context('team', 'elsewhere', { ...APIM, baseUrl: 'http://apim2.example.com:8083' }));
      expect(await identityOf(apiV4DefinitionKind, b, v4('team', 'orders', { contextRef: { name: 'elsewhere' } }))).not.toEqual(base);
    });

    it('a legacy spec.id names the API by its id: equal to an hrid that derives that id', async () => {
      const { a, b } = graviteeFleet();
      const byHrid = await identityOf(apiV4DefinitionKind, a, v4('team', 'orders'));
      expect(await identityOf(apiV4DefinitionKind, b, v4('team', 'x', { id: byHrid!.id.toUpperCase() }))).toEqual(byHrid);
    });

    it('local mode without a context writes a ConfigMap, no vendor object: unset; with a context, the API', async () => {
      const { a } = graviteeFleet();
      const { contextRef: _c, ...spec } = v4('team', 'local').spec as Json;
      const local = resource(GRAVITEE, 'ApiV4Definition', 'team', 'local', { ...spec, definitionContext: { syncFrom: 'KUBERNETES' } });
      expect(await identityOf(apiV4DefinitionKind, a, local)).toBeUndefined();
      expect((await identityOf(apiV4DefinitionKind, a, v4('team', 'local', { definitionContext: { syncFrom: 'KUBERNETES' } })))?.type).toBe('api');
    });

    it('a deletion names the same API', async () => {
      const { a } = graviteeFleet();
      const live = await identityOf(apiV4DefinitionKind, a, v4('team', 'orders'));
      const deleting = v4('team', 'orders');
      deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
      expect(await identityOf(apiV4DefinitionKind, a, deleting)).toEqual(live);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 3scale

const CAPABILITIES = 'capabilities.3scale.net/v1beta1';
const ADMIN = 'https://acme-admin.example.com';
/** Two member clusters whose provider account Secrets name one admin portal, spelt differently. */
function threescaleFleet() {
  const a = new Member('a')
    .secret('team', 'threescale-provider-account', { adminURL: ADMIN, token: 't1' })
    .secret('other', 'threescale-provider-account', { adminURL: 'HTTPS://ACME-admin.example.com:443/p/admin/', token: 't2' })
    .secret('team', 'tenant2', { adminURL: 'https://globex-admin.example.com', token: 't3' });
  const b = new Member('b').secret('ops', 'acme', { adminURL: 'https://Acme-Admin.example.com/', token: 't4' });
  return { a, b };
}
const threescale = (kind: string, namespace: string, name: string, spec: Json, extra: Partial<KubeObject> = {}) => resource(CAPABILITIES, kind, namespace, name, spec, extra);

describe('3scale identities', () => {
  it('scope: the admin portal origin (case, default port and path dropped)', () => {
    expect(threescaleScope('HTTPS://ACME-admin.example.com:443/p/admin/')).toBe(ADMIN);
    expect(threescaleScope('http://acme-admin.example.com:3000')).toBe('http://acme-admin.example.com:3000');
  });

  describe('Backend', () => {
    const backend = (namespace: string, name: string, spec: Json = {}) => threescale('Backend', namespace, name, { name: 'Orders API', privateBaseURL: 'https://orders.internal', ...spec });

    it('is one backend_api per admin portal and system name, in any namespace or cluster', async () => {
      const { a, b } = threescaleFleet();
      const ia = await identityOf(backendKind, a, backend('team', 'orders', { systemName: 'orders' }));
      expect(ia).toEqual({ vendor: '3scale', scope: ADMIN, type: 'backend_api', id: 'orders' });
      expect(await identityOf(backendKind, a, backend('other', 'orders-copy', { systemName: 'orders' }))).toEqual(ia);
      expect(await identityOf(backendKind, b, backend('ops', 'x', { systemName: 'orders', providerAccountRef: { name: 'acme' } }))).toEqual(ia);
      // The system name the operator derives from spec.name when none is set.
      expect(await identityOf(backendKind, b, backend('ops', 'y', { name: 'orders', providerAccountRef: { name: 'acme' } }))).toEqual(ia);
    });

    it('differs for another system name or another tenant', async () => {
      const { a } = threescaleFleet();
      const ia = await identityOf(backendKind, a, backend('team', 'orders', { systemName: 'orders' }));
      expect(await identityOf(backendKind, a, backend('team', 'payments', { systemName: 'payments' }))).not.toEqual(ia);
      expect(await identityOf(backendKind, a, backend('team', 'orders2', { systemName: 'orders', providerAccountRef: { name: 'tenant2' } }))).not.toEqual(ia);
    });
  });
});
