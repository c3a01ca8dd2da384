import { startGraviteeEmulator } from '../emulators/gravitee/index.ts';
import { startKubeApiServer } from '../emulators/kube-api-server/index.ts';
import { startThreescaleEmulator } from '../emulators/threescale/index.ts';
import { crdFiles } from '../local/crd-files.ts';
import { graviteeEndpoint } from './gravitee-endpoints.ts';
import { countCalls, type ServicesRequest } from './vendor-calls.ts';

/**
 * The API server and the vendor the sync plane talks to, in a process of their own as they would be in reality
 * (and so on the machine's other core). Prints one JSON line with their addresses, then serves until killed.
 * argv: vendor (`gravitee` | `3scale`), emulator latency in ms, API server watch history.
 */
const vendor = process.argv[2] ?? 'gravitee';
const latencyMs = Number(process.argv[3] ?? 20);
const historyLimit = Number(process.argv[4] ?? 20_000);
const kube = await startKubeApiServer({ crdFiles: crdFiles(), historyLimit });

let address: Record<string, string>;
let calls: { method: string; path: string; status: number }[] = [];
let violations: unknown[] = [];
let close: () => Promise<void>;
if (vendor === '3scale') {
  const token = 'bench-admin-token';
  const tsc = await startThreescaleEmulator({ tenants: [{ name: 'bench', adminToken: token }], latencyMs });
  address = { adminURL: tsc.adminUrl('bench'), token };
  calls = tsc.calls;
  violations = tsc.violations;
  close = () => tsc.close();
} else {
  const apim = await startGraviteeEmulator({ organizations: { acme: ['dev'] }, users: [{ username: 'admin', password: 'admin' }], latencyMs });
  address = { apimUrl: apim.url };
  calls = apim.calls;
  violations = apim.violations;
  close = () => apim.close();
}

// The bench reads the vendor calls counted here (the vendor's own view) and clears them between phases.
process.on('message', (req: ServicesRequest) => {
  if (req === 'calls') process.send?.({ ...countCalls(calls, vendor === '3scale' ? undefined : graviteeEndpoint), violations: violations.length });
  if (req === 'reset') calls.length = 0;
});
process.stdout.write(`${JSON.stringify({ kubeconfig: kube.kubeconfigYaml(), ...address })}\n`);
process.on('SIGTERM', async () => {
  await close();
  await kube.close();
  process.exit(0);
});
