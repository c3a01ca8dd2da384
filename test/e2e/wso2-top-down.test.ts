import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CP_ANNOTATIONS, CP_LABELS, CP_ORIGIN } from '../../vendors/wso2/control-plane/metadata.ts';
import { credentialsSecretName } from '../../vendors/wso2/control-plane/resource-writer.ts';
import { sendPointer } from '../support/send-message.ts';
import { waitFor } from '../support/wait.ts';
import { drained, GATEWAY, WSO2 } from '../support/wso2-e2e.ts';
import { closeTopDown, deploymentStatus as status, restArtifact, startTopDown, type TopDown } from '../support/wso2-top-down.ts';

/**
 * Top-down: what a control plane deploys to the gateway an APIGateway stands for appears in the cluster as resources
 * owned by the APIGateway, runs on the gateway (the gateway controller emulator), and is acked back to the control
 * plane. Both control planes: APIM 4.7 and the Platform API.
 */
describe.each(['platform', 'apim'] as const)('WSO2 top-down (%s control plane)', (flavour) => {
  let t: TopDown;
  beforeAll(async () => {
    t = await startTopDown(flavour);
  }, 60_000);
  afterAll(() => closeTopDown(t));

  it('an API deployed on the control plane becomes a RestApi owned by the APIGateway, runs on the gateway, and is acked', async () => {
    const d = t.cp.deploy(t.gatewayId, restArtifact('orders'));
    const obj = await t.w.waitForCondition('RestApi', 'orders', 'Programmed', 'True');
    const gw = (await t.w.get('APIGateway', GATEWAY))!;
    expect(obj.metadata.labels).toMatchObject({ team: 'orders', [CP_LABELS.origin]: CP_ORIGIN, [CP_LABELS.gatewayName]: GATEWAY });
    expect(obj.metadata.annotations).toMatchObject({
      'gateway.api-platform.wso2.com/project-id': 'p-1',
      [CP_ANNOTATIONS.gateway]: `${t.w.ns}/${GATEWAY}`,
      [CP_ANNOTATIONS.deploymentId]: d.deploymentId,
      [CP_ANNOTATIONS.deployedAt]: d.performedAt,
      [CP_ANNOTATIONS.artifactId]: d.artifactId,
    });
    expect(obj.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'APIGateway', name: GATEWAY, uid: gw.metadata.uid })]);
    // The gateway keeps the control plane's id as its own: the control plane's subscriptions name that id.
    expect(t.w.gateway.state.get('RestApi', 'orders')).toMatchObject({ uuid: d.artifactId, desiredState: 'deployed' });
    await waitFor('DEPLOYED on the control plane', () => status(t, d.deploymentId) === 'DEPLOYED');
  });

  it('a new deployment replaces the spec, an undeployment keeps the API undeployed, a deletion removes it', async () => {
    const first = t.cp.deploy(t.gatewayId, restArtifact('lifecycle'));
    await t.w.waitForCondition('RestApi', 'lifecycle', 'Programmed', 'True');
    await waitFor('first deployment acked', () => status(t, first.deploymentId) === 'DEPLOYED');

    const second = t.cp.deploy(t.gatewayId, restArtifact('lifecycle', [{ method: 'GET', path: '/items' }, { method: 'POST', path: '/items' }]), { artifactId: first.artifactId });
    await waitFor('second deployment acked', () => status(t, second.deploymentId) === 'DEPLOYED');
    const replaced = (await t.w.get('RestApi', 'lifecycle'))!;
    expect(replaced.metadata.annotations?.[CP_ANNOTATIONS.deploymentId]).toBe(second.deploymentId);
    expect(t.w.gateway.state.get('RestApi', 'lifecycle')?.resource.spec.operations).toHaveLength(2);

    const undeployed = t.cp.undeploy(t.gatewayId, first.artifactId);
    await waitFor('UNDEPLOYED on the control plane', () => status(t, second.deploymentId) === 'UNDEPLOYED');
    const after = (await t.w.get('RestApi', 'lifecycle'))!;
    expect(after.metadata.annotations).toMatchObject({ [CP_ANNOTATIONS.deploymentState]: 'undeployed', [CP_ANNOTATIONS.deployedAt]: undeployed.performedAt });
    expect(t.w.gateway.state.get('RestApi', 'lifecycle')?.desiredState).toBe('undeployed');
    expect(t.cp.acks().at(-1)).toMatchObject({ outcome: 'applied', payload: { action: 'undeploy', status: 'success', performedAt: undeployed.performedAt } });

    t.cp.delete(first.artifactId);
    await t.w.waitForGone('RestApi', 'lifecycle');
    await waitFor('gone from the gateway', () => !t.w.gateway.state.get('RestApi', 'lifecycle'));
  });

  it('LLM providers, LLM proxies and MCP proxies come down too; upstream credentials go into a Secret, never a spec', async () => {
    const provider = t.cp.deploy(t.gatewayId, {
      apiVersion: WSO2,
      kind: 'LlmProvider',
      metadata: { name: 'openai-provider' },
      spec: {
        displayName: 'OpenAI',
        version: 'v1.0',
        context: '/openai',
        template: 'openai',
        upstream: { url: 'https://api.openai.example/v1', auth: { type: 'api-key', header: 'Authorization', value: 'sk-upstream-credential' } },
        accessControl: { mode: 'allow_all' },
      },
    });
    const proxy = t.cp.deploy(t.gatewayId, { apiVersion: WSO2, kind: 'LlmProxy', metadata: { name: 'chat-proxy' }, spec: { displayName: 'Chat', version: 'v1.0', context: '/chat', provider: { id: 'openai-provider' } } });
    const mcp = t.cp.deploy(t.gatewayId, { apiVersion: WSO2, kind: 'Mcp', metadata: { name: 'everything-mcp' }, spec: { displayName: 'Everything', version: 'v1.0', context: '/everything', specVersion: '2025-06-18', upstream: { url: 'http://everything:3001' } } });
    const llm = await t.w.waitForCondition('LlmProvider', 'openai-provider', 'Programmed', 'True');
    expect(JSON.stringify(llm.spec)).not.toContain('sk-upstream-credential');
    expect(llm.spec).toMatchObject({ upstream: { auth: { value: { valueFrom: { name: credentialsSecretName('openai-provider'), key: 'upstream' } } } } });
    const creds = (await t.w.get('Secret', credentialsSecretName('openai-provider'), 'v1'))!;
    expect(Buffer.from(creds.data!.upstream, 'base64').toString()).toBe('sk-upstream-credential');
    expect(creds.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'LlmProvider', name: 'openai-provider', uid: llm.metadata.uid })]);
    await t.w.waitForCondition('LlmProxy', 'chat-proxy', 'Programmed', 'True');
    await t.w.waitForCondition('Mcp', 'everything-mcp', 'Programmed', 'True');
    for (const d of [provider, proxy, mcp]) await waitFor(`${d.deploymentId} acked`, () => status(t, d.deploymentId) === 'DEPLOYED');
    expect(t.cp.acks().map((a) => (a.payload as { resourceType: string }).resourceType)).toEqual(expect.arrayContaining(['llmprovider', 'llmproxy', 'mcpproxy']));
    expect(t.w.logs.join('\n')).not.toContain('sk-upstream-credential');
  });

  it('what changed while the control plane was down converges on reconnect, fetched in ⌈n/sync_batch_size⌉ fetch-batch calls', async () => {
    await drained(t.w);
    const before = t.cp.calls.length;
    t.cp.setDown(true);
    const n = 120;
    const deployed = Array.from({ length: n }, (_, i) => t.cp.deploy(t.gatewayId, restArtifact(`bulk-${i}`)));
    t.cp.setDown(false);
    await waitFor('every deployment written', async () => (await t.w.plane.drained()) && (await Promise.all(deployed.slice(-3).map((_, i) => t.w.get('RestApi', `bulk-${n - 1 - i}`)))).every(Boolean), 120_000);
    const batches = t.cp.calls.slice(before).filter((c) => c.method === 'POST' && c.path.endsWith('/deployments/fetch-batch') && c.status === 200);
    expect(batches).toHaveLength(Math.ceil(n / 50));
    // The events were lost while down: no artifact was fetched one by one.
    expect(t.cp.calls.slice(before).filter((c) => /\/apis\/[^/]+$/.test(c.path))).toEqual([]);
    const got = await Promise.all(deployed.map((_, i) => t.w.get('RestApi', `bulk-${i}`)));
    expect(got.filter(Boolean)).toHaveLength(n);
    await waitFor('all acked', () => deployed.every((d) => status(t, d.deploymentId) === 'DEPLOYED'), 120_000);
  });
});

