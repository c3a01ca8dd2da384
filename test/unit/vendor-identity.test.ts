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
import { activeDocKind } from '../../vendors/threescale/active-doc/kind.ts';
import { applicationKind as threescaleApplicationKind } from '../../vendors/threescale/application/kind.ts';
import { applicationAuthKind } from '../../vendors/threescale/application-auth/kind.ts';
import { backendKind } from '../../vendors/threescale/backend/kind.ts';
import { customPolicyDefinitionKind } from '../../vendors/threescale/custom-policy-definition/kind.ts';
import { developerAccountKind } from '../../vendors/threescale/developer-account/kind.ts';
import { developerUserKind } from '../../vendors/threescale/developer-user/kind.ts';
import { openAPIKind } from '../../vendors/threescale/openapi/kind.ts';
import { productKind } from '../../vendors/threescale/product/kind.ts';
import { proxyConfigPromoteKind } from '../../vendors/threescale/proxy-config-promote/kind.ts';
import { tenantKind } from '../../vendors/threescale/tenant/kind.ts';
import { threescaleScope } from '../../vendors/threescale/identity.ts';
import { gkoExample } from '../support/gko-examples.ts';
import { apiGatewayKind } from '../../vendors/wso2/api-gateway/kind.ts';
import { apiKeyKind } from '../../vendors/wso2/api-key/kind.ts';
import { certificateKind } from '../../vendors/wso2/certificate/kind.ts';
import { wso2ApimIdentity, wso2GatewayScope } from '../../vendors/wso2/identity.ts';
import { managedSecretKind } from '../../vendors/wso2/managed-secret/kind.ts';
import { restApiKind } from '../../vendors/wso2/rest-api/kind.ts';
import { subscriptionKind as wso2SubscriptionKind } from '../../vendors/wso2/subscription/kind.ts';
import { subscriptionPlanKind } from '../../vendors/wso2/subscription-plan/kind.ts';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

type Json = Record<string, any>;

/**
 * One member cluster as a kind's connect reads it: its objects and Secrets, in memory. Its vendor client refuses every
 * call, so each test also shows that an identity is known without asking the vendor.
 */
class Member {
  readonly objects = new Map<string, KubeObject>();
  /** What the vendor answers to a GET, by URL path, for the kinds whose connect must read it (a 3scale plan id). */
  readonly answers = new Map<string, unknown>();
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
    const http = {
      request: async (req: { method: string; url: string }) => {
        const path = new URL(req.url).pathname;
        if (req.method === 'GET' && this.answers.has(path)) return { status: 200, headers: {}, body: this.answers.get(path) };
        throw new Error(`no vendor call expected while connecting: ${req.method} ${req.url}`);
      },
    };
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

