import { PatchStrategy } from '@kubernetes/client-node';
import { applyManifests, type Manifest } from '../local/apply.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';
import { WSO2_API_VERSION } from '../vendors/wso2/resource-types.ts';
import { AcceptedTracker } from './accepted-tracker.ts';
import { createAll, waitAll } from './burst.ts';
import { enqueueResync, waitDrained, type CallsPerObject } from './plane.ts';
import { progressDone, round } from './stats.ts';
import { callsPerObject, resetAll, restApisPath, until, waitForCondition, type Wso2Context } from './wso2-context.ts';
import { connectedGateway, namespace, restApi, restApiSpec } from './wso2-objects.ts';
import type { Call } from './wso2-services.ts';

const NS = 'bench-wso2-apim';
const GATEWAY = 'apim-gateway';

/** APIM's own calls (token, Publisher, DCR); the control plane's behind the same host are counted apart. */
const isApim = (c: Call) => !c.path.startsWith('/internal/');

export interface BottomUpStep {
  seconds: number;
  /** APIM calls per API (the token endpoint included), by endpoint. */
  apim: CallsPerObject;
  /** Of which token requests, in all (the token is cached in the container across syncs). */
  tokenRequests: number;
  /** Calls to APIM's control plane (discovery) in all, and the gateway controller's calls per API. */
  controlPlaneCalls: number;
  gatewayPerApi: number;
  /**
   * What APIM announced back to the gateway of the imports (echoes: it deploys each revision to the gateway's
   * environment), as its control plane recorded the watcher's acks: applied (success), and repeats it discarded.
   */
  echoAcks: { applied: number; discarded: number };
}

export interface Wso2BottomUpResult {
  apis: number;
  firstSync: BottomUpStep;
  resync: BottomUpStep;
  update: BottomUpStep;
  deletion: BottomUpStep;
}

/**
 * Bottom-up: a gateway whose control plane is APIM 4.7 with the seed's OAuth2 Secret; N RestApis declared in the
 * cluster run on the gateway and are imported into APIM, deployed to the gateway's environment. Four steps, each
 * counted on its own: first sync, a no-op resync, an update of every spec, deletion.
 */
export async function benchWso2BottomUp(ctx: Wso2Context, opts: { apis: number }): Promise<Wso2BottomUpResult> {
  const { services } = ctx;
  await applyManifests(ctx.kc, [namespace(NS), ...connectedGateway(GATEWAY, NS, services.gateways.bottomUp, services.apim, services.apim)]);
  await waitForCondition(ctx, `/apis/gateway.api-platform.wso2.com/v1/namespaces/${NS}/apigateways`, GATEWAY, 'Ready');
  const manifests = Array.from({ length: opts.apis }, (_, i) => restApi(`bu-${i}`, NS));
  const names = manifests.map((m) => m.metadata.name);

  /** `echoes`: the revisions APIM deploys to the gateway's environment in this step, each announced and then acked. */
  const step = async (label: string, echoes: number, run: () => Promise<void>): Promise<BottomUpStep> => {
    await resetAll(ctx);
    const acks0 = await services.acks('apim');
    const t0 = performance.now();
    await run();
    const seconds = (performance.now() - t0) / 1000;
    // An echo is acked once its RestApi runs and the function recorded the announcement, so after Ready.
    await until('the echoes acked', async () => (await services.acks('apim')).applied - acks0.applied >= echoes, 60_000);
    await waitDrained(ctx.plane, 300);
    const acks = await services.acks('apim');
    const calls = await services.calls('apim');
    const result = {
      seconds: round(seconds, 2),
      apim: await callsPerObject(ctx, 'apim', opts.apis, isApim),
      tokenRequests: calls.filter((c) => c.path === '/oauth2/token').length,
      controlPlaneCalls: calls.filter((c) => !isApim(c)).length,
      gatewayPerApi: round((await services.calls('bottomUp')).length / opts.apis, 2),
      echoAcks: { applied: acks.applied - acks0.applied, discarded: acks.discarded - acks0.discarded },
    };
    progressDone(`WSO2 bottom-up ${label}: ${opts.apis} APIs in ${result.seconds} s, ${result.apim.vendor} APIM calls per API`);
    return result;
  };
  // Ready: the gateway runs it and APIM has it deployed to the gateway's environment.
  const readyAll = async (label: string) => {
    const tracker = new AcceptedTracker();
    await tracker.start(ctx.kc, restApisPath(NS), 'Ready');
    try {
      await waitAll(tracker, names, label);
    } finally {
      tracker.stop();
    }
  };

  const firstSync = await step('first sync', opts.apis, async () => {
    await createAll(ctx.objects, manifests, 'RestApis for APIM');
    await readyAll('RestApis Ready (gateway and APIM)');
  });
  const resync = await step('no-op resync', 0, async () => {
    await enqueueResync(ctx.plane, (await ctx.objects.list(WSO2_API_VERSION, 'RestApi', NS)).items as KubeObject[]);
    await waitDrained(ctx.plane, 300);
  });
  const update = await step('update', opts.apis, async () => {
    const ops = [{ method: 'GET', path: '/items' }, { method: 'POST', path: '/items' }];
    for (const m of manifests) {
      const patch = { apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, namespace: NS }, spec: { operations: restApiSpec(m.metadata.name, ops).operations } } as Manifest;
      await ctx.objects.patch(patch, undefined, undefined, 'bench', undefined, PatchStrategy.MergePatch);
    }
    await readyAll('updated RestApis Ready');
  });
  const deletion = await step('deletion', 0, async () => {
    for (const m of manifests) await ctx.objects.delete(m);
    await until('RestApis gone', async () => (await ctx.objects.list(WSO2_API_VERSION, 'RestApi', NS)).items.length === 0);
  });
  const left = await services.apimApis('bu-');
  if (left.length) throw new Error(`${left.length} APIs are still in APIM after their RestApis were deleted`);
  return { apis: opts.apis, firstSync, resync, update, deletion };
}
