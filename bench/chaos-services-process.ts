import { startGraviteeEmulator } from '../emulators/gravitee/index.ts';
import { startKubeApiServer } from '../emulators/kube-api-server/index.ts';
import { startThreescaleEmulator } from '../emulators/threescale/index.ts';
import { crdFiles } from '../local/crd-files.ts';
import { duplicatesIn, type Duplicate } from './chaos-duplicates.ts';
import type { VendorFaultRates } from './chaos-faults.ts';

/**
 * What the chaos scenario's sync plane talks to, in a process of its own (the machine's other core): two member
 * clusters (test API servers) and both vendors (Gravitee APIM and 3scale emulators), with their fault hooks.
 * Prints one JSON line with their addresses, then takes requests over IPC (ChaosRequest) until killed.
 * argv: cluster ids (comma separated), emulator latency in ms.
 */
export type ChaosRequest =
  | { type: 'vendor-faults'; rates: VendorFaultRates; seed: number }
  | { type: 'status-conflicts'; chance: number; seed: number }
  | { type: 'faults-off' }
  | { type: 'expire-watches'; cluster: string }
  | { type: 'report' };

export interface ChaosServicesReport {
  duplicates: Duplicate[];
  /** Vendor calls seen, and those answered with an injected fault (status 0: connection cut). */
  vendorCalls: number;
  faultedCalls: Record<string, number>;
  violations: number;
}

export const TENANT = 'chaos';
export const ORG = 'acme';
export const ENV = 'dev';
const ADMIN_TOKEN = 'chaos-admin-token';

const clusterIds = (process.argv[2] ?? 'east,west').split(',');
const latencyMs = Number(process.argv[3] ?? 20);
const kubes = Object.fromEntries(await Promise.all(clusterIds.map(async (id) => [id, await startKubeApiServer({ crdFiles: crdFiles(), historyLimit: 50_000 })] as const)));
const apim = await startGraviteeEmulator({ organizations: { [ORG]: [ENV] }, users: [{ username: 'admin', password: 'admin' }], latencyMs, maxCalls: 2_000_000 });
const threescale = await startThreescaleEmulator({ tenants: [{ name: TENANT, adminToken: ADMIN_TOKEN }], latencyMs, maxCalls: 2_000_000 });

// Faults each vendor answers with, beside the calls that succeeded: by status (0 = connection cut or held past the timeout).
const injected = new Set([0, 429, 500, 502, 503, 504]);
const faulted = () => {
  const out: Record<string, number> = {};
  for (const c of [...apim.calls, ...threescale.calls]) if (injected.has(c.status)) out[c.status] = (out[c.status] ?? 0) + 1;
  return out;
};

process.on('message', (req: ChaosRequest) => {
  if (req.type === 'vendor-faults') {
    for (const [i, rule] of vendorFaultRules(req.rates).entries()) {
      apim.faults.inject({ ...rule, ...(i === 0 ? { seed: req.seed } : {}) });
      threescale.faults.inject({ ...rule, ...(i === 0 ? { seed: req.seed + 1 } : {}) });
    }
  } else if (req.type === 'status-conflicts') {
    for (const [i, kube] of Object.values(kubes).entries()) kube.faults.inject({ method: 'PATCH', path: /\/status(\?|$)/, status: 409, chance: req.chance, seed: req.seed + i });
  } else if (req.type === 'faults-off') {
    apim.faults.clear();
    threescale.faults.clear();
    for (const kube of Object.values(kubes)) kube.faults.clear();
  } else if (req.type === 'expire-watches') {
    // History compacted, then every watch cut: the watcher's resume from its last resourceVersion meets 410 Gone.
    kubes[req.cluster]!.compact();
    kubes[req.cluster]!.dropWatches();
  } else if (req.type === 'report') {
    const report: ChaosServicesReport = {
      duplicates: duplicatesIn(apim.state, threescale.state, { org: ORG, env: ENV, tenant: TENANT }),
      vendorCalls: apim.calls.length + threescale.calls.length,
      faultedCalls: faulted(),
      violations: apim.violations.length + threescale.violations.length,
    };
    process.send?.(report);
  }
});

process.stdout.write(
  `${JSON.stringify({
    kubeconfigs: Object.fromEntries(Object.entries(kubes).map(([id, k]) => [id, k.kubeconfigYaml()])),
    apimUrl: apim.url,
    adminURL: threescale.adminUrl(TENANT),
    token: ADMIN_TOKEN,
  })}\n`,
);
process.on('SIGTERM', async () => {
  await apim.close();
  await threescale.close();
  await Promise.all(Object.values(kubes).map((k) => k.close()));
  process.exit(0);
});

/**
 * The vendor faults at the scenario's rates, as emulator fault rules drawn by chance. Half the 5xx and half the
 * timeouts come after the request was carried out (a lost response: the write is applied, the caller does not know),
 * half before; 429s refuse the request with a Retry-After, as a rate limiter does.
 */
function vendorFaultRules(r: VendorFaultRates) {
  return [
    { status: 503, chance: r.serverError / 2 },
    { status: 502, chance: r.serverError / 2, afterAnswer: true },
    { status: 429, chance: r.throttle, retryAfterSeconds: r.retryAfterSeconds },
    { delayMs: r.holdMs, chance: r.timeout / 2 },
    { delayMs: r.holdMs, chance: r.timeout / 2, afterAnswer: true },
  ];
}
