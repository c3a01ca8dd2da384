import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startGraviteeEmulator } from '../emulators/gravitee/index.ts';
import { startThreescaleEmulator } from '../emulators/threescale/index.ts';
import { startKubeApiServer } from '../emulators/kube-api-server/index.ts';
import { startWso2Emulators } from '../emulators/wso2/index.ts';
import { jsonLogger } from '../shared/log.ts';
import { applyManifests, readManifests, type Manifest } from './apply.ts';
import { crdFiles } from './crd-files.ts';
import { showProgress } from './progress-view.ts';
import { startSyncPlane } from './sync-plane.ts';
import { deployOnControlPlane, gatewayStandIn, pointAtWso2 } from './wso2-sandbox.ts';

const ROOT = new URL('..', import.meta.url).pathname;
/** The API groups whose examples the sandbox waits for. */
const SYNCED_GROUPS = ['gravitee.io', 'capabilities.3scale.net', 'gateway.api-platform.wso2.com'];

/**
 * A newcomer's first run: the Kubernetes API test server, the Gravitee emulator and the sync plane, with examples/
 * applied. The examples' ManagementContexts are pointed at the emulator; everything else is applied as written.
 */
export async function startSandbox(opts: { examplesDir?: string; stateDir?: string; progress?: boolean } = {}) {
  const log = jsonLogger({ level: process.env.LOG_LEVEL ?? 'WARN' });
  const step = (message: string) => console.error(`• ${message}`);
  step('starting the Kubernetes API test server');
  const kube = await startKubeApiServer({ crdFiles: crdFiles() });
  step('starting the Gravitee APIM emulator');
  const apim = await startGraviteeEmulator({ organizations: { acme: ['dev', 'staging'], DEFAULT: ['DEFAULT'] }, users: [{ username: 'admin', password: 'admin' }], tokens: ['xxxx-yyyy-zzzz'] });
  step('starting the 3scale emulator (tenant "3scale", token 123456; master token master-token)');
  const threescale = await startThreescaleEmulator({ tenants: [{ name: '3scale', adminToken: '123456' }], masterToken: 'master-token' });
  step('starting the WSO2 emulators (gateway controller admin/admin; APIM 4.7 with its control plane; gateway "prod-gateway" registered)');
  const wso2 = await startWso2Emulators({ gatewayName: 'prod-gateway' });
  const kc = new KubeConfig();
  kc.loadFromString(kube.kubeconfigYaml());
  step('starting the sync plane (embedded SQS FIFO queue, watcher, local Lambda runner)');
  // The WSO2 control plane and APIM answer with the emulators' own CA (the seed's values also skip verification).
  const plane = await startSyncPlane({ kubeConfig: kc, allowLoopback: true, resyncIntervalSeconds: 600, log, vendorCa: [wso2.caPem] });
  const stateDir = resolve(opts.stateDir ?? join(ROOT, '.apim-sync'));
  mkdirSync(stateDir, { recursive: true });
  const kubeconfigPath = join(stateDir, 'sandbox.kubeconfig');
  writeFileSync(kubeconfigPath, kube.kubeconfigYaml(), { mode: 0o600 });
  const manifests = readManifests(opts.examplesDir ?? join(ROOT, 'examples')).map((m) => pointAtWso2(pointAtEmulators(m, apim.url, threescale.adminUrl('3scale'), threescale.url), wso2));
  step(`applying ${manifests.length} example objects`);
  await applyManifests(kc, manifests);
  const synced = manifests
    .filter((m) => SYNCED_GROUPS.some((g) => m.apiVersion?.startsWith(`${g}/`)))
    .map((m) => ({ apiVersion: m.apiVersion ?? '', kind: m.kind ?? '', namespace: m.metadata.namespace ?? 'default', name: m.metadata.name }));
  const gateways = synced.filter((r) => r.kind === 'APIGateway');
  for (const g of gateways) await gatewayStandIn(kc, g.name, g.namespace, Number(new URL(wso2.gatewayController.url).port));
  if (gateways.length) {
    step('the WSO2 control plane deploys the PetStore API to gateway "prod-gateway"');
    synced.push(deployOnControlPlane(wso2, gateways[0].namespace));
  }
  const settled = opts.progress === false ? true : await showProgress(kc, synced, { waiting: (ref) => plane.waitsForReference(ref) });
  return {
    kube,
    apim,
    plane,
    kubeconfigPath,
    settled,
    threescale,
    wso2,
    /** Stops everything it started, in reverse order, saying each step to `step`. */
    async stop(step: (what: string) => void = () => {}) {
      await plane.stop(step);
      step('stopping the WSO2, 3scale and Gravitee emulators');
      await wso2.close();
      await threescale.close();
      await apim.close();
      step('stopping the Kubernetes API test server');
      await kube.close();
    },
  };
}

/**
 * The examples name the vendors' real hosts; in the sandbox, ManagementContexts, 3scale provider accounts and Tenants'
 * master portal reach the emulators.
 */
function pointAtEmulators(m: Manifest, graviteeUrl: string, threescaleAdminUrl: string, threescaleMasterUrl: string): Manifest {
  if (m.kind === 'Tenant') return { ...m, spec: { ...(m as unknown as { spec: object }).spec, systemMasterUrl: threescaleMasterUrl } } as Manifest;
  if (m.kind === 'ManagementContext') return { ...m, spec: { ...(m as unknown as { spec: object }).spec, baseUrl: graviteeUrl } } as Manifest;
  const stringData = (m as unknown as { stringData?: Record<string, string> }).stringData;
  if (m.kind === 'Secret' && stringData?.adminURL) return { ...m, stringData: { ...stringData, adminURL: threescaleAdminUrl } } as Manifest;
  return m;
}
