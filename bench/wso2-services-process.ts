import { forwardingFallback, startWso2Apim } from '../emulators/wso2/apim/index.ts';
import { startControlPlaneEmulator, type DeployResult } from '../emulators/wso2/control-plane/index.ts';
import { startWso2GatewayController, type Wso2GatewayController } from '../emulators/wso2/gateway-controller/index.ts';
import { startKubeApiServer } from '../emulators/kube-api-server/index.ts';
import { crdFiles } from '../local/crd-files.ts';
import { ENVIRONMENT, restArtifact } from './wso2-objects.ts';
import type { ControlPlaneChange, Wso2Emulator, Wso2Expectation, Wso2Request, Wso2ServicesReady } from './wso2-services.ts';

/**
 * The API server and WSO2 as the sync plane meets it, in a process of their own as they would be in reality (and so
 * on the machine's other core): three gateway controllers (one per gateway of the scenario), the Platform API control
 * plane, and APIM 4.7 serving its own control plane and the Publisher on one host. Every emulator adds the same
 * latency to its answers. Sends its addresses once ready, then answers the bench's requests (bench/wso2-services.ts)
 * over IPC: call counts, the control plane's test hooks, and what the gateways and the control plane hold.
 * argv: emulator latency in ms, API server watch history.
 */
const latencyMs = Number(process.argv[2] ?? 20);
const historyLimit = Number(process.argv[3] ?? 50_000);

const kube = await startKubeApiServer({ crdFiles: crdFiles(), historyLimit });
const gateways = {
  apply: await startWso2GatewayController({ latencyMs }),
  topDown: await startWso2GatewayController({ latencyMs }),
  bottomUp: await startWso2GatewayController({ latencyMs }),
};
const platform = await startControlPlaneEmulator({ flavour: 'platform', latencyMs });
const apimCp = await startControlPlaneEmulator({ flavour: 'apim', latencyMs });
// As APIM 4.7: what the gateway's environment runs is announced to the gateway, bottom-up imports too (echoes).
const apim = await startWso2Apim({ latencyMs, environments: [{ name: ENVIRONMENT }], fallback: forwardingFallback(apimCp.url, apimCp.caPem), controlPlane: apimCp });
const platformGateway = platform.registerGateway('bench-top-down');
const apimGateway = apimCp.registerGateway(ENVIRONMENT);
const client = apim.registerClient({ clientName: 'gateway-controller', owner: 'admin', grantTypes: ['client_credentials', 'password', 'refresh_token'], saasApp: true });

const callLogs: Record<Wso2Emulator, { method: string; path: string; status: number }[]> = {
  apply: gateways.apply.calls,
  topDown: gateways.topDown.calls,
  bottomUp: gateways.bottomUp.calls,
  platform: platform.calls,
  apim: apim.calls,
};
const violations = (): Record<Wso2Emulator, number> => ({
  apply: gateways.apply.violations().length,
  topDown: gateways.topDown.violations().length,
  bottomUp: gateways.bottomUp.violations().length,
  platform: platform.violations().length,
  // APIM's own contract, and the control plane's behind it.
  apim: apim.violations().length + apimCp.violations().length,
});

/** The top-down scenario's deployments, by the bench's label, so that it polls counts instead of moving ids back and forth. */
const batches = new Map<string, DeployResult[]>();

function change(c: ControlPlaneChange): DeployResult | undefined {
  switch (c.op) {
    case 'deploy':
      return platform.deploy(platformGateway.id, restArtifact(c.name, c.operations), c.artifactId ? { artifactId: c.artifactId } : {});
    case 'undeploy':
      return platform.undeploy(platformGateway.id, c.artifactId);
    case 'delete':
      platform.delete(c.artifactId);
      return undefined;
  }
}

