import type { Manifest } from '../local/apply.ts';
import type { BackendShape, ProductShape } from './threescale-operator-calls.ts';

/**
 * The objects of the 3scale scenario: one Product with two Backends and three application plans, shaped like a
 * real API's (metrics, methods, ordered mapping rules, limits on product and backend metrics, pricing rules).
 * Counts the operator model needs are exported beside them so the two cannot drift apart.
 */
const API_VERSION = 'capabilities.3scale.net/v1beta1';
const systemName = (name: string) => name.replace(/-/g, '_');
const manifest = <S>(kind: string, name: string, namespace: string, spec: S) => ({ apiVersion: API_VERSION, kind, metadata: { name, namespace }, spec });

export const backendNames = (product: string): [string, string] => [`${product}-catalog`, `${product}-orders`];

export function backend(name: string, namespace: string): Manifest & { spec: BackendShape } {
  return manifest('Backend', name, namespace, {
    name: `Backend ${name}`,
    systemName: systemName(name),
    description: 'bench backend',
    privateBaseURL: `https://${name}.internal.example.com/api`,
    metrics: { bytes: { friendlyName: 'Bytes', unit: 'byte', description: 'response size' } },
    methods: { list: { friendlyName: 'List' }, read: { friendlyName: 'Read' } },
    mappingRules: [
      { httpMethod: 'GET', pattern: '/items$', metricMethodRef: 'list', increment: 1 },
      { httpMethod: 'GET', pattern: '/items/{id}', metricMethodRef: 'read', increment: 1 },
      { httpMethod: 'POST', pattern: '/items$', metricMethodRef: 'hits', increment: 1 },
    ],
  });
}

export function product(name: string, namespace: string): Manifest & { spec: ProductShape } {
  const [catalog, orders] = backendNames(name).map(systemName);
  const hitsOf = (backend?: string) => ({ systemName: 'hits', ...(backend ? { backend } : {}) });
  return manifest('Product', name, namespace, {
    name: `Product ${name}`,
    systemName: systemName(name),
    description: 'bench product',
    deployment: { apicastHosted: { authentication: { userkey: { authUserKey: 'api-key', credentials: 'headers' } } } },
    backendUsages: { [catalog]: { path: '/catalog' }, [orders]: { path: '/orders' } },
    metrics: { transfer: { friendlyName: 'Transfer', unit: 'KB' } },
    methods: { search: { friendlyName: 'Search' } },
    mappingRules: [
      { httpMethod: 'GET', pattern: '/search$', metricMethodRef: 'search', increment: 1 },
      { httpMethod: 'POST', pattern: '/upload$', metricMethodRef: 'transfer', increment: 1 },
    ],
    applicationPlans: {
      basic: {
        name: 'Basic',
        published: true,
        costMonth: '0.00',
        limits: [
          { period: 'day', value: 1000, metricMethodRef: hitsOf() },
          { period: 'minute', value: 10, metricMethodRef: hitsOf(catalog) },
        ],
      },
      pro: {
        name: 'Pro',
        published: true,
        setupFee: '10.00',
        costMonth: '49.00',
        limits: [
          { period: 'month', value: 100000, metricMethodRef: hitsOf() },
          { period: 'day', value: 5000, metricMethodRef: hitsOf(orders) },
        ],
        pricingRules: [
          { from: 1, to: 1000, pricePerUnit: '0.01', metricMethodRef: hitsOf() },
          { from: 1001, to: 100000, pricePerUnit: '0.01', metricMethodRef: { systemName: 'search' } },
        ],
      },
      enterprise: {
        name: 'Enterprise',
        appsRequireApproval: true,
        trialPeriod: 30,
        costMonth: '499.00',
        limits: [{ period: 'month', value: 10000000, metricMethodRef: { systemName: 'search' } }],
        pricingRules: [{ from: 1, to: 1000000, pricePerUnit: '0.02', metricMethodRef: { systemName: 'list', backend: catalog } }],
      },
    },
  });
}
