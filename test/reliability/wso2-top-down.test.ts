import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { conditionOf } from '../support/world-objects.ts';
import { sendPointer } from '../support/send-message.ts';
import { waitFor } from '../support/wait.ts';
import { drained, GATEWAY, restApi, secret, WSO2 } from '../support/wso2-e2e.ts';
import { closeTopDown, deploymentStatus as status, restArtifact, startTopDown, TOKEN_SECRET, type TopDown } from '../support/wso2-top-down.ts';
import { CP_ANNOTATIONS } from '../../vendors/wso2/control-plane/metadata.ts';

/**
 * Top-down under faults: a connection cut while the function fetches a batch, a control plane down while it
 * changes, a revoked registration token, malformed artifacts among good ones; and at the end, no registration or
 * subscription token in any queue message, log line, status or event.
 */
let t: TopDown;
/** Every registration and subscription token handed out in this world. */
const secrets: string[] = [];

beforeAll(async () => {
  t = await startTopDown('platform');
  secrets.push(t.token);
}, 60_000);
afterAll(() => closeTopDown(t));

const connectionOf = (gw: KubeObject) => (gw.status?.controlPlane as { connection?: unknown } | undefined)?.connection;
const gatewayStatus = async () => (await t.w.get('APIGateway', GATEWAY))?.status?.controlPlane as { rejected?: Array<Record<string, string>> } | undefined;

