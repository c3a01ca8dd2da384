import type { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { startWso2GatewayController, type Wso2GatewayController } from '../../emulators/wso2/gateway-controller/index.ts';
import { ANNOTATIONS } from '../../vendors/wso2/gateway/config.ts';
import { releaseName } from '../../vendors/wso2/gateway/release-name.ts';
import { readyPod } from '../kube-api-server/helpers.ts';
import { conditionOf } from '../support/world-objects.ts';
import { restApi, useWso2World, WSO2, type Wso2World } from '../support/wso2-e2e.ts';

// Pods and Services standing in for a gateway's Helm release (the pod's IP is 127.0.0.1, where the emulator listens):
// the in-process test server only, as a real cluster cannot route to this machine's loopback.
const onTestServer = !process.env.E2E_KUBECONFIG;

let w: Wso2World;
describe.skipIf(!onTestServer)('WSO2 management API through the API server (test server only)', () => {
  useWso2World(
    (world) => {
      w = world;
    },
    { apiGateway: false },
  );

  const portOf = (g: Wso2GatewayController) => Number(new URL(g.url).port);

  /** What the operator's Helm release creates for APIGateway `name`: the controller's Service and a ready pod. */
  async function release(core: CoreV1Api, name: string, gateway: Wso2GatewayController, serviceName = `${name}-gateway-controller`) {
    const port = portOf(gateway);
    const instance = releaseName(name);
    await core.createNamespacedService({
      namespace: w.ns,
      body: {
        metadata: { name: serviceName, labels: { 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': 'controller' } },
        spec: { selector: { app: `${instance}-controller` }, ports: [{ name: 'xds', port: 18000 }, { name: 'rest', port, targetPort: 'rest' }] },
      },
    });
    await readyPod(core, w.ns, `${serviceName}-0`, { labels: { app: `${instance}-controller` }, ports: [{ name: 'rest', containerPort: port }] });
  }

  const values = (name: string, yaml: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { 'values.yaml': yaml } });
  const gatewayResource = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}) => ({
    apiVersion: WSO2,
    kind: 'APIGateway',
    metadata: { name, annotations },
    spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { gateway: name } }, ...spec },
  });

  it('uses the Service proxy when the gateway requires no credentials (basic auth and IdP disabled in its values)', async () => {
    const open = await startWso2GatewayController({ auth: false, policies: 'any' });
    try {
      await release(w.cluster.core, 'open-gw', open);
      await w.apply(values('open-values', 'gateway:\n  config:\n    controller:\n      auth:\n        basic:\n          enabled: false\n        idp:\n          enabled: false\n'));
      await w.apply(gatewayResource('open-gw', { configRef: { name: 'open-values' } }));
      const gw = await w.waitForCondition('APIGateway', 'open-gw', 'Ready', 'True');
      expect(conditionOf(gw, 'Programmed')?.message).toContain(`Service ${w.ns}/open-gw-gateway-controller:${portOf(open)} through the API server's services/proxy`);
      await w.apply(restApi('via-proxy', {}, { labels: { gateway: 'open-gw' } }));
      await w.waitForCondition('RestApi', 'via-proxy', 'Programmed', 'True');
      expect(open.state.get('RestApi', 'via-proxy')).toBeDefined();
      await w.remove('RestApi', 'via-proxy');
      await w.waitForGone('RestApi', 'via-proxy');
      expect(open.state.get('RestApi', 'via-proxy')).toBeUndefined();
      expect(open.violations()).toEqual([]);
    } finally {
      await open.close();
    }
  });

  it("tunnels through a pod's port-forward with the values' basic credentials (the operator's choice), found by its Helm release labels even for a long name", async () => {
    const user = { username: 'gateway-admin', password: 'pf-password-91c2' };
    const locked = await startWso2GatewayController({ users: [user], policies: 'any' });
    const name = 'a-gateway-with-a-name-long-enough-to-make-helm-hash-its-release';
    try {
      expect(releaseName(name)).toMatch(/^gw-[0-9a-f]{8}$/);
      await release(w.cluster.core, name, locked, 'long-release-controller');
      await w.apply(values('locked-values', `gateway:\n  config:\n    controller:\n      auth:\n        basic:\n          enabled: true\n          users:\n            - username: ${user.username}\n              password: ${user.password}\n`));
      await w.apply(gatewayResource(name, { configRef: { name: 'locked-values' } }));
      const gw = await w.waitForCondition('APIGateway', name, 'Ready', 'True');
      expect(conditionOf(gw, 'Programmed')?.message).toContain(`through the API server's pods/portforward to Pod ${w.ns}/long-release-controller-0:${portOf(locked)}`);
      expect(JSON.stringify(gw.status)).not.toContain(user.password);
      await w.apply(restApi('via-tunnel', {}, { labels: { gateway: name } }));
      await w.waitForCondition('RestApi', 'via-tunnel', 'Programmed', 'True');
      expect(locked.state.get('RestApi', 'via-tunnel')).toBeDefined();
      expect(w.logs.filter((l) => l.includes(user.password))).toEqual([]);

      // Forced through the proxy, the credentials cannot pass: the gateway refuses and the message says why.
      await w.apply(gatewayResource('forced-proxy', { configRef: { name: 'locked-values' } }, { [ANNOTATIONS.managementTransport]: 'service-proxy', [ANNOTATIONS.managementService]: 'long-release-controller' }));
      const refused = await w.waitForCondition('APIGateway', 'forced-proxy', 'Programmed', 'False', { reason: 'DeploymentFailed' });
      expect(conditionOf(refused, 'Ready')?.message).toContain('services/proxy cannot carry');
      expect(locked.violations()).toEqual([]);
    } finally {
      await locked.close();
    }
  });

  it("says which Role is missing when the API server refuses the port-forward (RBAC), and how to write it", async () => {
    const gateway = await startWso2GatewayController({ policies: 'any' });
    try {
      await release(w.cluster.core, 'rbac-gw', gateway);
      w.cluster.server!.faults.inject({ path: /\/pods\/[^/]+\/portforward/, forbidden: true });
      await w.apply(gatewayResource('rbac-gw', {}));
      const gw = await w.waitForCondition('APIGateway', 'rbac-gw', 'Ready', 'False', { reason: 'Forbidden' });
      expect(conditionOf(gw, 'Ready')?.message).toContain('pods/portforward');
      expect(conditionOf(gw, 'Ready')?.message).toContain(`npx apim-sync wso2 gateway-access --gateway rbac-gw --namespace ${w.ns}`);
    } finally {
      w.cluster.server!.faults.clear();
      await gateway.close();
    }
  });

  it('waits with GatewayNotReady while no gateway controller Service exists', async () => {
    await w.apply(gatewayResource('not-installed', {}));
    const gw = await w.waitForCondition('APIGateway', 'not-installed', 'Programmed', 'False', { reason: 'Pending' });
    expect(conditionOf(gw, 'Accepted')).toMatchObject({ status: 'True' });
    expect(conditionOf(gw, 'Programmed')?.message).toContain(`app.kubernetes.io/instance=${releaseName('not-installed')}`);
    await w.apply(restApi('no-controller', {}, { labels: { gateway: 'not-installed' } }));
    const api = await w.waitForCondition('RestApi', 'no-controller', 'Programmed', 'False', { reason: 'GatewayNotReady' });
    expect(conditionOf(api, 'Programmed')?.message).toContain('no gateway controller Service');
  });
});
