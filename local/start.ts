import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { untilSignal } from '../cli/main.ts';
import { PLURALS, THREESCALE_PLURALS, WSO2_PLURALS } from '../infra/crds/generate.ts';
import { jsonLogger } from '../shared/log.ts';
import { startSandbox } from './sandbox.ts';
import { startSyncPlane } from './sync-plane.ts';

/** `npm start`: sync the cluster in KUBECONFIG when one answers, else start the sandbox. */
export async function runStart(opts: { sandboxOnly: boolean }): Promise<number> {
  const kc = opts.sandboxOnly ? undefined : await reachableCluster();
  if (kc) {
    console.error(`• syncing cluster ${kc.getCurrentCluster()?.server} (context ${kc.getCurrentContext()})`);
    const plane = await startSyncPlane({
      kubeConfig: kc,
      clusterId: process.env.CLUSTER_ID ?? kc.getCurrentContext(),
      namespaces: process.env.WATCH_NAMESPACES ? process.env.WATCH_NAMESPACES.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      allowLoopback: process.env.ALLOW_LOOPBACK === 'true',
      resyncIntervalSeconds: Number(process.env.RESYNC_INTERVAL_SECONDS ?? 600),
      log: jsonLogger(),
    });
    console.error('• sync plane running; Ctrl-C stops it');
    await stopOnSignal((step) => plane.stop(step), 'apim-sync stopped. Resources keep their last status; the next start syncs what changed meanwhile and retries what failed.');
    return 0;
  }
  const sandbox = await startSandbox();
  const kcPath = sandbox.kubeconfigPath;
  console.error(`
${sandbox.settled ? 'Every example settled.' : 'Some examples have not settled yet (see the table above).'}
The sandbox keeps running. Try, in another terminal:
  export KUBECONFIG=${kcPath}
  kubectl get ${kubectlKinds(PLURALS, 'gravitee.io')} -A
  kubectl get ${kubectlKinds(THREESCALE_PLURALS, 'capabilities.3scale.net')} -A
  kubectl get ${kubectlKinds(WSO2_PLURALS, 'gateway.api-platform.wso2.com')} -A
  kubectl apply -f your-api.yaml && kubectl wait --for=condition=Accepted apiv4definition/NAME -n NAMESPACE
ManagementContexts reach the Gravitee emulator at ${sandbox.apim.url} (admin/admin, bearer token xxxx-yyyy-zzzz);
3scale provider accounts reach the 3scale emulator's tenant at ${sandbox.threescale.adminUrl('3scale')} (token 123456),
Tenants its master portal at ${sandbox.threescale.url} (token master-token).
The WSO2 APIGateway prod-gateway reaches its gateway controller emulator (admin/admin) through the test API server
(its Helm release's Service and pod stand in for it); its control plane is APIM 4.7 at ${sandbox.wso2.host}, where the
RestApis of ap-gateway are imported (Publisher admin/admin) and whose PetStore API the cluster shows as a RestApi.
Ctrl-C stops the sandbox.`);
  await stopOnSignal((step) => sandbox.stop(step), `apim-sync sandbox stopped; its API server and emulators are gone (${kcPath} no longer answers).`);
  return 0;
}

/**
 * Waits for Ctrl-C (or SIGTERM), then stops what runs, saying each step and a last line. A second Ctrl-C meets
 * Node's default handler and quits at once.
 */
export async function stopOnSignal(stop: (step: (what: string) => void) => Promise<void>, lastLine: string, say: (line: string) => void = (l) => console.error(l)): Promise<void> {
  await untilSignal();
  say('\nStopping (Ctrl-C again to quit at once)…');
  await stop((what) => say(`• ${what}`));
  say(lastLine);
}

async function reachableCluster(): Promise<KubeConfig | undefined> {
  if (!process.env.KUBECONFIG) return undefined;
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
    await Promise.race([kc.makeApiClient(VersionApi).getCode(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
    return kc;
  } catch {
    console.error('• no reachable cluster in KUBECONFIG; starting the sandbox instead');
    return undefined;
  }
}

/** Our CRDs' plurals for `kubectl get`; `applications` is a plural of both groups, so it is named with its group. */
const kubectlKinds = (plurals: readonly string[], group: string) => plurals.map((p) => (p === 'applications' ? `${p}.${group}` : p)).join(',');
