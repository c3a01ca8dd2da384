import { expect } from 'vitest';
import { startControlPlaneEmulator, type ControlPlaneEmulator, type ControlPlaneEmulatorOptions, type Flavour } from '../../emulators/wso2/control-plane/index.ts';
import { spyOnQueue } from './queue-spy.ts';
import { waitFor } from './wait.ts';
import { apiGateway, GATEWAY, secret, startWso2World, WSO2, type Wso2World, type Wso2WorldOptions } from './wso2-e2e.ts';

/**
 * A top-down world: the WSO2 world (cluster, gateway controller emulator, sync plane) plus a control plane emulator
 * the APIGateway GATEWAY is registered with, its token in the Secret `gateway-cp-token`, the emulator's CA named by
 * `spec.controlPlane.tls.certSecretRef`, and the seed's values block (short reconnect intervals) as its configRef.
 */
export interface TopDown {
  w: Wso2World;
  cp: ControlPlaneEmulator;
  gatewayId: string;
  token: string;
  /** Every queue message body sent since the world started. */
  queue: string[];
  close(): Promise<void>;
}

export const TOKEN_SECRET = 'gateway-cp-token';

/** The seed's values block for the connection, with short reconnect intervals (the watcher reads them from here). */
const VALUES = `gateway:
  config:
    controller:
      controlplane:
        reconnect_initial: 50ms
        reconnect_max: 1s
        polling_interval: 15m
        sync_batch_size: 50
`;

export async function startTopDown(flavour: Flavour, opts: { world?: Wso2WorldOptions; controlPlane?: Partial<ControlPlaneEmulatorOptions> } = {}): Promise<TopDown> {
  const cp = await startControlPlaneEmulator({ flavour, ...opts.controlPlane });
  const w = await startWso2World({ ...opts.world, apiGateway: false });
  const queue = spyOnQueue(w.plane.queue.sqs);
  const { id: gatewayId, token } = cp.registerGateway(`e2e-${flavour}`);
  await w.apply(secret(TOKEN_SECRET, { token }));
  await w.apply(secret('gateway-cp-ca', { 'ca.crt': cp.caPem }));
  await w.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gateway-values' }, data: { 'values.yaml': VALUES } });
  await w.apply(
    apiGateway(GATEWAY, w.gateway.url, {
      spec: {
        configRef: { name: 'gateway-values' },
        controlPlane: { host: cp.host, tokenSecretRef: { name: TOKEN_SECRET, key: 'token' }, tls: { certSecretRef: { name: 'gateway-cp-ca', key: 'ca.crt' } } },
      },
    }),
  );
  await w.waitForCondition('APIGateway', GATEWAY, 'Ready', 'True');
  await waitFor('the watcher connected', () => cp.connections(gatewayId).length === 1);
  return {
    w,
    cp,
    gatewayId,
    token,
    queue,
    async close() {
      await w.close();
      await cp.close();
    },
  };
}

/** After a top-down world: neither emulator saw a request outside its published contract. */
export async function closeTopDown(t: TopDown | undefined): Promise<void> {
  expect(t?.cp.violations() ?? []).toEqual([]);
  expect(t?.w.gateway.violations() ?? []).toEqual([]);
  await t?.close();
}

/** A RestApi artifact as a control plane serves it (the gateway's envelope). */
export const restArtifact = (name: string, operations: Array<{ method: string; path: string }> = [{ method: 'GET', path: '/items' }]) => ({
  apiVersion: WSO2,
  kind: 'RestApi',
  metadata: { name, labels: { team: 'orders' }, annotations: { 'gateway.api-platform.wso2.com/project-id': 'p-1' } },
  spec: { displayName: name, version: 'v1.0', context: `/${name}`, upstream: { main: { url: 'http://backend.example:8080/api' } }, operations },
});

/** The control plane's status of a deployment (DEPLOYING, DEPLOYED, UNDEPLOYING, UNDEPLOYED, FAILED, ARCHIVED). */
export const deploymentStatus = (t: TopDown, deploymentId: string) => t.cp.deploymentStatus(deploymentId)?.status;
