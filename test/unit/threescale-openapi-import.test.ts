import { describe, expect, it } from 'vitest';
import { SyncError } from '../../shared/engine/errors.ts';
import { documentFields } from '../../vendors/threescale/openapi/document-fields.ts';
import { DEFAULT_PRIVATE_BASE_URL, importedSpecs } from '../../vendors/threescale/openapi/import-rules.ts';
import { OpenAPISpec } from '../../vendors/threescale/openapi/schema.ts';

type Json = Record<string, any>;

const ref = { openapiRef: { secretRef: { name: 'doc' } } };
const importOf = (doc: Json, spec: Json = {}) => importedSpecs(documentFields(doc), OpenAPISpec.parse({ ...ref, ...spec }));
const doc = (extra: Json = {}): Json => ({ openapi: '3.0.2', info: { title: 'Shop API', version: '1' }, paths: {}, ...extra });
function refusal(f: () => unknown): SyncError {
  try {
    f();
  } catch (e) {
    return e as SyncError;
  }
  throw new Error('expected a refusal');
}

describe('OpenAPI import rules (the 3scale operator’s)', () => {
  it('names methods by operationId, else verb and path; keeps descriptions; x-3scale-operation overrides the mapping rule', () => {
    const { product } = importOf(
      doc({
        servers: [{ url: '/shop/' }],
        paths: {
          '/orders/{id}': {
            parameters: [],
            get: { operationId: 'Get Order', description: 'One order' },
            delete: { 'x-3scale-operation': { mappingRule: { metricMethodRef: 'hits', increment: 5, last: true } } },
          },
        },
      }),
    );
    expect(product.methods).toEqual({ get_order: { friendlyName: 'Get Order', description: 'One order' }, deleteordersid: { friendlyName: 'deleteordersid' } });
    expect(product.mappingRules).toEqual([
      { httpMethod: 'GET', pattern: '/shop/orders/{id}$', metricMethodRef: 'get_order', increment: 1 },
      { httpMethod: 'DELETE', pattern: '/shop/orders/{id}$', metricMethodRef: 'hits', increment: 5, last: true },
    ]);
  });

  it("gives a document without a server host 3scale's default API backend (a hostless URL is refused by 3scale)", () => {
    expect(importOf(doc()).backend.privateBaseURL).toBe(DEFAULT_PRIVATE_BASE_URL);
    expect(importOf(doc({ servers: [{ url: '//api.example.com/v1' }] })).backend.privateBaseURL).toBe('https://api.example.com');
  });

  it('maps an apiKey in the query, and leaves the credentials location to 3scale for a cookie', () => {
    const withKey = (at: string) =>
      importOf(doc({ security: [{ k: [] }], components: { securitySchemes: { k: { type: 'apiKey', name: 'key', in: at } } } })).product.deployment.apicastHosted.authentication;
    expect(withKey('query')).toEqual({ userkey: { authUserKey: 'key', credentials: 'query' } });
    expect(withKey('cookie')).toEqual({ userkey: { authUserKey: 'key' } });
  });

  it('maps oauth2 flows to the OIDC authentication flows, with spec.oidc for the issuer; requires spec.oidc', () => {
    const oauth = doc({
      security: [{ o: ['read'] }],
      components: { securitySchemes: { o: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://a', tokenUrl: 'https://t', scopes: {} }, clientCredentials: { tokenUrl: 'https://t', scopes: {} } } } } },
    });
    const { product } = importOf(oauth, { oidc: { issuerType: 'keycloak', issuerEndpoint: 'https://id.example.com/realms/r' } });
    expect(product.deployment.apicastHosted.authentication).toEqual({
      oidc: {
        issuerType: 'keycloak',
        issuerEndpoint: 'https://id.example.com/realms/r',
        credentials: 'headers',
        authenticationFlow: { standardFlowEnabled: true, implicitFlowEnabled: false, directAccessGrantsEnabled: false, serviceAccountsEnabled: true },
      },
    });
    const err = refusal(() => importOf(oauth));
    expect(err.invalid).toBe(true);
    expect(err.message).toContain('spec.oidc');
  });

  it('takes x-3scale-product metrics, policies and application plans; a metric without a unit is Invalid, naming it', () => {
    const { product } = importOf(
      doc({
        'x-3scale-product': {
          metrics: { orders: { friendlyName: 'Orders', unit: 'order' } },
          policies: [{ name: 'cors', version: 'builtin', enabled: true, configuration: {} }],
          applicationPlans: { basic: { name: 'Basic', limits: [{ period: 'day', value: 100, metricMethodRef: { systemName: 'orders' } }] } },
        },
      }),
    );
    expect(product.metrics).toMatchObject({ hits: { unit: 'hit' }, orders: { unit: 'order' } });
    expect(product.policies.map((p: Json) => p.name)).toEqual(['cors', 'apicast']);
    expect(product.applicationPlans.basic.limits).toHaveLength(1);
    const err = refusal(() => importOf(doc({ 'x-3scale-product': { metrics: { orders: { friendlyName: 'Orders' } } } })));
    expect(err.message).toContain('generated Product');
    expect(err.message).toContain('metrics.orders.unit');
  });

  it('requires server variables to have defaults, naming the variable', () => {
    const err = refusal(() => importOf(doc({ servers: [{ url: 'https://{env}.example.com' }] })));
    expect(err.message).toContain('servers[0].variables.env.default');
  });
});
