import { applyManifests } from '../local/apply.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';
import { WSO2_API_VERSION } from '../vendors/wso2/resource-types.ts';
import { AcceptedTracker } from './accepted-tracker.ts';
import { createAll, waitAll } from './burst.ts';
import { enqueueResync, waitDrained, type CallsPerObject } from './plane.ts';
import { percentiles, progress, progressDone, round, type Percentiles } from './stats.ts';
import { callsPerObject, resetAll, restApisPath, waitForCondition, type Wso2Context } from './wso2-context.ts';
import { apiGateway, namespace, restApi } from './wso2-objects.ts';

const NS = 'bench-wso2';
const GATEWAY = 'apply-gateway';

export interface Wso2ApplyResult {
  restApis: number;
  single: Percentiles & { samples: number };
  burst: Percentiles & { allProgrammedSeconds: number; throughputPerSecond: number; calls: CallsPerObject };
  resync: { objects: number; seconds: number; calls: CallsPerObject };
}

/**
 * RestApis applied → Programmed on a gateway of their own (no control plane): singles one at a time, then N at once,
 * then a resync of every one with nothing changed. Gateway calls as the gateway controller emulator counted them.
 */
export async function benchWso2Apply(ctx: Wso2Context, opts: { restApis: number; singles: number }): Promise<Wso2ApplyResult> {
  await applyManifests(ctx.kc, [namespace(NS), apiGateway(GATEWAY, NS, ctx.services.gateways.apply)]);
  await waitForCondition(ctx, `/apis/gateway.api-platform.wso2.com/v1/namespaces/${NS}/apigateways`, GATEWAY, 'Ready');
  const tracker = new AcceptedTracker();
  await tracker.start(ctx.kc, restApisPath(NS), 'Programmed');
  try {
    // One at a time: what a person running `kubectl apply` then `kubectl wait --for=condition=Programmed` sees.
    const singles: number[] = [];
    for (let i = 0; i < opts.singles; i++) {
      const name = `single-${i}`;
      await ctx.objects.create(restApi(name, NS));
      const t0 = performance.now();
      if (!(await tracker.waitFor([name], 30_000))) throw new Error(`RestApi ${name} was not Programmed`);
      singles.push((tracker.acceptedAt.get(name) ?? 0) - t0);
      progress(`WSO2 single RestApis: ${i + 1}/${opts.singles}`);
    }
    progressDone(`WSO2 single RestApis: ${opts.singles} Programmed`);

    await resetAll(ctx);
    const manifests = Array.from({ length: opts.restApis }, (_, i) => restApi(`api-${i}`, NS));
    const names = manifests.map((m) => m.metadata.name);
    const start = performance.now();
    const appliedAt = await createAll(ctx.objects, manifests, 'RestApis');
    const end = await waitAll(tracker, names, 'RestApis Programmed');
    const seconds = (end - start) / 1000;
    const burst = {
      ...percentiles(names.map((n) => (tracker.acceptedAt.get(n) ?? 0) - (appliedAt.get(n) ?? 0))),
      allProgrammedSeconds: round(seconds, 2),
      throughputPerSecond: round(opts.restApis / seconds),
      calls: await callsPerObject(ctx, 'apply', opts.restApis),
    };

    // Steady state: every RestApi re-enqueued with nothing changed, as the watcher's periodic resync sends them.
    await resetAll(ctx);
    const all = (await ctx.objects.list(WSO2_API_VERSION, 'RestApi', NS)).items as KubeObject[];
    const t1 = performance.now();
    await enqueueResync(ctx.plane, all);
    await waitDrained(ctx.plane, 300, `RestApi resync of ${all.length}`);
    const resyncSeconds = (performance.now() - t1) / 1000;
    progressDone(`RestApi resync of ${all.length} drained in ${round(resyncSeconds, 2)} s`);
    return {
      restApis: opts.restApis,
      single: { ...percentiles(singles), samples: singles.length },
      burst,
      resync: { objects: all.length, seconds: round(resyncSeconds, 2), calls: await callsPerObject(ctx, 'apply', all.length) },
    };
  } finally {
    tracker.stop();
  }
}
