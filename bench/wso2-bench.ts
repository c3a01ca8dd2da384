import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { startSyncPlane } from '../local/sync-plane.ts';
import { jsonLogger } from '../shared/log.ts';
import { benchWso2Apply, type Wso2ApplyResult } from './wso2-apply.ts';
import { benchWso2BottomUp, type Wso2BottomUpResult } from './wso2-bottom-up.ts';
import type { Wso2Context } from './wso2-context.ts';
import { startWso2Services, type Wso2Emulator } from './wso2-services.ts';
import { SyncCounts } from './sync-counts.ts';
import { benchWso2TopDown, type Wso2TopDownResult } from './wso2-top-down.ts';

export interface Wso2BenchOptions {
  restApis: number;
  singles: number;
  deployments: number;
  changes: number;
  bottomUpApis: number;
  latencyMs: number;
  concurrency: number;
}

export interface Wso2BenchResult {
  emulatorLatencyMs: number;
  concurrency: number;
  apply: Wso2ApplyResult;
  topDown: Wso2TopDownResult;
  bottomUp: Wso2BottomUpResult;
  /** Requests outside the published contracts, per emulator: should all be 0, else the figures are suspect. */
  contractViolations: Record<Wso2Emulator, number>;
}

/**
 * The WSO2 scenario through the real path: the test API server and the WSO2 emulators (gateway controllers, the
 * Platform API, APIM 4.7 with its control plane) in a child process, each answer delayed by the same latency;
 * fauxqs, the watcher (with its control-plane connections) and the sync function in this one, as `npm start` runs them.
 */
export async function benchWso2(opts: Wso2BenchOptions): Promise<Wso2BenchResult> {
  const services = await startWso2Services(opts.latencyMs);
  const kc = new KubeConfig();
  kc.loadFromString(services.kubeconfig);
  const syncs = new SyncCounts();
  // The queue's visibility timeout as serverless.yml sets it: a full diff of a thousand deployments is one message that
  // runs for many seconds, and the local queue's default (30 s) would hand it out a second time while it runs.
  const plane = await startSyncPlane({
    kubeConfig: kc,
    allowLoopback: true,
    concurrency: opts.concurrency,
    visibilityTimeoutSeconds: 360,
    log: syncs.counting(jsonLogger({ level: 'ERROR' })),
  });
  const ctx: Wso2Context = { services, kc, plane, syncs, objects: KubernetesObjectApi.makeApiClient(kc) };
  try {
    const apply = await benchWso2Apply(ctx, { restApis: opts.restApis, singles: opts.singles });
    const topDown = await benchWso2TopDown(ctx, { deployments: opts.deployments, changes: opts.changes });
    const bottomUp = await benchWso2BottomUp(ctx, { apis: opts.bottomUpApis });
    return { emulatorLatencyMs: opts.latencyMs, concurrency: opts.concurrency, apply, topDown, bottomUp, contractViolations: await services.violations() };
  } finally {
    await plane.stop();
    await services.stop();
  }
}