  const ready = (status: Json) => ({ status: { ...status, providerAccountHost: ADMIN, conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }, { type: 'Synced', status: 'True', observedGeneration: 1 }], observedGeneration: 1 } });

  describe.each([
    ['Product', productKind, { name: 'Orders', systemName: 'orders' }, { name: 'orders' }, { name: 'Orders', systemName: 'payments' }, 'service', 'orders'],
    ['CustomPolicyDefinition', customPolicyDefinitionKind, { name: 'Example Policy', version: '0.1', schema: { name: 'Example Policy', version: '0.1', summary: 's', $schema: 'http://apicast.io/policy-v1/schema#manifest#', configuration: { type: 'object' } } }, null, { name: 'Example Policy', version: '0.2', schema: { name: 'Example Policy', version: '0.2', summary: 's', $schema: 'http://apicast.io/policy-v1/schema#manifest#', configuration: { type: 'object' } } }, 'policy', 'Example%20Policy/0.1'],
  ] as const)('%s', (kindName, kind, spec, sameSpec, otherSpec, type, id) => {
    it(`is one ${type} per admin portal and ${id}, in any namespace or cluster; another differs`, async () => {
      const { a, b } = threescaleFleet();
      const k = kind as unknown as KindDefinition;
      const ia = await identityOf(k, a, threescale(kindName, 'team', 'x', spec));
      expect(ia).toEqual({ vendor: '3scale', scope: ADMIN, type, id });
      expect(await identityOf(k, a, threescale(kindName, 'other', 'y', spec))).toEqual(ia);
      expect(await identityOf(k, b, threescale(kindName, 'ops', 'z', { ...(sameSpec ?? spec), providerAccountRef: { name: 'acme' } }))).toEqual(ia);
      expect(await identityOf(k, a, threescale(kindName, 'team', 'x', otherSpec))).not.toEqual(ia);
      expect(await identityOf(k, a, threescale(kindName, 'team', 'x', { ...spec, providerAccountRef: { name: 'tenant2' } }))).not.toEqual(ia);
    });
  });

  it('a Product being deleted with a spec that no longer validates names the same product', async () => {
    const { a } = threescaleFleet();
    const live = await identityOf(productKind, a, threescale('Product', 'team', 'p', { name: 'orders' }));
    const obj = threescale('Product', 'team', 'p', { name: 'orders' }, { metadata: { namespace: 'team', name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' } });
    expect(await (await productKind.connect({ object: obj, spec: obj.spec as never }, a.add(obj).context())).identity).toEqual(live);
  });

  it('a Backend being deleted with a raw spec derives its system name as the schema does', async () => {
    const { a } = threescaleFleet();
    const raw = threescale('Backend', 'team', 'b', { name: 'Orders API' }, { metadata: { namespace: 'team', name: 'b', deletionTimestamp: '2026-01-01T00:00:00Z' } });
    expect((await backendKind.connect({ object: raw, spec: raw.spec as never }, a.add(raw).context())).identity).toEqual({ vendor: '3scale', scope: ADMIN, type: 'backend_api', id: 'OrdersAPI' });
  });

  it('ActiveDoc: one api_doc per system name, whatever its title', async () => {
    const { a, b } = threescaleFleet();
    const doc = { openapi: '3.0.2', info: { title: 't', version: '1' }, paths: {} };
    for (const m of [a, b]) for (const ns of ['team', 'ops']) m.secret(ns, 'oas', { 'doc.json': JSON.stringify(doc) });
    const activeDoc = (namespace: string, spec: Json) => threescale('ActiveDoc', namespace, 'd', { activeDocOpenAPIRef: { secretRef: { name: 'oas' } }, ...spec });
    const ia = await identityOf(activeDocKind, a, activeDoc('team', { name: 'Orders doc', systemName: 'ordersdoc' }));
    expect(ia).toEqual({ vendor: '3scale', scope: ADMIN, type: 'api_doc', id: 'ordersdoc' });
    expect(await identityOf(activeDocKind, b, activeDoc('ops', { name: 'Other title', systemName: 'ordersdoc', providerAccountRef: { name: 'acme' } }))).toEqual(ia);
    expect(await identityOf(activeDocKind, a, activeDoc('team', { name: 'Orders doc', systemName: 'paymentsdoc' }))).not.toEqual(ia);
  });

  describe('DeveloperAccount: the 3scale account by id, as the operator (org names are not unique in a tenant)', () => {
    const devAccount = (namespace: string, name: string, orgName: string, extra: Partial<KubeObject> = {}, ref: Json = {}) => threescale('DeveloperAccount', namespace, name, { orgName, ...ref }, extra);
    const annotated = (namespace: string, name: string, accountID: string) => ({ metadata: { namespace, name, uid: `${namespace}-${name}-uid`, generation: 1, annotations: { accountID } } });

    it('is the account of status.accountID, else of the accountID annotation, in any namespace or cluster', async () => {
      const { a, b } = threescaleFleet();
      const ia = await identityOf(developerAccountKind, a, devAccount('team', 'x', 'Ecorp', ready({ accountID: 42 })));
      expect(ia).toEqual({ vendor: '3scale', scope: ADMIN, type: 'account', id: '42' });
      // A restore carries the id the operator mirrors into the annotation, without status.
      expect(await identityOf(developerAccountKind, a, devAccount('other', 'restored', 'Ecorp', annotated('other', 'restored', '42')))).toEqual(ia);
      expect(await identityOf(developerAccountKind, b, devAccount('ops', 'z', 'Renamed', ready({ accountID: 42 }), { providerAccountRef: { name: 'acme' } }))).toEqual(ia);
    });

    it('differs for another account of the same organization, or another tenant', async () => {
      const { a } = threescaleFleet();
      const ia = await identityOf(developerAccountKind, a, devAccount('team', 'x', 'Ecorp', ready({ accountID: 42 })));
      expect(await identityOf(developerAccountKind, a, devAccount('team', 'y', 'Ecorp', ready({ accountID: 43 })))).not.toEqual(ia);
      expect(await identityOf(developerAccountKind, a, devAccount('team', 'x2', 'Ecorp', ready({ accountID: 42 }), { providerAccountRef: { name: 'tenant2' } }))).not.toEqual(ia);
    });

    it('is unset before its first signup (nothing to own yet), whatever its org name', async () => {
      const { a } = threescaleFleet();
      expect(await identityOf(developerAccountKind, a, devAccount('team', 'new', 'Ecorp'))).toBeUndefined();
      expect(await identityOf(developerAccountKind, a, devAccount('team', 'bad', 'Ecorp', annotated('team', 'bad', 'not-an-id')))).toBeUndefined();
    });

    it('names the account its lookup found by the admin user (a signup whose id the sync died before writing)', async () => {
      const { a } = threescaleFleet();
      a.secret('team', 'pw', { password: 'p' });
      a.add(threescale('DeveloperUser', 'team', 'admin', { username: 'jane', email: 'jane@example.com', role: 'admin', developerAccountRef: { name: 'new' }, passwordCredentialsRef: { name: 'pw' } }));
      a.answers.set('/admin/api/accounts/find.json', { account: { id: 44, org_name: 'Ecorp', state: 'approved', monthly_billing_enabled: true, monthly_charging_enabled: true } });
      const client = await connect(developerAccountKind, a, devAccount('team', 'new', 'Ecorp'));
      expect(client.identity).toBeUndefined();
      expect(await client.observe()).toMatchObject({ exists: true, status: { accountID: 44 } });
      expect(client.identity).toEqual({ vendor: '3scale', scope: ADMIN, type: 'account', id: '44' });
    });
  });

  describe('DeveloperUser, Application and ApplicationAuth: under the 3scale account (and product) their resources synced to', () => {
    function withAccountAndProduct(m: Member, namespace: string, accountID: number, productId = 7, provider?: string) {
      const ref = provider ? { providerAccountRef: { name: provider } } : {};
      m.add({ ...threescale('DeveloperAccount', namespace, 'acct', { orgName: 'Ecorp', ...ref }), ...ready({ accountID }) });
      m.add({ ...threescale('Product', namespace, 'prod', { name: 'orders', ...ref }), ...ready({ productId }) });
      m.answers.set(`/admin/api/services/${productId}/application_plans.json`, { plans: [{ application_plan: { id: 70, system_name: 'basic' } }] });
      m.secret(namespace, 'pw', { password: 'p' });
      return m;
    }
    const user = (namespace: string, username: string, ref: Json = {}) =>
      threescale('DeveloperUser', namespace, 'u', { username, email: `${username}@example.com`, role: 'member', developerAccountRef: { name: 'acct' }, passwordCredentialsRef: { name: 'pw' }, ...ref });
    const application = (namespace: string, name: string, ref: Json = {}) =>
      threescale('Application', namespace, 'app', { accountCR: { name: 'acct' }, productCR: { name: 'prod' }, applicationPlanName: 'basic', name, description: 'd', ...ref });

    it('DeveloperUser: account id + username', async () => {
      const { a, b } = threescaleFleet();
      withAccountAndProduct(a, 'team', 42);
      withAccountAndProduct(b, 'ops', 42, 7, 'acme');
      const ia = await identityOf(developerUserKind, a, user('team', 'jane'));
      expect(ia).toEqual({ vendor: '3scale', scope: ADMIN, type: 'user', id: '42/jane' });
      expect(await identityOf(developerUserKind, b, user('ops', 'jane', { providerAccountRef: { name: 'acme' } }))).toEqual(ia);
      expect(await identityOf(developerUserKind, a, user('team', 'john'))).not.toEqual(ia);
      withAccountAndProduct(a, 'other', 43);
      expect(await identityOf(developerUserKind, a, user('other', 'jane'))).not.toEqual(ia);
    });

    it('Application: account id + product id + name, as the operator finds it', async () => {
      const { a, b } = threescaleFleet();
      withAccountAndProduct(a, 'team', 42);
      withAccountAndProduct(b, 'ops', 42, 7, 'acme');
      const ia = await identityOf(threescaleApplicationKind, a, application('team', 'mobile'));
      expect(ia).toEqual({ vendor: '3scale', scope: ADMIN, type: 'application', id: '42/7/mobile' });
      expect(await identityOf(threescaleApplicationKind, b, application('ops', 'mobile'))).toEqual(ia);
      expect(await identityOf(threescaleApplicationKind, a, application('team', 'web'))).not.toEqual(ia);
      withAccountAndProduct(a, 'other', 42, 8);
      expect(await identityOf(threescaleApplicationKind, a, application('other', 'mobile'))).not.toEqual(ia);
    });

    it('ApplicationAuth adds a key to an application its Application owns: an action, unset', async () => {
      const { a, b } = threescaleFleet();
      const withApp = (m: Member, namespace: string, applicationID: number, ref: Json = {}) => {
        m.add({ ...threescale('Application', namespace, 'app', { name: 'mobile', ...ref }), ...ready({ applicationID, accountID: 42 }) });
        m.secret(namespace, 'keys', { UserKey: 'k' });
      };
      const auth = (namespace: string, ref: Json = {}) => threescale('ApplicationAuth', namespace, 'auth', { applicationCRName: 'app', authSecretRef: { name: 'keys' }, ...ref });
      withApp(a, 'team', 9);
      withApp(b, 'ops', 9, { providerAccountRef: { name: 'acme' } });
      expect(await identityOf(applicationAuthKind, a, auth('team'))).toBeUndefined();
      expect(await identityOf(applicationAuthKind, b, auth('ops', { providerAccountRef: { name: 'acme' } }))).toBeUndefined();
    });
  });

  it('Tenant: an account of the master portal, by organization name', async () => {
    const tenant = (namespace: string, organizationName: string, master = 'https://master.example.com') =>
      threescale('Tenant', namespace, 't', { username: 'admin', email: 'admin@ecorp.com', organizationName, systemMasterUrl: master, masterCredentialsRef: { name: 'system-seed' }, passwordCredentialsRef: { name: 'pw' }, tenantSecretRef: { name: 'out' } }, { apiVersion: 'capabilities.3scale.net/v1alpha1' });
    const seed = (m: Member, namespace: string) => m.secret(namespace, 'system-seed', { MASTER_ACCESS_TOKEN: 'm' }).secret(namespace, 'pw', { admin_password: 'p' });
    const { a, b } = threescaleFleet();
    seed(a, 'team');
    seed(b, 'ops');
    const ia = await identityOf(tenantKind, a, tenant('team', 'ECorp'));
    expect(ia).toEqual({ vendor: '3scale', scope: 'https://master.example.com', type: 'account', id: 'ECorp' });
    expect(await identityOf(tenantKind, b, tenant('ops', 'ECorp', 'https://Master.example.com:443/'))).toEqual(ia);
    expect(await identityOf(tenantKind, a, tenant('team', 'Globex'))).not.toEqual(ia);
    expect(await identityOf(tenantKind, a, tenant('team', 'ECorp', 'https://master2.example.com'))).not.toEqual(ia);
  });

  it('OpenAPI and ProxyConfigPromote write no 3scale object of their own: unset', async () => {
    const { a } = threescaleFleet();
    a.add({ ...threescale('Product', 'team', 'prod', { name: 'orders' }), ...ready({ productId: 7 }) });
    const promote = threescale('ProxyConfigPromote', 'team', 'promote', { productCRName: 'prod' });
    expect(await identityOf(proxyConfigPromoteKind, a, promote)).toBeUndefined();
    a.secret('team', 'oas', { 'doc.json': JSON.stringify({ openapi: '3.0.2', info: { title: 'Orders', version: '1' }, paths: {}, servers: [{ url: 'https://orders.internal' }] }) });
    expect(await identityOf(openAPIKind, a, threescale('OpenAPI', 'team', 'oa', { openapiRef: { secretRef: { name: 'oas' } } }))).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// WSO2

const WSO2 = 'gateway.api-platform.wso2.com/v1';
const GATEWAY_URL = 'https://gw.example.com:9443';
/** An operator example (gateway-examples/<file>), its first document, in `namespace`. */
const wso2Example = (file: string, namespace: string, name?: string, spec: Json = {}): KubeObject => {
  const doc = parse(readFileSync(new URL(`../e2e/fixtures/wso2-operator/gateway-examples/${file}`, import.meta.url), 'utf8').split(/^---$/m)[0]!) as KubeObject;
  return resource(doc.apiVersion, doc.kind, namespace, name ?? doc.metadata.name, { ...(doc.spec as Json), ...spec });
};
/** A member cluster with an APIGateway reached at `url` (the management-url annotation), selecting everything. */
function wso2Member(id: string, url: string) {
  return new Member(id)
    .add(resource(WSO2, 'APIGateway', 'gw', 'gateway', { apiSelector: { scope: 'Cluster' } }, { metadata: { namespace: 'gw', name: 'gateway', annotations: { 'apim-sync.io/management-url': url } } }))
    .secret('team', 'openai-credentials', { 'api-key': 'sk-x' })
    .secret('team', 'example-upstream-ca-pem', { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' });
}

describe('WSO2 identities', () => {
  it('gateway scope: the management URL normalised; a Service address reached through the API server names its cluster', () => {
    expect(wso2GatewayScope({ baseUrl: 'HTTPS://GW.example.com:443/api/management/v1/' })).toBe('https://gw.example.com/api/management/v1');
    const inCluster = 'http://gateway-controller.gw.svc:9090/api/management/v1';
    expect(wso2GatewayScope({ baseUrl: inCluster, cluster: 'east' })).toBe(`cluster/east/${inCluster}`);
    expect(wso2GatewayScope({ baseUrl: inCluster, cluster: 'east' })).not.toBe(wso2GatewayScope({ baseUrl: inCluster, cluster: 'west' }));
  });

  it('a bottom-up import: the APIM origin and name:version', () => {
    expect(wso2ApimIdentity('APIM.example.com:443', { name: 'Orders', version: 'v1' })).toEqual({ vendor: 'wso2', scope: 'https://apim.example.com', type: 'api', id: 'Orders:v1' });
    expect(wso2ApimIdentity('apim.example.com', { name: 'Orders', version: 'v1' })).toEqual(wso2ApimIdentity('APIM.example.com:443', { name: 'Orders', version: 'v1' }));
    expect(wso2ApimIdentity('apim.example.com', { name: 'Orders', version: 'v2' })).not.toEqual(wso2ApimIdentity('apim.example.com', { name: 'Orders', version: 'v1' }));
    expect(wso2ApimIdentity('apim2.example.com', { name: 'Orders', version: 'v1' })).not.toEqual(wso2ApimIdentity('apim.example.com', { name: 'Orders', version: 'v1' }));
  });

  const cases = [
    ['RestApi', restApiKind, 'sample-echo-api.yaml', 'RestApi'],
    ['ManagedSecret', managedSecretKind, 'managed-secret.yaml', 'Secret'],
    ['SubscriptionPlan', subscriptionPlanKind, 'subscription-plan.yaml', 'SubscriptionPlan'],
    ['Certificate', certificateKind, 'certificate.yaml', 'Certificate'],
  ] as const;
  it.each(cases)('%s: one object per gateway and key, in any namespace or cluster', async (_kind, kind, file, type) => {
    const a = wso2Member('a', GATEWAY_URL);
    const b = wso2Member('b', 'https://GW.example.com:9443/');
    const k = kind as unknown as KindDefinition;
    // The example's plan spells status and unit as the gateway's API does not take them (the e2e fills them in too).
    const fix = type === 'SubscriptionPlan' ? { status: 'ACTIVE', throttleLimitUnit: 'Min' } : {};
    const ia = await identityOf(k, a, wso2Example(file, 'team', undefined, fix));
    expect(ia).toMatchObject({ vendor: 'wso2', scope: `${GATEWAY_URL}/api/management/v1`, type });
    expect(await identityOf(k, b, wso2Example(file, 'team', undefined, fix))).toEqual(ia);
    const other = await identityOf(k, a, wso2Example(file, 'team', 'other', { ...fix, ...(type === 'SubscriptionPlan' ? { planName: 'Gold' } : type === 'Certificate' ? { displayName: 'other-ca' } : {}) }));
    expect(other).not.toEqual(ia);
    expect(await identityOf(k, wso2Member('c', 'https://gw2.example.com:9443'), wso2Example(file, 'team', undefined, fix))).not.toEqual(ia);
  });

  it('a RestApi (an envelope by handle) is the same in another namespace: the gateway keys it by name', async () => {
    const a = wso2Member('a', GATEWAY_URL);
    expect(await identityOf(restApiKind, a, wso2Example('sample-echo-api.yaml', 'other'))).toEqual(await identityOf(restApiKind, a, wso2Example('sample-echo-api.yaml', 'team')));
  });

  it('ApiKey: a key of its parent, by name', async () => {
    const withParent = (m: Member, api = 'petstore-api-v1.0') => m.add({ ...wso2Example('sample-echo-api.yaml', 'team', api), status: { gateway: 'gw/gateway', observedGeneration: 1, conditions: [{ type: 'Programmed', status: 'True', observedGeneration: 1 }, { type: 'Ready', status: 'True', observedGeneration: 1 }, { type: 'Accepted', status: 'True', observedGeneration: 1 }] } });
    const a = withParent(wso2Member('a', GATEWAY_URL));
    const b = withParent(wso2Member('b', GATEWAY_URL));
    const ia = await identityOf(apiKeyKind, a, wso2Example('api-key.yaml', 'team'));
    expect(ia).toEqual({ vendor: 'wso2', scope: `${GATEWAY_URL}/api/management/v1`, type: 'ApiKey', id: 'rest-apis/petstore-api-v1.0/petstore-key-acme' });
    expect(await identityOf(apiKeyKind, b, wso2Example('api-key.yaml', 'team'))).toEqual(ia);
    withParent(a, 'other-api');
    expect(await identityOf(apiKeyKind, a, wso2Example('api-key.yaml', 'team', undefined, { parentRef: { kind: 'RestApi', name: 'other-api' } }))).not.toEqual(ia);
  });

  it('a deletion never synced names what it would delete on the gateway that selects it', async () => {
    const a = wso2Member('a', GATEWAY_URL);
    const live = await identityOf(restApiKind, a, wso2Example('sample-echo-api.yaml', 'team'));
    const gone = wso2Example('sample-echo-api.yaml', 'team');
    gone.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(await identityOf(restApiKind, a, gone)).toEqual(live);
  });

  it('APIGateway and Subscription: unset (it writes nothing to the gateway; a subscription is keyed by a secret token)', async () => {
    const a = wso2Member('a', GATEWAY_URL);
    expect(await identityOf(apiGatewayKind, a, a.objects.get(key({ apiVersion: WSO2, kind: 'APIGateway', namespace: 'gw', name: 'gateway' }))!)).toBeUndefined();
    a.secret('team', 'token', { token: 't' });
    expect(await identityOf(wso2SubscriptionKind, a, resource(WSO2, 'Subscription', 'team', 's', { apiId: 'sample-echo-v1', subscriptionToken: { valueFrom: { name: 'token', key: 'token' } } }))).toBeUndefined();
  });
});
