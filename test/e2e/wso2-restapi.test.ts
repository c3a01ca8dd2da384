import { describe, expect, it } from 'vitest';
import { DELETION_POLICY, FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { startWso2GatewayController } from '../../emulators/wso2/gateway-controller/index.ts';
import { conditionOf } from '../support/world-objects.ts';
import { sendPointer } from '../support/send-message.ts';
import { waitFor } from '../support/wait.ts';
import { apiGateway, drained, GATEWAY, restApi, secret, useWso2World, type Wso2World } from '../support/wso2-e2e.ts';

let w: Wso2World;
useWso2World((world) => {
  w = world;
});

const stored = (name: string) => w.gateway.state.get('RestApi', name);
const copies = (name: string) => w.gateway.state.list('RestApi').filter((a) => a.handle === name).length;

/** A periodic resync of one object, as the watcher sends it; resolves once the queue is empty again. */
async function resync(kind: string, name: string): Promise<void> {
  const obj = (await w.get(kind, name))!;
  await sendPointer(w.plane, obj, { reason: 'resync', cause: `test-${Math.random()}` });
  await drained(w);
}

describe('WSO2 RestApi', () => {
  it('deploys to the gateway its APIGateway selects and reports Accepted, Programmed and Ready as the operator', async () => {
    await w.apply(restApi('reading-list', {}, { labels: { team: 'books' }, annotations: { 'gateway.api-platform.wso2.com/project-id': 'p-1' } }));
    const obj = await w.waitForCondition('RestApi', 'reading-list', 'Programmed', 'True');
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    expect(obj.status).toMatchObject({ gateway: `${w.ns}/${GATEWAY}`, observedGeneration: 1 });
    for (const [type, reason] of [['Accepted', 'Accepted'], ['Programmed', 'Programmed'], ['Ready', 'Programmed']]) {
      expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type, status: 'True', reason, observedGeneration: 1 }));
    }
    expect(conditionOf(obj, 'Programmed')?.message).toBe(`Successfully deployed to gateway ${w.ns}/${GATEWAY}`);
    // The operator's envelope: labels and annotations copied, apim-sync's own bookkeeping not.
    expect(stored('reading-list')?.resource).toMatchObject({
      apiVersion: 'gateway.api-platform.wso2.com/v1',
      kind: 'RestApi',
      metadata: { name: 'reading-list', labels: { team: 'books' }, annotations: { 'gateway.api-platform.wso2.com/project-id': 'p-1' } },
      spec: { displayName: 'reading-list', version: 'v1.0', context: '/reading-list', operations: [{ method: 'GET', path: '/info' }] },
    });
  });

  it('updates the gateway when the spec changes', async () => {
    await w.apply(restApi('updated'));
    await w.waitForCondition('RestApi', 'updated', 'Programmed', 'True');
    await w.apply(restApi('updated', { operations: [{ method: 'GET', path: '/info' }, { method: 'POST', path: '/submit' }] }));
    const obj = await w.waitForCondition('RestApi', 'updated', 'Programmed', 'True');
    expect(obj.metadata.generation).toBe(2);
    expect(stored('updated')?.resource.spec.operations).toEqual([{ method: 'GET', path: '/info' }, { method: 'POST', path: '/submit' }]);
    expect(copies('updated')).toBe(1);
  });

  it('writes nothing on a resync with nothing changed, and reverts a change made on the gateway', async () => {
    await w.apply(restApi('steady'));
    const synced = await w.waitForCondition('RestApi', 'steady', 'Programmed', 'True');
    await drained(w);
    const from = w.gateway.calls.length;
    await resync('RestApi', 'steady');
    expect(w.gatewayWrites(from)).toEqual([]);
    expect((await w.get('RestApi', 'steady'))?.metadata.resourceVersion).toBe(synced.metadata.resourceVersion);

    w.gateway.state.patch('RestApi', 'steady', { spec: { context: '/moved-on-the-gateway' } });
    await resync('RestApi', 'steady');
    expect(stored('steady')?.resource.spec.context).toBe('/steady');
    expect(w.gatewayWrites(from).map((c) => c.method)).toEqual(['PUT']);

    w.gateway.state.remove('RestApi', 'steady');
    await resync('RestApi', 'steady');
    expect(stored('steady')?.resource.spec.context).toBe('/steady');
  });

  it('resolves policy params valueFrom at sync time and re-deploys when the Secret rotates, never logging the value', async () => {
    await w.apply(secret('policy-credentials', { header: 'X-Key-v1' }));
    const policies = [{ name: 'set-headers', version: 'v1', params: { request: { headers: [{ name: 'X-Client', value: { valueFrom: { secretKeyRef: { name: 'policy-credentials', key: 'header' } } } }] } } }];
    await w.apply(restApi('secured', { policies, operations: [{ method: 'GET', path: '/a', policies: [{ name: 'subscription-validation', version: 'v1', params: { subscriptionKeyHeader: { valueFrom: { secretKeyRef: { name: 'policy-credentials', key: 'header' } } } } }] }] }));
    await w.waitForCondition('RestApi', 'secured', 'Programmed', 'True');
    expect(stored('secured')?.resource.spec.policies).toEqual([{ name: 'set-headers', version: 'v1', params: { request: { headers: [{ name: 'X-Client', value: 'X-Key-v1' }] } } }]);
    expect((stored('secured')?.resource.spec.operations as any)[0].policies[0].params).toEqual({ subscriptionKeyHeader: 'X-Key-v1' });

    await w.apply(secret('policy-credentials', { header: 'X-Key-v2' }));
    await waitFor('the rotated value on the gateway', () => (stored('secured')?.resource.spec.policies as any)?.[0].params.request.headers[0].value === 'X-Key-v2');
    expect(w.logs.filter((l) => l.includes('X-Key-v1') || l.includes('X-Key-v2'))).toEqual([]);
  });

  it('refuses a policy valueFrom naming another namespace, naming the field', async () => {
    const params = { key: { valueFrom: { secretKeyRef: { name: 'elsewhere', key: 'k', namespace: 'kube-system' } } } };
    await w.apply(restApi('cross-namespace', { policies: [{ name: 'api-key-auth', version: 'v1', params }] }));
    const obj = await w.waitForCondition('RestApi', 'cross-namespace', 'Accepted', 'False', { reason: 'InvalidConfiguration' });
    expect(conditionOf(obj, 'Accepted')?.message).toContain('spec.policies[0].params.key.valueFrom.secretKeyRef.namespace');
    expect(conditionOf(obj, 'Programmed')).toMatchObject({ status: 'False', reason: 'Invalid' });
    expect(stored('cross-namespace')).toBeUndefined();
  });

  it('sends deploymentState undeployed for apim-sync.io/deployment-state: undeployed, and deployed again without it', async () => {
    await w.apply(restApi('parked', {}, { annotations: { 'apim-sync.io/deployment-state': 'undeployed' } }));
    await w.waitForCondition('RestApi', 'parked', 'Programmed', 'True');
    expect(stored('parked')).toMatchObject({ desiredState: 'undeployed' });
    expect(stored('parked')?.resource.metadata.annotations ?? {}).not.toHaveProperty('apim-sync.io/deployment-state');
    await w.apply({ ...restApi('parked'), metadata: { name: 'parked', annotations: { 'apim-sync.io/deployment-state': null } } });
    // Metadata changes are not spec changes: the watcher's resync (sent here) deploys it again.
    await resync('RestApi', 'parked');
    expect(stored('parked')).toMatchObject({ desiredState: 'deployed' });
  });

  it('refuses what it cannot use with Accepted=False naming the field, and a spec the gateway refuses with Programmed=False/Invalid', async () => {
    // The CRD accepts any params; a valueFrom apim-sync cannot resolve is named.
    await w.apply(restApi('bad-params', { policies: [{ name: 'api-key-auth', version: 'v1', params: { key: { valueFrom: { secretKeyRef: { name: 'x', key: 'k' }, configMapKeyRef: { name: 'y', key: 'k' } } } } }] }));
    const bad = await w.waitForCondition('RestApi', 'bad-params', 'Accepted', 'False', { reason: 'InvalidConfiguration' });
    expect(conditionOf(bad, 'Accepted')?.message).toContain('spec.policies[0].params.key.valueFrom: requires exactly one of secretKeyRef or configMapKeyRef');
    expect(conditionOf(bad, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });

    await w.apply(restApi('bad-state', {}, { annotations: { 'apim-sync.io/deployment-state': 'paused' } }));
    const state = await w.waitForCondition('RestApi', 'bad-state', 'Accepted', 'False', { reason: 'InvalidConfiguration' });
    expect(conditionOf(state, 'Accepted')?.message).toContain('metadata.annotations[apim-sync.io/deployment-state]: must be deployed or undeployed');

    // The CRD cannot tell that a referenced upstream definition is missing; the gateway refuses it, naming the field.
    await w.apply(restApi('gateway-refused', { upstream: { main: { ref: 'missing-definition' } } }));
    const refused = await w.waitForCondition('RestApi', 'gateway-refused', 'Programmed', 'False', { reason: 'Invalid' });
    expect(conditionOf(refused, 'Accepted')).toMatchObject({ status: 'True' });
    expect(conditionOf(refused, 'Programmed')?.message).toContain('spec.upstream.main.ref');
    expect(stored('gateway-refused')).toBeUndefined();
  });

  it('deletes the API from the gateway, and keeps it with deletion-policy orphan', async () => {
    await w.apply(restApi('short-lived'));
    await w.waitForCondition('RestApi', 'short-lived', 'Programmed', 'True');
    await w.remove('RestApi', 'short-lived');
    await w.waitForGone('RestApi', 'short-lived');
    expect(stored('short-lived')).toBeUndefined();

    await w.apply(restApi('kept', {}, { annotations: { [DELETION_POLICY]: 'orphan' } }));
    await w.waitForCondition('RestApi', 'kept', 'Programmed', 'True');
    await w.remove('RestApi', 'kept');
    await w.waitForGone('RestApi', 'kept');
    expect(stored('kept')).toBeDefined();
  });

  it('waits with GatewayNotReady for the APIGateway its annotation names, and deploys when it appears', async () => {
    const other = await startWso2GatewayController({ policies: 'any' });
    try {
      await w.apply(restApi('pinned', {}, { annotations: { 'apim-sync.io/gateway': `${w.ns}/later` } }));
      const waiting = await w.waitForCondition('RestApi', 'pinned', 'Programmed', 'False', { reason: 'GatewayNotReady' });
      expect(conditionOf(waiting, 'Programmed')?.message).toContain(`APIGateway ${w.ns}/later not found`);
      // Selecting nothing by itself: only what names it.
      await w.apply(apiGateway('later', other.url, { spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { gateway: 'later' } } } }));
      const obj = await w.waitForCondition('RestApi', 'pinned', 'Programmed', 'True');
      expect(obj.status?.gateway).toBe(`${w.ns}/later`);
      expect(other.state.get('RestApi', 'pinned')).toBeDefined();
      expect(stored('pinned')).toBeUndefined();
      await w.remove('RestApi', 'pinned');
      await w.waitForGone('RestApi', 'pinned');
      expect(other.state.get('RestApi', 'pinned')).toBeUndefined();
      expect(other.violations()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('moves to the gateway that selects it after a label change, saying several select it, and leaves the previous one', async () => {
    const other = await startWso2GatewayController({ policies: 'any' });
    try {
      await w.apply(restApi('mover'));
      await w.waitForCondition('RestApi', 'mover', 'Programmed', 'True');
      // Sorts before the default gateway, and selects by label.
      await w.apply(apiGateway('a-labelled', other.url, { spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { target: 'other' } } } }));
      await w.waitForCondition('APIGateway', 'a-labelled', 'Ready', 'True');
      await w.apply({ ...restApi('mover'), metadata: { name: 'mover', labels: { target: 'other' } } });
      // Labels are metadata: the periodic resync moves it.
      await resync('RestApi', 'mover');
      const obj = await w.waitForCondition('RestApi', 'mover', 'Programmed', 'True');
      expect(obj.status?.gateway).toBe(`${w.ns}/a-labelled`);
      expect(conditionOf(obj, 'Programmed')?.message).toContain(`2 APIGateways select it (${w.ns}/a-labelled, ${w.ns}/${GATEWAY})`);
      expect(other.state.get('RestApi', 'mover')).toBeDefined();
      expect(stored('mover')).toBeUndefined();
      await w.remove('RestApi', 'mover');
      await w.waitForGone('RestApi', 'mover');
      expect(other.state.get('RestApi', 'mover')).toBeUndefined();
      await w.remove('APIGateway', 'a-labelled');
      await w.waitForGone('APIGateway', 'a-labelled');
      expect(other.violations()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
