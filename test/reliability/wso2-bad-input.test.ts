import { beforeAll, describe, expect, it } from 'vitest';
import { itFailsOnlyTheFailingGroup } from '../support/reliability-cases.ts';
import { conditionOf } from '../support/world-objects.ts';
import { apiGateway, restApi, secret, wso2 } from '../support/wso2-e2e.ts';
import { PARENT_API, useWso2Cases } from '../support/wso2-reliability.ts';

const world = useWso2Cases([]);
const unnamed = { valueFrom: { key: 'k' } };
const auth = { type: 'api-key', header: 'Authorization', value: unnamed };

/**
 * One resource of each kind the CRD accepts but apim-sync cannot use (a valueFrom naming no Secret — the CRD defaults
 * the name to "" —, a policy param naming two sources, an empty name the gateway needs, an unknown transport), beside a
 * good one of the same kind, all applied at once.
 */
const BAD: { kind: string; make: (name: string) => Record<string, unknown>; field: string }[] = [
  { kind: 'RestApi', make: (n) => restApi(n, { policies: [{ name: 'api-key-auth', version: 'v1', params: { key: { valueFrom: { secretKeyRef: { name: 'a', key: 'k' }, configMapKeyRef: { name: 'b', key: 'k' } } } } }] }), field: 'spec.policies[0].params.key.valueFrom' },
  { kind: 'ApiKey', make: (n) => wso2('ApiKey', n, { parentRef: { kind: 'RestApi', name: PARENT_API }, apiKey: unnamed }), field: 'spec.apiKey.valueFrom.name' },
  { kind: 'SubscriptionPlan', make: (n) => wso2('SubscriptionPlan', n, { planName: '' }), field: 'spec.planName' },
  { kind: 'Subscription', make: (n) => wso2('Subscription', n, { apiId: PARENT_API, subscriptionToken: unnamed }), field: 'spec.subscriptionToken.valueFrom.name' },
  { kind: 'Certificate', make: (n) => wso2('Certificate', n, { displayName: n, certificate: unnamed }), field: 'spec.certificate.valueFrom.name' },
  { kind: 'ManagedSecret', make: (n) => wso2('ManagedSecret', n, { displayName: n, value: unnamed }), field: 'spec.value.valueFrom.name' },
  { kind: 'LlmProviderTemplate', make: (n) => wso2('LlmProviderTemplate', n, { displayName: '' }), field: 'spec.displayName' },
  { kind: 'LlmProvider', make: (n) => wso2('LlmProvider', n, { displayName: n, version: 'v1.0', template: 'openai', upstream: { url: 'http://llm:4010', auth }, accessControl: { mode: 'allow_all' } }), field: 'spec.upstream.auth.value.valueFrom.name' },
  { kind: 'LlmProxy', make: (n) => wso2('LlmProxy', n, { displayName: n, version: 'v1.0', provider: { id: 'good-llmprovider', auth } }), field: 'spec.provider.auth.value.valueFrom.name' },
  { kind: 'Mcp', make: (n) => wso2('Mcp', n, { displayName: n, version: 'v1.0', upstream: { url: 'http://mcp:3001', auth } }), field: 'spec.upstream.auth.value.valueFrom.name' },
];

const GOOD: Record<string, (name: string) => Record<string, unknown>> = {
  RestApi: (n) => restApi(n),
  ApiKey: (n) => wso2('ApiKey', n, { parentRef: { kind: 'RestApi', name: PARENT_API }, apiKey: { valueFrom: { name: 'good-values', key: 'apikey' } } }),
  SubscriptionPlan: (n) => wso2('SubscriptionPlan', n, { planName: `${n}-plan` }),
  Subscription: (n) => wso2('Subscription', n, { apiId: PARENT_API, subscriptionToken: { valueFrom: { name: 'good-values', key: 'token' } } }),
  Certificate: (n) => wso2('Certificate', n, { displayName: n, certificate: { valueFrom: { name: 'good-values', key: 'cert' } } }),
  ManagedSecret: (n) => wso2('ManagedSecret', n, { displayName: n, value: { valueFrom: { name: 'good-values', key: 'secret' } } }),
  LlmProviderTemplate: (n) => wso2('LlmProviderTemplate', n, { displayName: n }),
  LlmProvider: (n) => wso2('LlmProvider', n, { displayName: n, version: 'v1.0', template: 'openai', upstream: { url: 'http://llm:4010' }, accessControl: { mode: 'allow_all' } }),
  LlmProxy: (n) => wso2('LlmProxy', n, { displayName: n, version: 'v1.0', provider: { id: 'good-llmprovider' } }),
  Mcp: (n) => wso2('Mcp', n, { displayName: n, version: 'v1.0', context: `/${n}`, upstream: { url: 'http://mcp:3001' } }),
};

