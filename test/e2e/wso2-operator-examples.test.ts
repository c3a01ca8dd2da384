import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../vendors/wso2/gateway/config.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { conditionOf } from '../support/world-objects.ts';
import { operatorExample, useWso2World, type Wso2World } from '../support/wso2-e2e.ts';
import { resync } from '../support/wso2-lifecycle.ts';

let w: Wso2World;

/** The condition an example's kind reaches: Programmed, for every WSO2 kind. */
const SETTLED = 'Programmed';
const WSO2_KINDS = new Set(['APIGateway', 'RestApi', 'ApiKey', 'SubscriptionPlan', 'Subscription', 'Certificate', 'ManagedSecret', 'LlmProviderTemplate', 'LlmProvider', 'LlmProxy', 'Mcp']);

/** An example's APIGateway, unchanged but pointed at the gateway emulator (the operator would install a gateway). */
function atEmulator(o: KubeObject): KubeObject {
  if (o.kind !== 'APIGateway') return o;
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [ANNOTATIONS.managementUrl]: w.gateway.url } } };
}

async function applyAll(files: string[]): Promise<KubeObject[]> {
  const objs = files.flatMap(operatorExample).map(atEmulator);
  for (const o of objs) await w.apply(o as KubeObject & Record<string, unknown>);
  return objs.filter((o) => WSO2_KINDS.has(o.kind));
}

async function expectSettled(objs: KubeObject[]): Promise<void> {
  for (const o of objs) {
    const obj = await w.waitForCondition(o.kind, o.metadata.name, SETTLED, 'True', { apiVersion: o.apiVersion });
    expect(conditionOf(obj, 'Ready'), `${o.kind} ${o.metadata.name}`).toMatchObject({ status: 'True' });
  }
}

describe("WSO2 gateway operator's demo, applied unchanged", () => {
  // The demo's own APIGateway is the only one: the world starts none.
  useWso2World(
    (world) => {
      w = world;
    },
    { apiGateway: false },
  );

  it('apigateway-restapi-operator-demo 01–05f: the APIGateway, RestApis (policies from a Secret), management kinds, LLM, MCP, certificate, plan, subscription and API keys', async () => {
    const objs = await applyAll([
      'apigateway-restapi-operator-demo/01-gateway-values-configmap.yaml',
      'apigateway-restapi-operator-demo/02-apigateway.yaml',
      'apigateway-restapi-operator-demo/04-restapi.yaml',
      'apigateway-restapi-operator-demo/04-02-restapi.yaml',
      'apigateway-restapi-operator-demo/04-03-restapi.yaml',
      'apigateway-restapi-operator-demo/04-restapi-policy.yaml',
      'apigateway-restapi-operator-demo/05a-management-prerequisites.yaml',
      'apigateway-restapi-operator-demo/05b0-mock-openapi-https.yaml',
      'apigateway-restapi-operator-demo/05b-llm-resources.yaml',
      'apigateway-restapi-operator-demo/05b-02-llm-resources-apikey.yaml',
      'apigateway-restapi-operator-demo/05c0-mcp-server-backend.yaml',
      'apigateway-restapi-operator-demo/05c-mcp-resources.yaml',
      'apigateway-restapi-operator-demo/05e-certificate-resources.yaml',
      'apigateway-restapi-operator-demo/05f-subscription-resources.yaml',
      'apigateway-restapi-operator-demo/05f0-apikey-resources.yaml',
    ]);
    expect(objs.map((o) => o.kind).sort()).toEqual(
      ['APIGateway', 'ApiKey', 'ApiKey', 'ApiKey', 'Certificate', 'LlmProvider', 'LlmProvider', 'LlmProviderTemplate', 'LlmProviderTemplate', 'LlmProxy', 'LlmProxy', 'ManagedSecret', 'Mcp', 'RestApi', 'RestApi', 'RestApi', 'RestApi', 'Subscription', 'SubscriptionPlan'].sort(),
    );
    await expectSettled(objs);
    // Counted when the APIGateway syncs (as the operator counts when it reconciles): its periodic resync.
    await resync(w, 'APIGateway', 'restapi-gw');
    const gateway = await w.get('APIGateway', 'restapi-gw');
    expect(gateway?.status?.selectedAPIs).toBe(4);
    for (const o of objs.filter((x) => x.kind !== 'APIGateway')) expect((await w.get(o.kind, o.metadata.name))?.status?.gateway, `${o.kind} ${o.metadata.name}`).toBe(`${w.ns}/restapi-gw`);
    const policy = w.gateway.state.get('RestApi', 'hello-normal-api-policy')!.resource.spec as any;
    expect(policy.policies[0].params).toEqual({ subscriptionKeyHeader: 'My-Key' });
    expect(policy.operations[1].policies[0].params).toEqual({ subscriptionKeyHeader: 'My-Key-Resource' });
    expect(w.gateway.state.get('Secret', 'demo-managed-secret')?.value).toBe('demo-managed-secret-value');
    expect(w.gateway.state.list('ApiKey').map((k) => `${k.parentKind}/${k.parentHandle}/${k.name}`).sort()).toEqual([
      'LlmProvider/demo-llm-provider-apikey/demo-llmprovider-apikey',
      'LlmProxy/demo-llm-proxy-apikey/demo-llmproxy-apikey',
      'RestApi/hello-apikey-api/demo-restapi-apikey',
    ]);
    const [plan] = w.gateway.state.list('SubscriptionPlan').filter((p) => p.planName === 'demo-plan');
    expect(w.gateway.state.list('Subscription')).toContainEqual(expect.objectContaining({ subscriptionPlanId: plan.id, status: 'ACTIVE' }));
  });

});

describe("WSO2 gateway operator's samples, applied unchanged", () => {
  // A Cluster-scoped APIGateway selects every namespace's resources: on a shared real cluster it would take those of
  // other suites, so there the samples' RestApis go to the world's own (namespaced) gateway instead.
  const onTestServer = !process.env.E2E_KUBECONFIG;
  useWso2World(
    (world) => {
      w = world;
    },
    onTestServer ? { apiGateway: false } : {},
  );

  it.skipIf(!onTestServer)('the Cluster-scoped APIGateway with its full values ConfigMap (a control plane host without a token: standalone)', async () => {
    const objs = await applyAll(['samples/gateway-custom-config.yaml', 'samples/api_v1_apigateway.yaml']);
    await expectSettled(objs);
    const gateway = await w.get('APIGateway', 'cluster-gateway');
    expect(gateway?.status).toMatchObject({ phase: 'Ready', configHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(conditionOf(gateway, 'ControlPlaneConnected')).toMatchObject({ status: 'False', reason: 'NotConfigured' });
  });

  it('the RestApis (upstream definitions, resilience)', async () => {
    const objs = await applyAll(['samples/api_v1_restapi.yaml']);
    expect(objs.map((o) => o.metadata.name)).toEqual(['api-with-gateway-refs', 'api-with-gateway-refs-1', 'api-with-upstream-definition']);
    await expectSettled(objs);
    expect((w.gateway.state.get('RestApi', 'api-with-upstream-definition')!.resource.spec as any).upstream).toEqual({ main: { ref: 'orders-backend' } });
    if (!onTestServer) return;
    await resync(w, 'APIGateway', 'cluster-gateway');
    expect((await w.get('APIGateway', 'cluster-gateway'))?.status?.selectedAPIs).toBe(3);
  });
});
