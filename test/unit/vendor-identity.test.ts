import { describe, expect, it } from 'vitest';
import type { ExternalClient, KindDefinition, SyncContext, VendorObjectIdentity } from '../../shared/engine/kind.ts';
import { parseSpec } from '../../shared/engine/spec-validation.ts';
import type { Cluster } from '../../shared/kube/cluster.ts';
import { refOf, SECRET, type KubeObject, type ObjectRef } from '../../shared/kube/object-ref.ts';
import { apiDefinitionKind } from '../../vendors/gravitee/api-definition/kind.ts';
import { apiResourceKind } from '../../vendors/gravitee/api-resource/kind.ts';
import { apiV4DefinitionKind } from '../../vendors/gravitee/api-v4-definition/kind.ts';
import { applicationKind } from '../../vendors/gravitee/application/kind.ts';
import { dictionaryKind } from '../../vendors/gravitee/dictionary/kind.ts';
import { documentationKind } from '../../vendors/gravitee/documentation/kind.ts';
import { groupKind } from '../../vendors/gravitee/group/kind.ts';
import { graviteeScope } from '../../vendors/gravitee/identity.ts';
import { managementContextKind } from '../../vendors/gravitee/management-context/kind.ts';
import { notificationKind } from '../../vendors/gravitee/notification/kind.ts';
import { portalKind } from '../../vendors/gravitee/portal/kind.ts';
import { portalLinkKind } from '../../vendors/gravitee/portal-link/kind.ts';
import { portalListingKind } from '../../vendors/gravitee/portal-listing/kind.ts';
import { sharedPolicyGroupKind } from '../../vendors/gravitee/shared-policy-group/kind.ts';
import { subscriptionKind } from '../../vendors/gravitee/subscription/kind.ts';
import { backendKind } from '../../vendors/threescale/backend/kind.ts';
import { threescaleScope } from '../../vendors/threescale/identity.ts';
import { gkoExample } from '../support/gko-examples.ts';

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

  /** A GKO example as a user applies it in `namespace`, through this fleet's context `apim`. */
  const example = (path: string, namespace: string, name?: string, spec: Json = {}): KubeObject => {
    const doc = gkoExample(`apim/${path}`);
    const own = (doc.spec ?? {}) as Json;
    return resource(doc.apiVersion, doc.kind, namespace, name ?? doc.metadata.name, { ...own, ...(own.contextRef ? { contextRef: { name: 'apim' } } : {}), ...spec });
  };
  const deleting = (obj: KubeObject): KubeObject => ({ ...obj, metadata: { ...obj.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });

  describe.each([
    ['Application', applicationKind, 'application/application.yml', 'application'],
    ['Group', groupKind, 'group/group.yml', 'group'],
    ['Dictionary', dictionaryKind, 'dictionary/dictionary-manual.yml', 'dictionary'],
    ['SharedPolicyGroup', sharedPolicyGroupKind, 'shared_policy_groups/shared_policy_groups.yml', 'shared-policy-group'],
    ['Portal', portalKind, 'portal/portal.yml', 'portal'],
  ] as const)('%s', (_kind, kind, path, type) => {
    it(`is one ${type} for one namespace/name across clusters and context spellings, another for another hrid`, async () => {
      const { a, b } = graviteeFleet();
      const ia = await identityOf(kind as KindDefinition, a, example(path, 'team', 'x'));
      expect(ia).toMatchObject({ vendor: 'gravitee', scope: graviteeScope(APIM), type });
      expect(await identityOf(kind as KindDefinition, b, example(path, 'team', 'x'))).toEqual(ia);
      expect(await identityOf(kind as KindDefinition, b, deleting(example(path, 'team', 'x')))).toEqual(ia);
      expect(await identityOf(kind as KindDefinition, a, example(path, 'other', 'x'))).not.toEqual(ia);
      expect(await identityOf(kind as KindDefinition, a, example(path, 'team', 'y'))).not.toEqual(ia);
    });
  });

  it('an Application or Group with a legacy spec.id is the object APIM keys by that id', async () => {
    const { a, b } = graviteeFleet();
    const byHrid = await identityOf(applicationKind, a, example('application/application.yml', 'team', 'x'));
    expect(await identityOf(applicationKind, b, example('application/application.yml', 'team', 'legacy', { id: byHrid!.id }))).toEqual(byHrid);
    const group = await identityOf(groupKind, a, example('group/group.yml', 'team', 'g', { id: 'A0000000-0000-0000-0000-000000000001' }));
    expect(group).toMatchObject({ type: 'group', id: 'a0000000-0000-0000-0000-000000000001' });
  });

  it('an ApiDefinition (v2) imports under the id APIM derives from the same hrid: the v4 API of that namespace/name', async () => {
    const { a, b } = graviteeFleet();
    const v2 = example('api_definition/v2/api-with-context.yml', 'team', 'orders', { local: false });
    const iv2 = await identityOf(apiDefinitionKind, a, v2);
    expect(iv2).toEqual(await identityOf(apiV4DefinitionKind, b, v4('team', 'orders')));
    expect(await identityOf(apiDefinitionKind, b, deleting(v2))).toEqual(iv2);
    expect(await identityOf(apiDefinitionKind, a, example('api_definition/v2/api-with-context.yml', 'team', 'other', { local: false }))).not.toEqual(iv2);
    // Its own ids, as GKO imports them.
    const withId = await identityOf(apiDefinitionKind, a, example('api_definition/v2/api-with-context.yml', 'team', 'legacy', { id: 'b0000000-0000-0000-0000-000000000002' }));
    expect(withId).toMatchObject({ type: 'api', id: 'b0000000-0000-0000-0000-000000000002' });
    // Local mode without a context: a ConfigMap only.
    const { contextRef: _c, ...local } = v2.spec as Json;
    expect(await identityOf(apiDefinitionKind, a, resource(GRAVITEE, 'ApiDefinition', 'team', 'local', { ...local, local: true }))).toBeUndefined();
  });

  describe('Subscription', () => {
    const plans = { gold: { name: 'gold', security: { type: 'API_KEY' } } };
    function withApiAndApp(member: Member, namespace: string, api = 'orders') {
      member.add({ ...v4(namespace, api, { plans }), status: { id: 'api-id', plans: { gold: 'plan-id' } } });
      member.add({ ...example('application/application.yml', namespace, 'app'), status: { id: 'app-id' } });
      if (!member.objects.has(key({ apiVersion: GRAVITEE, kind: 'ManagementContext', namespace, name: 'apim' }))) member.add(context(namespace, 'apim', APIM));
      return member;
    }
    const subscription = (namespace: string, name: string, api = 'orders') =>
      resource(GRAVITEE, 'Subscription', namespace, name, { api: { name: api, kind: 'ApiV4Definition' }, application: { name: 'app' }, plan: 'gold' });

    it('is one subscription under one API per hrid; another API or hrid is another', async () => {
      const { a, b } = graviteeFleet();
      withApiAndApp(a, 'team');
      withApiAndApp(b, 'team');
      const ia = await identityOf(subscriptionKind, a, subscription('team', 's'));
      expect(ia).toMatchObject({ vendor: 'gravitee', scope: graviteeScope(APIM), type: 'subscription' });
      expect(await identityOf(subscriptionKind, b, subscription('team', 's'))).toEqual(ia);
      expect(await identityOf(subscriptionKind, a, deleting(subscription('team', 's')))).toEqual(ia);
      expect(await identityOf(subscriptionKind, a, subscription('team', 't'))).not.toEqual(ia);
      withApiAndApp(a, 'team', 'payments');
      expect(await identityOf(subscriptionKind, a, subscription('team', 's', 'payments'))).not.toEqual(ia);
    });
  });

  describe('PortalListing, PortalLink and Documentation', () => {
    function withPortalAndApi(member: Member, namespace: string) {
      member.add({ ...example('portal/portal.yml', namespace, 'default-portal'), status: { id: 'portal-id' } });
      member.add({ ...v4(namespace, 'api-v4-with-context'), status: { id: 'api-id' } });
      return member;
    }
    const cases = [
      ['PortalListing', portalListingKind, 'portal/portal-listing.yml', 'portal-listing'],
      ['PortalLink', portalLinkKind, 'portal/portal-link.yml', 'portal-link'],
      ['Documentation on a portal', documentationKind, 'portal/documentation-portal.yml', 'portal-documentation'],
      ['Documentation of an API', documentationKind, 'portal/documentation-api.yml', 'api-documentation'],
    ] as const;
    it.each(cases)('%s: one object under its parent per hrid', async (_what, kind, path, type) => {
      const { a, b } = graviteeFleet();
      withPortalAndApi(a, 'team');
      withPortalAndApi(b, 'team');
      const ia = await identityOf(kind as KindDefinition, a, example(path, 'team', 'x'));
      expect(ia).toMatchObject({ vendor: 'gravitee', scope: graviteeScope(APIM), type });
      expect(await identityOf(kind as KindDefinition, b, example(path, 'team', 'x'))).toEqual(ia);
      expect(await identityOf(kind as KindDefinition, b, deleting(example(path, 'team', 'x')))).toEqual(ia);
      expect(await identityOf(kind as KindDefinition, a, example(path, 'team', 'y'))).not.toEqual(ia);
    });

    it('a page of a portal and a page of an API with the same hrids are two objects', async () => {
      const { a } = graviteeFleet();
      withPortalAndApi(a, 'team');
      a.add({ ...example('portal/portal.yml', 'team', 'api-v4-with-context'), status: { id: 'portal-id' } });
      const onPortal = example('portal/documentation-portal.yml', 'team', 'x', { portalRef: { name: 'api-v4-with-context' } });
      expect(await identityOf(documentationKind, a, onPortal)).not.toEqual(await identityOf(documentationKind, a, example('portal/documentation-api.yml', 'team', 'x')));
    });
  });

  it('ManagementContext, ApiResource and Notification write no APIM object of their own: unset', async () => {
    const { a } = graviteeFleet();
    expect(await identityOf(managementContextKind, a, context('team', 'apim', APIM))).toBeUndefined();
    expect(await identityOf(apiResourceKind, a, example('api_resource/api-resource-cache.yml', 'team'))).toBeUndefined();
    expect(await identityOf(notificationKind, a, example('notification/notification-no-group.yml', 'team'))).toBeUndefined();
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
