import { describe, expect, it } from 'vitest';
import { startControlPlaneEmulator } from '../../emulators/wso2/control-plane/index.ts';
import { ANNOTATIONS } from '../../vendors/wso2/gateway/config.ts';
import { sendPointer } from '../support/send-message.ts';
import { conditionOf } from '../support/world-objects.ts';
import { apiGateway, drained, GATEWAY, restApi, secret, useWso2World, wso2, type Wso2World } from '../support/wso2-e2e.ts';

let w: Wso2World;
useWso2World((world) => {
  w = world;
});

const values = (name: string, yaml: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { 'values.yaml': yaml } });

async function resync(kind: string, name: string): Promise<void> {
  await sendPointer(w.plane, (await w.get(kind, name))!, { reason: 'resync', cause: `test-${Math.random()}` });
  await drained(w);
}

describe('WSO2 APIGateway', () => {
  it('is Ready when its management API answers, with the operator’s status fields, and a resync writes nothing', async () => {
    const obj = await w.waitForCondition('APIGateway', GATEWAY, 'Ready', 'True');
    for (const [type, status, reason] of [['Accepted', 'True', 'Accepted'], ['Programmed', 'True', 'Programmed'], ['ControlPlaneConnected', 'False', 'NotConfigured']]) {
      expect(conditionOf(obj, type)).toMatchObject({ status, reason, observedGeneration: 1 });
    }
    expect(conditionOf(obj, 'Programmed')?.message).toContain(w.gateway.baseUrl);
    expect(conditionOf(obj, 'Programmed')?.message).toContain("the chart's default user admin");
    expect(obj.status).toMatchObject({ phase: 'Ready', appliedGeneration: 1, observedGeneration: 1 });
    expect(typeof obj.status?.lastUpdateTime).toBe('string');
    await drained(w);
    const before = (await w.get('APIGateway', GATEWAY))!;
    await resync('APIGateway', GATEWAY);
    expect((await w.get('APIGateway', GATEWAY))?.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('counts the RestApis it serves and hashes its values as the operator (selectedAPIs, configHash)', async () => {
    await w.apply(values('counted-values', 'gateway:\n  config:\n    controller:\n      auth:\n        basic:\n          enabled: true\n          users:\n            - username: admin\n              password: admin\n'));
    await w.apply(apiGateway('counted', w.gateway.url, { spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { counted: 'yes' } }, configRef: { name: 'counted-values' } } }));
    await w.apply(restApi('counted-one', {}, { labels: { counted: 'yes' } }));
    await w.waitForCondition('RestApi', 'counted-one', 'Programmed', 'True');
    // Not selected (the world's gateway takes it), and one its control plane deployed (named, not labelled counted).
    await w.apply(restApi('counted-not', {}, { labels: { counted: 'no' } }));
    await w.apply(restApi('counted-deployed', {}, { labels: { 'apim-sync.io/origin': 'control-plane', 'apim-sync.io/gateway-name': 'counted' }, annotations: { 'apim-sync.io/gateway': `${w.ns}/counted` } }));
    await w.waitForCondition('RestApi', 'counted-not', 'Programmed', 'True');
    await w.waitForCondition('RestApi', 'counted-deployed', 'Programmed', 'True');
    await resync('APIGateway', 'counted');
    const obj = await w.waitForCondition('APIGateway', 'counted', 'Ready', 'True');
    expect(obj.status).toMatchObject({ selectedAPIs: 2, configHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await w.get('RestApi', 'counted-deployed'))?.status?.gateway).toBe(`${w.ns}/counted`);
    expect(conditionOf(obj, 'Programmed')?.message).toContain('gateway.config.controller.auth.basic.users');
  });

  it('says Programmed=False when the gateway refuses its credentials, and Ready once the credentials Secret is fixed', async () => {
    await w.apply(secret('wrong-credentials', { username: 'admin', password: 'not-the-password' }));
    await w.apply(apiGateway('locked-out', w.gateway.url, { spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { nobody: 'x' } } }, annotations: { [ANNOTATIONS.managementCredentials]: 'wrong-credentials' } }));
    const refused = await w.waitForCondition('APIGateway', 'locked-out', 'Programmed', 'False', { reason: 'DeploymentFailed' });
    expect(conditionOf(refused, 'Ready')).toMatchObject({ reason: 'Unauthorized' });
    expect(conditionOf(refused, 'Ready')?.message).toContain(`Secret ${w.ns}/wrong-credentials`);
    expect(JSON.stringify(refused.status)).not.toContain('not-the-password');
    await w.apply(secret('wrong-credentials', { username: 'admin', password: 'admin' }));
    await w.waitForCondition('APIGateway', 'locked-out', 'Ready', 'True');
  });

  it('refuses a configuration it cannot use, naming the field, and waits for a missing values ConfigMap', async () => {
    await w.apply(apiGateway('bad-transport', w.gateway.url, { annotations: { [ANNOTATIONS.managementTransport]: 'carrier-pigeon' }, spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { nobody: 'x' } } } }));
    const bad = await w.waitForCondition('APIGateway', 'bad-transport', 'Accepted', 'False', { reason: 'InvalidConfiguration' });
    expect(conditionOf(bad, 'Accepted')?.message).toContain(`metadata.annotations[${ANNOTATIONS.managementTransport}]`);
    expect(bad.status?.phase).toBe('Failed');

    await w.apply(values('broken-values', 'gateway: [unclosed'));
    await w.apply(apiGateway('bad-values', w.gateway.url, { spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { nobody: 'x' } }, configRef: { name: 'broken-values' } } }));
    const yaml = await w.waitForCondition('APIGateway', 'bad-values', 'Accepted', 'False', { reason: 'InvalidConfiguration' });
    expect(conditionOf(yaml, 'Accepted')?.message).toContain('spec.configRef: values.yaml is not valid YAML');

    await w.apply(apiGateway('no-values', w.gateway.url, { spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { nobody: 'x' } }, configRef: { name: 'later-values' } } }));
    const waiting = await w.waitForCondition('APIGateway', 'no-values', 'Accepted', 'False', { reason: 'Pending' });
    expect(conditionOf(waiting, 'Accepted')?.message).toContain(`ConfigMap ${w.ns}/later-values not found`);
    await w.apply(values('later-values', 'gateway: {}\n'));
    await w.waitForCondition('APIGateway', 'no-values', 'Ready', 'True');
  });

  it('is Programmed=False/Retrying while its gateway does not answer', async () => {
    await w.apply(apiGateway('unreachable', 'http://127.0.0.1:9', { spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { nobody: 'x' } } } }));
    const obj = await w.waitForCondition('APIGateway', 'unreachable', 'Programmed', 'False', { reason: 'Retrying' });
    expect(conditionOf(obj, 'Ready')?.reason).toBe('Unreachable');
    // A gateway that never answers is retried until it does (never dead-lettered): remove it, so the queue drains.
    await w.remove('APIGateway', 'unreachable');
    await w.waitForGone('APIGateway', 'unreachable');
  });

  it('probes its control plane: ControlPlaneConnected=True when the token is taken, False/Unauthorized when refused', async () => {
    const cp = await startControlPlaneEmulator({ flavour: 'platform' });
    try {
      const { token } = cp.registerGateway('cp-gateway');
      await w.apply(secret('cp-token', { token }));
      await w.apply(secret('cp-ca', { 'ca.crt': cp.caPem }));
      const spec = { apiSelector: { scope: 'LabelSelector', matchLabels: { nobody: 'x' } }, controlPlane: { host: cp.host, tokenSecretRef: { name: 'cp-token', key: 'token' }, tls: { certSecretRef: { name: 'cp-ca', key: 'ca.crt' } } } };
      await w.apply(apiGateway('cp-gateway', w.gateway.url, { spec }));
      const ok = await w.waitForCondition('APIGateway', 'cp-gateway', 'ControlPlaneConnected', 'True', { reason: 'Connected' });
      expect(conditionOf(ok, 'Ready')).toMatchObject({ status: 'True' });

      cp.revokeToken(token);
      await resync('APIGateway', 'cp-gateway');
      // The probe says Unauthorized; the watcher's connection, refused when it reconnects, may say Refused first.
      const refused = await w.waitForCondition('APIGateway', 'cp-gateway', 'ControlPlaneConnected', 'False');
      expect(['Unauthorized', 'Refused']).toContain(conditionOf(refused, 'ControlPlaneConnected')?.reason);
      // The gateway itself still answers: Programmed stays True, Ready says what failed.
      expect(conditionOf(refused, 'Programmed')).toMatchObject({ status: 'True' });
      await w.waitForCondition('APIGateway', 'cp-gateway', 'Ready', 'False', { reason: 'Unauthorized' });
      expect(JSON.stringify(refused.status)).not.toContain(token);
      await w.remove('APIGateway', 'cp-gateway');
      await w.waitForGone('APIGateway', 'cp-gateway');
    } finally {
      await cp.close();
    }
  });

  it('runs standalone when a control plane host has no token, as the gateway does', async () => {
    await w.apply(apiGateway('no-token', w.gateway.url, { spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { nobody: 'x' } }, controlPlane: { host: 'cp.example.com:8443' } } }));
    const obj = await w.waitForCondition('APIGateway', 'no-token', 'Ready', 'True');
    expect(conditionOf(obj, 'ControlPlaneConnected')).toMatchObject({ status: 'False', reason: 'NotConfigured' });
    expect(conditionOf(obj, 'ControlPlaneConnected')?.message).toContain('cp.example.com:8443');
  });

  it('waits to be deleted while resources are on its gateway, naming them, then deletes those its control plane deployed', async () => {
    await w.apply(apiGateway('doomed', w.gateway.url, { spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { doomed: 'yes' } } } }));
    const gw = await w.waitForCondition('APIGateway', 'doomed', 'Ready', 'True');
    await w.apply(restApi('doomed-user', {}, { labels: { doomed: 'yes' } }));
    await w.waitForCondition('RestApi', 'doomed-user', 'Programmed', 'True');
    // As the top-down function writes a control plane's artifact: labelled, annotated, owned by the APIGateway.
    const owner = { apiVersion: gw.apiVersion, kind: 'APIGateway', name: 'doomed', uid: gw.metadata.uid! };
    await w.apply({
      ...wso2('RestApi', 'doomed-artifact', restApi('doomed-artifact').spec),
      metadata: { name: 'doomed-artifact', labels: { 'apim-sync.io/origin': 'control-plane', 'apim-sync.io/gateway-name': 'doomed' }, annotations: { 'apim-sync.io/gateway': `${w.ns}/doomed` }, ownerReferences: [owner] },
    });
    await w.waitForCondition('RestApi', 'doomed-artifact', 'Programmed', 'True');
    expect(w.gateway.state.get('RestApi', 'doomed-artifact')).toBeDefined();

    await w.remove('APIGateway', 'doomed');
    const blocked = await w.waitForCondition('APIGateway', 'doomed', 'Ready', 'False', { reason: 'DeletionBlocked', generation: false });
    expect(conditionOf(blocked, 'Ready')?.message).toContain(`RestApi ${w.ns}/doomed-user`);
    expect(conditionOf(blocked, 'Ready')?.message).not.toContain('doomed-artifact');
    expect(await w.get('RestApi', 'doomed-artifact')).toBeDefined();

    await w.remove('RestApi', 'doomed-user');
    await w.waitForGone('APIGateway', 'doomed');
    expect(await w.get('RestApi', 'doomed-artifact')).toBeUndefined();
    expect(w.gateway.state.get('RestApi', 'doomed-artifact')).toBeUndefined();
    expect(w.gateway.state.get('RestApi', 'doomed-user')).toBeUndefined();
  });
});
