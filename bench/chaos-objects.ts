import type { Manifest } from '../local/apply.ts';

/**
 * The chaos scenario's objects in one member cluster: Gravitee ApiV4Definitions and Applications, 3scale Backends and
 * Products (each Product using its Backend), in equal shares, in a namespace of the cluster's own. Names carry the
 * cluster so no two resources of the fleet name the same vendor object (3scale system names are tenant-wide).
 */
const G = 'gravitee.io/v1alpha1';
const T = 'capabilities.3scale.net/v1beta1';

export const CHAOS_KINDS = [
  { apiVersion: G, kind: 'ApiV4Definition', vendor: 'gravitee' },
  { apiVersion: G, kind: 'Application', vendor: 'gravitee' },
  { apiVersion: T, kind: 'Backend', vendor: '3scale' },
  { apiVersion: T, kind: 'Product', vendor: '3scale' },
] as const;

export const namespaceOf = (cluster: string) => `chaos-${cluster}`;
const systemName = (name: string) => name.replace(/-/g, '_');

/** The namespace, the Gravitee context and its Secret, and the 3scale provider account Secret. */
export function chaosSetup(cluster: string, vendors: { apimUrl: string; adminURL: string; token: string }): Manifest[] {
  const namespace = namespaceOf(cluster);
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'apim', namespace }, stringData: { username: 'admin', password: 'admin' } },
    { apiVersion: G, kind: 'ManagementContext', metadata: { name: 'ctx', namespace }, spec: { baseUrl: vendors.apimUrl, organizationId: 'acme', environmentId: 'dev', auth: { secretRef: { name: 'apim' } } } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'threescale-provider-account', namespace }, stringData: { adminURL: vendors.adminURL, token: vendors.token } },
  ] as unknown as Manifest[];
}

/** `count` objects of the cluster, the four kinds in turn (a Product right after the Backend it uses). */
export function chaosObjects(cluster: string, count: number, description = 'v1'): Manifest[] {
  const namespace = namespaceOf(cluster);
  const out: Manifest[] = [];
  for (let i = 0; out.length < count; i++) {
    const [api, app, backend, product] = [`api-${i}`, `app-${i}`, `${cluster}-backend-${i}`, `${cluster}-product-${i}`];
    const all = [
      {
        apiVersion: G,
        kind: 'ApiV4Definition',
        metadata: { name: api, namespace },
        spec: {
          name: api,
          version: '1.0',
          description,
          contextRef: { name: 'ctx' },
          type: 'PROXY',
          state: 'STARTED',
          listeners: [{ type: 'HTTP', paths: [{ path: `/${cluster}/${api}` }], entrypoints: [{ type: 'http-proxy', qos: 'AUTO' }] }],
          endpointGroups: [{ name: 'default', type: 'http-proxy', endpoints: [{ name: 'default', type: 'http-proxy', inheritConfiguration: false, configuration: { target: 'https://backend.internal/echo' } }] }],
          plans: { KeyLess: { name: 'Free', security: { type: 'KEY_LESS' } } },
        },
      },
      { apiVersion: G, kind: 'Application', metadata: { name: app, namespace }, spec: { name: app, description, contextRef: { name: 'ctx' }, settings: { app: { type: 'WEB' } } } },
      {
        apiVersion: T,
        kind: 'Backend',
        metadata: { name: backend, namespace },
        spec: {
          name: `Backend ${backend}`,
          systemName: systemName(backend),
          description,
          privateBaseURL: `https://${backend}.internal.example.com/api`,
          methods: { list: { friendlyName: 'List' } },
          mappingRules: [{ httpMethod: 'GET', pattern: '/items$', metricMethodRef: 'list', increment: 1 }],
        },
      },
      {
        apiVersion: T,
        kind: 'Product',
        metadata: { name: product, namespace },
        spec: {
          name: `Product ${product}`,
          systemName: systemName(product),
          description,
          backendUsages: { [systemName(backend)]: { path: '/' } },
          applicationPlans: { basic: { name: 'Basic', published: true } },
        },
      },
    ];
    out.push(...(all.slice(0, count - out.length) as unknown as Manifest[]));
  }
  return out;
}
