import { startGraviteeEmulator } from '../emulators/gravitee/index.ts';
import { startKubeApiServer } from '../emulators/kube-api-server/index.ts';
import { crdFiles } from '../local/crd-files.ts';

/**
 * The API server and the vendor the sync plane talks to, in a process of their own as they would be in reality
 * (and so on the machine's other core). Prints one JSON line with their addresses, then serves until killed.
 */
const latencyMs = Number(process.argv[2] ?? 20);
const historyLimit = Number(process.argv[3] ?? 20_000);
const kube = await startKubeApiServer({ crdFiles: crdFiles(), historyLimit });
const apim = await startGraviteeEmulator({ organizations: { acme: ['dev'] }, users: [{ username: 'admin', password: 'admin' }], latencyMs });
process.stdout.write(`${JSON.stringify({ kubeconfig: kube.kubeconfigYaml(), apimUrl: apim.url })}\n`);
process.on('SIGTERM', async () => {
  await apim.close();
  await kube.close();
  process.exit(0);
});