describe('WSO2 top-down reliability', () => {
  it('a connection cut and a fetch-batch call dropped mid-resync converge: every artifact once, each acked', async () => {
    await drained(t.w);
    t.cp.setDown(true);
    const deployed = Array.from({ length: 70 }, (_, i) => t.cp.deploy(t.gatewayId, restArtifact(`cut-${i}`)));
    // The first batch is answered, the second one's connection is dropped; and the WebSocket goes meanwhile.
    t.cp.faults.inject({ method: 'POST', path: /\/deployments\/fetch-batch$/, delayMs: 1, times: 1 });
    t.cp.faults.inject({ method: 'POST', path: /\/deployments\/fetch-batch$/, dropConnection: true, times: 1 });
    const from = t.cp.calls.length;
    t.cp.setDown(false);
    await waitFor('the first batch answered', () => t.cp.calls.slice(from).some((c) => c.path.endsWith('/fetch-batch') && c.status === 200));
    t.cp.dropConnections(t.gatewayId);
    await waitFor('every deployment acked', () => deployed.every((d) => status(t, d.deploymentId) === 'DEPLOYED'), 120_000);
    await drained(t.w);
    const names = t.w.gateway.state.list('RestApi').map((a) => a.handle).filter((h) => h.startsWith('cut-'));
    expect(names.sort()).toEqual(deployed.map((_, i) => `cut-${i}`).sort());
    for (let i = 0; i < 70; i += 23) expect((await t.w.get('RestApi', `cut-${i}`))?.metadata.annotations?.[CP_ANNOTATIONS.deploymentId]).toBe(deployed[i].deploymentId);
  });

  it('a control plane down for a while: its undeployments, deletions and new deployments converge on reconnect', async () => {
    const [a, b, c] = ['down-a', 'down-b', 'down-c'].map((n) => t.cp.deploy(t.gatewayId, restArtifact(n)));
    await waitFor('acked', () => [a, b, c].every((d) => status(t, d.deploymentId) === 'DEPLOYED'));
    t.cp.setDown(true);
    const undeployed = t.cp.undeploy(t.gatewayId, a.artifactId);
    t.cp.delete(b.artifactId);
    const c2 = t.cp.deploy(t.gatewayId, restArtifact('down-c', [{ method: 'GET', path: '/items' }, { method: 'DELETE', path: '/items/{id}' }]), { artifactId: c.artifactId });
    const d = t.cp.deploy(t.gatewayId, restArtifact('down-d'));
    t.cp.setDown(false);
    await waitFor('converged', () => status(t, undeployed.deploymentId) === 'UNDEPLOYED' && status(t, c2.deploymentId) === 'DEPLOYED' && status(t, d.deploymentId) === 'DEPLOYED', 60_000);
    await t.w.waitForGone('RestApi', 'down-b');
    expect(t.w.gateway.state.get('RestApi', 'down-a')?.desiredState).toBe('undeployed');
    expect(t.w.gateway.state.get('RestApi', 'down-b')).toBeUndefined();
    expect(t.w.gateway.state.get('RestApi', 'down-c')?.resource.spec.operations).toHaveLength(2);
    expect(t.w.gateway.state.get('RestApi', 'down-d')).toBeDefined();
  });

  it('malformed artifacts are rejected and acked failed; the rest of their batch is written', async () => {
    await drained(t.w);
    // A resource of the user's own already has one artifact's name.
    await t.w.apply(restApi('taken'));
    await t.w.waitForCondition('RestApi', 'taken', 'Programmed', 'True');
    t.cp.setDown(true);
    const good1 = t.cp.deploy(t.gatewayId, restArtifact('batch-good-1'));
    const yaml = t.cp.deploy(t.gatewayId, 'apiVersion: gateway.api-platform.wso2.com/v1\nkind: RestApi\nmetadata: [unclosed', { kind: 'RestApi' });
    const kind = t.cp.deploy(t.gatewayId, 'apiVersion: gateway.api-platform.wso2.com/v1\nkind: WebSubApi\nmetadata:\n  name: hooks\nspec: {}\n', { kind: 'RestApi' });
    const taken = t.cp.deploy(t.gatewayId, restArtifact('taken'));
    const refused = t.cp.deploy(t.gatewayId, { ...restArtifact('crd-refuses'), spec: { ...restArtifact('crd-refuses').spec, operations: 'not a list' } });
    const good2 = t.cp.deploy(t.gatewayId, restArtifact('batch-good-2'));
    t.cp.setDown(false);
    await waitFor('good ones acked', () => status(t, good1.deploymentId) === 'DEPLOYED' && status(t, good2.deploymentId) === 'DEPLOYED', 60_000);
    await waitFor('bad ones acked failed', () => [yaml, kind, taken, refused].every((d) => status(t, d.deploymentId) === 'FAILED'));
    for (const d of [yaml, kind, taken, refused]) expect(t.cp.deploymentStatus(d.deploymentId)?.errorCode).toBe('GATEWAY_PROCESSING_ERROR');
    const rejected = (await gatewayStatus())?.rejected ?? [];
    const reason = (id: string) => rejected.find((r) => r.artifactId === id)?.message ?? '';
    expect(reason(yaml.artifactId)).toMatch(/not valid YAML/);
    expect(reason(kind.artifactId)).toMatch(/kind: "WebSubApi" is not a kind apim-sync writes/);
    expect(reason(taken.artifactId)).toMatch(/RestApi .*\/taken already exists and belongs to a resource not written from this control plane/);
    expect(reason(refused.artifactId)).toMatch(/the cluster refused RestApi crd-refuses: .*operations/);
    // The user's own resource is untouched.
    expect((await t.w.get('RestApi', 'taken'))?.metadata.annotations?.[CP_ANNOTATIONS.deploymentId]).toBeUndefined();

    // Fixed on the control plane: the same artifact deployed again is written, and its rejection goes.
    const fixed = t.cp.deploy(t.gatewayId, restArtifact('crd-refuses'), { artifactId: refused.artifactId });
    await waitFor('fixed acked', () => status(t, fixed.deploymentId) === 'DEPLOYED');
    await waitFor('rejection cleared', async () => !((await gatewayStatus())?.rejected ?? []).some((r) => r.artifactId === refused.artifactId));
  });

  it('a redelivered event changes nothing and fetches nothing, an older one is ignored, and a resync finds nothing to do', async () => {
    const first = t.cp.deploy(t.gatewayId, restArtifact('redelivered'));
    await waitFor('first acked', () => status(t, first.deploymentId) === 'DEPLOYED');
    const second = t.cp.deploy(t.gatewayId, restArtifact('redelivered', [{ method: 'GET', path: '/v2' }]), { artifactId: first.artifactId });
    await waitFor('second acked', () => status(t, second.deploymentId) === 'DEPLOYED');
    await drained(t.w);
    const obj = (await t.w.get('RestApi', 'redelivered'))!;
    const gw = (await t.w.get('APIGateway', GATEWAY))!;
    const from = t.cp.calls.length;
    const event = (d: { artifactId: string; deploymentId: string; performedAt: string }, cause: string) =>
      sendPointer(t.w.plane, gw, { reason: 'vendor-event', cause, event: { type: 'api.deployed', id: d.artifactId, deploymentId: d.deploymentId, performedAt: d.performedAt } });
    await event(second, 'redelivery');
    await event(first, 'late');
    await drained(t.w);
    const after = (await t.w.get('RestApi', 'redelivered'))!;
    expect(after.metadata.resourceVersion).toBe(obj.metadata.resourceVersion);
    expect(after.metadata.annotations?.[CP_ANNOTATIONS.deploymentId]).toBe(second.deploymentId);
    expect(t.cp.calls.slice(from).filter((c) => c.path.includes('/apis/'))).toEqual([]);
    // A resync for this gateway finds nothing to do for it either.
    await sendPointer(t.w.plane, gw, { reason: 'vendor-event', cause: 'test-resync', event: { type: 'resync' } });
    await drained(t.w);
    expect((await t.w.get('RestApi', 'redelivered'))?.metadata.resourceVersion).toBe(obj.metadata.resourceVersion);
  });

  it('a revoked registration token: the APIGateway says so, the watcher retries slowly, a new token in the Secret recovers', async () => {
    const connectedBefore = t.cp.connections(t.gatewayId)[0];
    const fresh = t.cp.regenerateToken(t.gatewayId);
    secrets.push(fresh);
    t.cp.dropConnections(t.gatewayId);
    const gw = await waitFor('ControlPlaneConnected False', async () => {
      const o = await t.w.get('APIGateway', GATEWAY);
      const c = conditionOf(o, 'ControlPlaneConnected');
      return c?.status === 'False' && /401/.test(c.message) ? o : undefined;
    });
    // Said by the watcher's connection.refused, or by the APIGateway's own probe, whichever came first: both name the token.
    expect(conditionOf(gw, 'ControlPlaneConnected')?.message).toMatch(/registration token/);
    expect(t.cp.connections(t.gatewayId)).toEqual([]);
    await t.w.apply(secret(TOKEN_SECRET, { token: fresh }));
    const back = await waitFor('reconnected', () => t.cp.connections(t.gatewayId).find((c) => c.connectionId !== connectedBefore?.connectionId));
    expect(back).toBeDefined();
    await t.w.waitForCondition('APIGateway', GATEWAY, 'ControlPlaneConnected', 'True', { generation: false });
  });

  it('REST answering while the connection is refused (409) is ControlPlaneConnected=False, saying both, whatever syncs; True once connected', async () => {
    await drained(t.w);
    const before = t.cp.connections(t.gatewayId)[0];
    t.cp.faults.inject({ method: 'GET', path: /\/ws\/gateways\/connect$/, status: 409 });
    t.cp.dropConnections(t.gatewayId);
    const refused = await t.w.waitForCondition('APIGateway', GATEWAY, 'ControlPlaneConnected', 'False', { reason: 'Refused', generation: false });
    const message = conditionOf(refused, 'ControlPlaneConnected')!.message;
    expect(message).toMatch(/control plane at .* answers and accepts the registration token, but the control plane refused the watcher's gateway connection \(since .*\): 409 Conflict/);
    expect(connectionOf(refused)).toMatchObject({ state: 'Refused', detail: expect.stringMatching(/^409 /) });
    expect(conditionOf(refused, 'Programmed')?.status).toBe('True');
    expect(conditionOf(refused, 'Ready')).toMatchObject({ status: 'False', reason: 'Refused' });
    // The APIGateway's own resyncs (its probe answers) say the same: the condition does not flip.
    for (const cause of ['refused-resync-1', 'refused-resync-2']) {
      await sendPointer(t.w.plane, (await t.w.get('APIGateway', GATEWAY))!, { reason: 'resync', cause });
      await drained(t.w);
      expect(conditionOf(await t.w.get('APIGateway', GATEWAY), 'ControlPlaneConnected')).toMatchObject({ status: 'False', reason: 'Refused', message });
    }
    t.cp.faults.clear();
    await waitFor('reconnected', () => t.cp.connections(t.gatewayId).find((c) => c.connectionId !== before?.connectionId));
    const back = await t.w.waitForCondition('APIGateway', GATEWAY, 'ControlPlaneConnected', 'True', { reason: 'Connected', generation: false });
    expect(conditionOf(back, 'ControlPlaneConnected')?.message).toMatch(/answers and accepts the registration token; the watcher holds the gateway's control-plane connection/);
    expect(connectionOf(back)).toEqual({ state: 'Connected', since: expect.any(String) });
    await t.w.waitForCondition('APIGateway', GATEWAY, 'Ready', 'True', { generation: false });
  });

  it('no registration token or subscription token reaches a queue message, a log line, a status or an event', async () => {
    const api = t.cp.deploy(t.gatewayId, restArtifact('secretive'));
    await t.w.waitForCondition('RestApi', 'secretive', 'Programmed', 'True');
    const sub = t.cp.createSubscription(api.artifactId, { applicationId: 'app-secret' });
    secrets.push(sub.subscriptionToken);
    const key = t.cp.createApiKey(api.artifactId, { name: 'a-key' });
    secrets.push(key.apiKey);
    await waitFor('the subscription applied', async () => (await t.w.get('Subscription', `${GATEWAY}-sub-${sub.id}`))?.status !== undefined);
    await drained(t.w);
    const kinds = ['APIGateway', 'RestApi', 'SubscriptionPlan', 'Subscription', 'LlmProvider', 'LlmProxy', 'Mcp'];
    const objects: KubeObject[] = [];
    for (const kind of kinds) {
      const list = (await t.w.cluster.objects.list(WSO2, kind, t.w.ns)) as unknown as { items: KubeObject[] };
      objects.push(...list.items);
    }
    const statuses = JSON.stringify(objects.map((o) => o.status));
    const specs = JSON.stringify(objects.map((o) => o.spec));
    const events = JSON.stringify((await t.w.cluster.core.listNamespacedEvent({ namespace: t.w.ns })).items.map((e) => [e.reason, e.message]));
    const queue = t.queue.join('\n');
    const logs = t.w.logs.join('\n');
    expect(t.queue.length).toBeGreaterThan(100);
    for (const s of secrets) {
      for (const [where, text] of Object.entries({ queue, logs, statuses, specs, events })) expect(text.includes(s), `a secret in ${where}`).toBe(false);
    }
  });
});