/** Whether the gateway runs what the expectations say: each change reflected on the gateway and acked where acks exist. */
function unmet(gateway: Wso2GatewayController, expected: Wso2Expectation[]): number {
  let missing = 0;
  for (const e of expected) {
    const onGateway = gateway.state.get('RestApi', e.name);
    const status = e.deploymentId ? platform.deploymentStatus(e.deploymentId)?.status : undefined;
    const ok =
      e.state === 'deleted'
        ? !onGateway
        : onGateway?.desiredState === e.state &&
          (e.operations === undefined || (onGateway.resource.spec.operations as unknown[] | undefined)?.length === e.operations) &&
          status === (e.state === 'deployed' ? 'DEPLOYED' : 'UNDEPLOYED');
    if (!ok) missing++;
  }
  return missing;
}

function answer(req: Wso2Request): unknown {
  switch (req.op) {
    case 'calls':
      return callLogs[req.emulator].map(({ method, path, status }) => ({ method, path, status }));
    case 'reset':
      for (const log of Object.values(callLogs)) log.length = 0;
      return null;
    case 'violations':
      return violations();
    case 'deploy': {
      const results = Array.from({ length: req.count }, (_, i) => change({ op: 'deploy', name: `${req.prefix}${i}` })!);
      batches.set(req.label, results);
      return results;
    }
    case 'changes':
      return req.changes.map((c) => change(c) ?? null);
    case 'setDown':
      platform.setDown(req.down);
      return null;
    case 'connections':
      return platform.connections(platformGateway.id).length;
    case 'progress': {
      const results = batches.get(req.label) ?? [];
      const onGateway = new Set(gateways.topDown.state.list('RestApi').filter((a) => a.desiredState === 'deployed').map((a) => a.handle));
      const names = new Set(results.map((_, i) => `${req.prefix}${i}`));
      return {
        onGateway: [...names].filter((n) => onGateway.has(n)).length,
        acked: results.filter((r) => platform.deploymentStatus(r.deploymentId)?.status === 'DEPLOYED').length,
      };
    }
    case 'unmet':
      return unmet(gateways.topDown, req.expected);
    case 'acks': {
      const acks = (req.of === 'apim' ? apimCp : platform).acks();
      const count = (f: (a: (typeof acks)[number]) => boolean) => acks.filter(f).length;
      const payload = (a: (typeof acks)[number]) => (a.payload ?? {}) as { action?: string; status?: string };
      return {
        total: acks.length,
        applied: count((a) => a.outcome === 'applied'),
        discarded: count((a) => a.outcome === 'discarded'),
        invalid: count((a) => a.outcome === 'invalid'),
        deploySuccess: count((a) => payload(a).action === 'deploy' && payload(a).status === 'success'),
        undeploySuccess: count((a) => payload(a).action === 'undeploy' && payload(a).status === 'success'),
        failed: count((a) => payload(a).status === 'failed'),
      };
    }
    case 'apimApis':
      return apim.apis().filter((a) => a.name.startsWith(req.prefix)).map((a) => ({ name: a.name, deployments: a.deployments.map((d) => d.environment) }));
  }
}

process.on('message', (msg: { id: number; req: Wso2Request }) => {
  try {
    process.send?.({ id: msg.id, value: answer(msg.req) });
  } catch (err) {
    process.send?.({ id: msg.id, error: (err as Error).message });
  }
});

const ready: Wso2ServicesReady = {
  kubeconfig: kube.kubeconfigYaml(),
  gateways: { apply: gateways.apply.url, topDown: gateways.topDown.url, bottomUp: gateways.bottomUp.url },
  platform: { host: platform.host, caPem: platform.caPem, token: platformGateway.token },
  apim: { host: new URL(apim.url).host, caPem: apim.caPem, token: apimGateway.token, clientId: client.clientId, clientSecret: client.clientSecret },
};
process.send?.({ ready });
// A bench that dies without stopping its services must not leave them running.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', async () => {
  for (const g of Object.values(gateways)) await g.close();
  await apim.close();
  await apimCp.close();
  await platform.close();
  await kube.close();
  process.exit(0);
});