describe('WSO2 malformed resources', () => {
  beforeAll(async () => {
    const w = world.w;
    const { certPem } = (await import('../../emulators/kube-api-server/tls.ts')).selfSignedCertificate(['good.example']);
    await w.apply(secret('good-values', { apikey: 'good-api-key-value-0123456789abcdefghijkl', token: 'good-subscription-token-0123', cert: certPem, secret: 'good-managed-secret' }));
    const all = [
      ...BAD.map((b) => b.make(`bad-${b.kind.toLowerCase()}`)),
      ...Object.entries(GOOD).map(([kind, make]) => make(`good-${kind.toLowerCase()}`)),
      // An APIGateway whose transport annotation is not one apim-sync knows; it selects nothing.
      apiGateway('bad-gateway', w.gateway.url, { annotations: { 'apim-sync.io/management-transport': 'carrier-pigeon' }, spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { none: 'x' } } } }),
    ];
    await Promise.all(all.map((o) => w.apply(o)));
  });

  it.each(BAD.map((b) => [b.kind, b.field] as const))('a malformed %s gets Accepted=False naming %s', async (kind, field) => {
    const obj = await world.w.waitForCondition(kind, `bad-${kind.toLowerCase()}`, 'Accepted', 'False', { reason: 'InvalidConfiguration' });
    expect(conditionOf(obj, 'Accepted')?.message).toContain(field);
    expect(conditionOf(obj, 'Programmed')).toMatchObject({ status: 'False', reason: 'Invalid' });
  });

  it('a malformed APIGateway gets Accepted=False naming the annotation', async () => {
    const obj = await world.w.waitForCondition('APIGateway', 'bad-gateway', 'Accepted', 'False', { reason: 'InvalidConfiguration' });
    expect(conditionOf(obj, 'Accepted')?.message).toContain('metadata.annotations[apim-sync.io/management-transport]');
  });

  it.each(Object.keys(GOOD))('the good %s beside them is Programmed', async (kind) => {
    await world.w.waitForCondition(kind, `good-${kind.toLowerCase()}`, 'Programmed', 'True');
  });

  it('none of the malformed ones reached the gateway', () => {
    const state = world.w.gateway.state;
    expect(state.get('RestApi', 'bad-restapi')).toBeUndefined();
    expect(state.get('Mcp', 'bad-mcp')).toBeUndefined();
    expect(state.get('LlmProvider', 'bad-llmprovider')).toBeUndefined();
    expect(state.list('SubscriptionPlan').filter((p) => p.planName === '')).toEqual([]);
  });
});

describe('WSO2 FIFO batches', () => {
  beforeAll(async () => {
    const w = world.w;
    await Promise.all([w.apply(restApi('fifo-x')), w.apply(restApi('fifo-y'))]);
    await w.waitForCondition('RestApi', 'fifo-x', 'Programmed', 'True');
    await w.waitForCondition('RestApi', 'fifo-y', 'Programmed', 'True');
    await w.waitForCondition('RestApi', 'bad-restapi', 'Accepted', 'False');
  });
  itFailsOnlyTheFailingGroup({
    world: () => world.w,
    failing: { kind: 'RestApi', name: 'fifo-x' },
    good: { kind: 'RestApi', name: 'fifo-y' },
    malformed: { kind: 'RestApi', name: 'bad-restapi' },
    // fifo-x drifts on the gateway, which refuses writes for a while: its sync must fail and be retried.
    breakFailing: () => {
      world.w.gateway.state.patch('RestApi', 'fifo-x', { spec: { context: '/drifted' } });
      world.w.gateway.faults.inject({ method: 'PUT', path: /\/rest-apis\/fifo-x$/, status: 503 });
    },
    heal: () => world.w.gateway.faults.clear(),
  });
});