describe('WSO2 top-down plans and subscriptions (Platform API)', () => {
  let t: TopDown;
  beforeAll(async () => {
    t = await startTopDown('platform');
  }, 60_000);
  afterAll(() => closeTopDown(t));

  it('applies plans and subscriptions; the subscription token lives in a Secret only', async () => {
    const api = t.cp.deploy(t.gatewayId, restArtifact('subscribed'));
    await t.w.waitForCondition('RestApi', 'subscribed', 'Programmed', 'True');
    const plan = t.cp.createPlan({ planName: 'Gold', throttleLimitCount: 100, throttleLimitUnit: 'Min' });
    const planName = `${GATEWAY}-plan-${plan.id}`;
    const planObj = await t.w.waitForCondition('SubscriptionPlan', planName, 'Programmed', 'True');
    expect(planObj.spec).toMatchObject({ planName: 'Gold', throttleLimitCount: 100, throttleLimitUnit: 'Min' });
    const sub = t.cp.createSubscription(api.artifactId, { subscriptionPlanId: plan.id, applicationId: 'app-1' });
    const subName = `${GATEWAY}-sub-${sub.id}`;
    const subObj = await t.w.waitForCondition('Subscription', subName, 'Programmed', 'True');
    expect(subObj.spec).toMatchObject({ apiId: 'subscribed', subscriptionPlanId: planName, applicationId: 'app-1', subscriptionToken: { valueFrom: { name: subName, key: 'token' } } });
    expect(JSON.stringify(subObj)).not.toContain(sub.subscriptionToken);
    const tokenSecret = (await t.w.get('Secret', subName, 'v1'))!;
    expect(Buffer.from(tokenSecret.data!.token, 'base64').toString()).toBe(sub.subscriptionToken);
    expect(t.w.gateway.state.list('Subscription').map((s) => s.apiId)).toContain(api.artifactId);

    // A resync (Platform API: every deployed API's subscriptions) finds them in place: nothing replaced or rewritten.
    await waitFor('queue drained', () => drained(t.w));
    const resyncFrom = t.cp.calls.length;
    await sendPointer(t.w.plane, (await t.w.get('APIGateway', GATEWAY))!, { reason: 'vendor-event', cause: 'subscriptions-resync', event: { type: 'resync' } });
    await waitFor('the resync read the subscriptions', () => t.cp.calls.slice(resyncFrom).some((c) => c.path.endsWith(`/apis/${api.artifactId}/subscriptions`)));
    await waitFor('queue drained', () => drained(t.w));
    expect((await t.w.get('Subscription', subName))!.metadata).toMatchObject({ uid: subObj.metadata.uid, resourceVersion: subObj.metadata.resourceVersion });
    expect((await t.w.get('Secret', subName, 'v1'))!.metadata.resourceVersion).toBe(tokenSecret.metadata.resourceVersion);

    t.cp.deleteSubscription(sub.id);
    await t.w.waitForGone('Subscription', subName);
    t.cp.deletePlan(plan.id);
    await t.w.waitForGone('SubscriptionPlan', planName);
    expect(t.w.logs.join('\n')).not.toContain(sub.subscriptionToken);
  });
});
