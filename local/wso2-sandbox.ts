// WSO2 in the sandbox, around the emulators of emulators/wso2 (the gateway controller; APIM 4.7 with its control plane
// and the Publisher on one host; the gateway registered as the seed's values name it, `prod-gateway`). Nothing in
// examples/wso2 is told where they are but the values' control plane host and the two Secrets' values (pointAtWso2);
// the management API is reached as in a real cluster: through the API server to the Service and pod the gateway's
// Helm release would have created (gatewayStandIn).
import { readFileSync } from 'node:fs';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { Wso2Emulators } from '../emulators/wso2/index.ts';
import type { ObjectRef } from '../shared/kube/object-ref.ts';
import { oauth2Field } from '../vendors/wso2/gateway/config.ts';
import { releaseName } from '../vendors/wso2/gateway/release-name.ts';
import { RestApiType } from '../vendors/wso2/resource-types.ts';
import type { Manifest } from './apply.ts';

/** The host the seed's values name; in the sandbox it is APIM's emulator. */
const SEED_CONTROL_PLANE_HOST = 'apim-wso2am.example.com:9443';

/** The seed's Secrets get the emulators' registration token and DCR client; its values, the emulator's host. */
export function pointAtWso2(m: Manifest, wso2: Wso2Emulators): Manifest {
  const o = m as unknown as { stringData?: Record<string, string>; data?: Record<string, string> };
  if (m.kind === 'Secret' && m.metadata.name === 'gateway-cp-token') return { ...m, stringData: { ...o.stringData, token: wso2.registrationToken } } as Manifest;
  if (m.kind === 'Secret' && Object.keys(o.stringData ?? {}).some((k) => oauth2Field(k))) {
    const values = { clientId: wso2.client.clientId, clientSecret: wso2.client.clientSecret } as Record<string, string>;
    return { ...m, stringData: Object.fromEntries(Object.entries(o.stringData ?? {}).map(([k, v]) => [k, values[oauth2Field(k) ?? ''] ?? v])) } as Manifest;
  }
  if (m.kind === 'ConfigMap' && o.data?.['values.yaml']?.includes(SEED_CONTROL_PLANE_HOST)) {
    return { ...m, data: { ...o.data, 'values.yaml': o.data['values.yaml'].replaceAll(SEED_CONTROL_PLANE_HOST, wso2.host) } } as Manifest;
  }
  return m;
}

/**
 * What the gateway's Helm release creates for APIGateway `name` and apim-sync looks for: the controller's Service
 * (labels app.kubernetes.io/instance=<release>, component=controller, port `rest`) and one ready pod behind it, whose
 * address is the emulator's (127.0.0.1 and its port). The pod's status is written as a kubelet would.
 */
export async function gatewayStandIn(kc: KubeConfig, name: string, namespace: string, port: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const instance = releaseName(name);
  const labels = { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': 'controller' };
  const pod = `${instance}-controller-0`;
  await core.createNamespacedService({ namespace, body: { metadata: { name: `${instance}-controller`, labels }, spec: { selector: labels, ports: [{ name: 'rest', port: 9090, targetPort: 'rest' }] } } });
  await core.createNamespacedPod({ namespace, body: { metadata: { name: pod, labels }, spec: { containers: [{ name: 'gateway-controller', image: 'ghcr.io/wso2/api-platform/gateway-controller:1.2.0', ports: [{ name: 'rest', containerPort: port }] }] } } });
  const status = { phase: 'Running', podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'gateway-controller', ready: true, restartCount: 0, image: '', imageID: '', started: true, state: { running: {} } }] };
  await core.patchNamespacedPodStatus({ namespace, name: pod, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

/**
 * Top-down in the sandbox: the control plane deploys the gateway examples' PetStore API to the gateway; apim-sync
 * writes it as a RestApi in the APIGateway's namespace and syncs it to the gateway. Returns that RestApi.
 */
export function deployOnControlPlane(wso2: Wso2Emulators, namespace: string): ObjectRef {
  const artifact = readFileSync(new URL('./wso2-petstore-api.yaml', import.meta.url), 'utf8');
  wso2.controlPlane.deploy(wso2.gatewayId, artifact, { kind: 'RestApi' });
  return { ...RestApiType, namespace, name: 'petstore-api-v1.0' };
}
