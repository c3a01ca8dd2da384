import { describe, expect, it } from 'vitest';
import { gatewayConfigMap } from '../../vendors/gravitee/gateway-config-map/config-map.ts';
import { gatewayDefinitionV2, gatewayDefinitionV4 } from '../../vendors/gravitee/gateway-config-map/definition.ts';

/** The gateway definitions GKO writes into its ConfigMaps (ApiV4Definition.ToGatewayDefinition, the v2 spec). */
describe('v4 gateway definition', () => {
  const body = {
    hrid: 'ns-api',
    name: 'api',
    version: '2.1',
    type: 'LLM_PROXY',
    state: 'STARTED',
    definitionContext: { origin: 'KUBERNETES', syncFrom: 'KUBERNETES' },
    listeners: [
      { type: 'HTTP', paths: [{ path: '/a' }], entrypoints: [{ type: 'http-proxy' }, { type: 'sse', qos: 'AT_LEAST_ONCE', dlq: {} }, { type: 'ws', qos: 'NONE', dlq: { endpoint: 'dead' } }] },
      { type: 'SUBSCRIPTION', entrypoints: [{ type: 'webhook', qos: 'AUTO' }] },
    ],
    endpointGroups: [{ name: 'g', type: 'http-proxy', loadBalancer: { type: 'WEIGHTED_ROUND_ROBIN' } }],
    flows: [{ name: 'f', selectors: [{ type: 'HTTP', path: '/', pathOperator: 'STARTS_WITH' }, { type: 'CONDITION', condition: '{#true}' }] }],
    flowExecution: { mode: 'BEST_MATCH', matchRequired: true },
    pages: [{ hrid: 'doc', content: 'x'.repeat(10_000) }],
    consoleNotification: { events: [], groups: [] },
    plans: [
      { hrid: 'Key-Less', name: 'Free', security: { type: 'KEY_LESS' }, status: 'PUBLISHED', mode: 'STANDARD', validation: 'AUTO', flows: [{ selectors: [{ type: 'CHANNEL' }] }] },
      { hrid: 'jwt', name: 'JWT', security: { type: 'JWT', configuration: { signature: 'RSA_RS256' } }, status: 'DEPRECATED', mode: 'PUSH' },
    ],
  };
  const def = gatewayDefinitionV4(body, ['Key Less', 'jwt'], { id: 'api-id', crossId: 'cross', planId: (key) => `plan-${key}` });

  it('carries the ids, the definition version and the version as apiVersion too', () => {
    expect(def).toMatchObject({ id: 'api-id', crossId: 'cross', hrid: 'ns-api', version: '2.1', apiVersion: '2.1', definitionVersion: '4.0.0' });
  });

  it("spells enums as the gateway does (lower case, '-' for '_')", () => {
    expect(def.type).toBe('llm-proxy');
    expect(def.listeners).toEqual([
      { type: 'http', paths: [{ path: '/a' }], entrypoints: [{ type: 'http-proxy', qos: 'auto' }, { type: 'sse', qos: 'at-least-once' }, { type: 'ws', qos: 'none', dlq: { endpoint: 'dead' } }] },
      { type: 'subscription', entrypoints: [{ type: 'webhook', qos: 'auto' }] },
    ]);
    expect(def.endpointGroups).toEqual([{ name: 'g', type: 'http-proxy', loadBalancer: { type: 'weighted-round-robin' } }]);
    expect(def.flows).toEqual([{ name: 'f', selectors: [{ type: 'http', path: '/', pathOperator: 'STARTS_WITH' }, { type: 'condition', condition: '{#true}' }] }]);
    expect(def.flowExecution).toEqual({ mode: 'best-match', matchRequired: true });
  });

  it('lists plans named by their key, with their ids, security, mode and status in gateway spelling', () => {
    expect(def.plans).toEqual([
      { hrid: 'Key-Less', id: 'plan-Key Less', name: 'Key Less', security: { type: 'key-less' }, status: 'published', mode: 'standard', validation: 'AUTO', flows: [{ selectors: [{ type: 'channel' }] }] },
      { hrid: 'jwt', id: 'plan-jwt', name: 'jwt', security: { type: 'jwt', configuration: { signature: 'RSA_RS256' } }, status: 'deprecated', mode: 'push', flows: [] },
    ]);
  });

  it('leaves out what only the portal and the console read', () => {
    expect(def).not.toHaveProperty('pages');
    expect(def).not.toHaveProperty('consoleNotification');
  });
});

describe('v2 gateway definition', () => {
  it('gives plans their ids and API, and the v2 definition version', () => {
    const def = gatewayDefinitionV2({ name: 'api', plans: [{ name: 'free', crossId: 'c1' }], pages: { home: {} } }, { id: 'api-id', planId: (p) => `id-${p.crossId}` });
    expect(def).toEqual({ name: 'api', id: 'api-id', gravitee: '2.0.0', plans: [{ name: 'free', crossId: 'c1', id: 'id-c1', api: 'api-id' }] });
  });
});

describe('the ConfigMap', () => {
  const api = { apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', metadata: { name: 'api', namespace: 'ns', uid: 'uid-1' } };

  it('is named like the API, owned by it, labelled for the gateway, DEFAULT org and env without a context', () => {
    expect(gatewayConfigMap(api, { definition: { id: 'x' }, v4: true })).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'api',
        namespace: 'ns',
        labels: { 'managed-by': 'gravitee.io', 'gio-type': 'apidefinitions.gravitee.io' },
        ownerReferences: [{ apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', name: 'api', uid: 'uid-1' }],
      },
      data: { definition: '{"id":"x"}', organizationId: 'DEFAULT', environmentId: 'DEFAULT', apiDefinitionVersion: '4.0.0' },
    });
  });

  it('refuses, naming the size, a definition larger than a ConfigMap holds', () => {
    expect(() => gatewayConfigMap(api, { definition: { big: 'x'.repeat(1024 * 1024) }, v4: false })).toThrow(/gateway definition is \d+ bytes, more than a ConfigMap holds/);
  });
});
