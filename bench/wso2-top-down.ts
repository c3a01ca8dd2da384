import { applyManifests } from '../local/apply.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';
import { CP_ANNOTATIONS } from '../vendors/wso2/control-plane/metadata.ts';
import { WSO2_API_VERSION } from '../vendors/wso2/resource-types.ts';
import { AcceptedTracker } from './accepted-tracker.ts';
import { isKubeWrite, kubeCalls, waitDrained } from './plane.ts';
import { progressDone, round } from './stats.ts';
import { countCalls } from './vendor-calls.ts';
import { resetAll, restApisPath, throttledProgress, until, wso2Endpoint, type Wso2Context } from './wso2-context.ts';
import { connectedGateway, namespace, SYNC_BATCH_SIZE } from './wso2-objects.ts';
import type { AckSummary, Call, ControlPlaneChange, Wso2Expectation } from './wso2-services.ts';

const NS = 'bench-wso2-cp';
const GATEWAY = 'cp-gateway';

/** The control plane's calls by endpoint, and the gateway's. */
interface TopDownCalls {
  fetchBatch: number;
  listDeployments: number;
  /** `GET /apis/{id}`: one artifact fetched alone (an event), none expected in a full diff. */
  fetchOne: number;
  controlPlaneByEndpoint: Record<string, number>;
  gatewayCalls: number;
  gatewayWrites: number;
  /** The sync function's Kubernetes calls, in all. */
  kubeCalls: number;
  kubeWrites: number;
  /** Syncs of the APIGateway (each probes the control plane and the gateway), its control plane's events aside. */
  apiGatewaySyncs: number;
}

export interface Wso2InitialSyncResult {
  deployments: number;
  syncBatchSize: number;
  connectedSeconds: number;
  allOnGatewaySeconds: number;
  allProgrammedSeconds: number;
  allAckedSeconds: number;
  calls: TopDownCalls;
  acks: AckSummary;
}

export interface Wso2ReconnectResult {
  changes: { deployed: number; redeployed: number; undeployed: number; deleted: number };
  /** How long the control plane was down, changes made and the watcher's reconnects refused meanwhile. */
  outageSeconds: number;
  refusedReconnects: number;
  /** From the control plane answering again: the watcher connected, then every change reflected. */
  reconnectedSeconds: number;
  convergedSeconds: number;
  reflected: number;
  calls: TopDownCalls;
  acks: AckSummary;
}

export interface Wso2TopDownResult {
  initial: Wso2InitialSyncResult;
  reconnect: Wso2ReconnectResult;
}

const endpoints = (calls: Call[]) => Object.fromEntries(Object.entries(countCalls(calls, wso2Endpoint).byEndpoint).sort(([a], [b]) => a.localeCompare(b)));

async function topDownCalls(ctx: Wso2Context): Promise<TopDownCalls> {
  await waitDrained(ctx.plane, 300);
  const cp = await ctx.services.calls('platform');
  const gw = await ctx.services.calls('topDown');
  return {
    fetchBatch: cp.filter((c) => c.method === 'POST' && c.path.endsWith('/deployments/fetch-batch')).length,
    listDeployments: cp.filter((c) => c.method === 'GET' && c.path.endsWith('/deployments')).length,
    fetchOne: cp.filter((c) => c.method === 'GET' && /\/apis\/[^/]+$/.test(c.path)).length,
    controlPlaneByEndpoint: endpoints(cp),
    gatewayCalls: gw.length,
    gatewayWrites: gw.filter((c) => c.method !== 'GET').length,
    kubeCalls: await kubeCalls(ctx.plane),
    kubeWrites: await kubeCalls(ctx.plane, isKubeWrite),
    apiGatewaySyncs: ctx.syncs.of('APIGateway'),
  };
}

/** Zero the acks seen so far: the control plane's log is kept whole, so a phase reads what was added since. */
const acksSince = (now: AckSummary, before: AckSummary): AckSummary =>
  Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - before[k as keyof AckSummary]])) as unknown as AckSummary;

/**
 * Top-down at scale, on the Platform API (where the gateway's own client runs a full diff with fetch-batch):
 * 1. A control plane with N deployments for a gateway that has never connected; the APIGateway is applied and the
 *    watcher connects on its behalf; the function's full diff fetches them in chunks of sync_batch_size; each
 *    resource syncs to the gateway and is acked.
 * 2. The control plane goes down, M changes are made there (new deployments, redeployments with a new spec,
 *    undeployments, deletions: their events are lost), it comes back, and the reconnect's full diff converges.
 */
export async function benchWso2TopDown(ctx: Wso2Context, opts: { deployments: number; changes: number }): Promise<Wso2TopDownResult> {
  const { services } = ctx;
  await applyManifests(ctx.kc, [namespace(NS)]);
  const n = opts.deployments;
  const deployed = await services.deploy('initial', 'cp-', n);
  progressDone(`WSO2 control plane: ${n} deployments waiting for a gateway that has not connected yet`);
  await resetAll(ctx);
  const acks0 = await services.acks();
  const tracker = new AcceptedTracker();
  await tracker.start(ctx.kc, restApisPath(NS), 'Programmed');
  try {
    const names = deployed.map((_, i) => `cp-${i}`);
    const start = performance.now();
    await applyManifests(ctx.kc, connectedGateway(GATEWAY, NS, services.gateways.topDown, services.platform));
    const connectedAt = await until('the watcher connected', async () => (await services.connections()) > 0);
    const show = throttledProgress();
    const poll = async () => {
      const last = await services.progress('initial', 'cp-');
      show(`WSO2 initial sync: ${tracker.acceptedAt.size} Programmed, ${last.onGateway} on the gateway, ${last.acked} acked of ${n}`);
      return last;
    };
    const onGatewayAt = await until('all on the gateway', async () => (await poll()).onGateway === n);
    const ackedAt = await until('all acked', async () => (await poll()).acked === n);
    if (!(await tracker.waitFor(names, 120_000))) throw new Error('not every control-plane RestApi reached Programmed');
    const programmedAt = Math.max(...names.map((x) => tracker.acceptedAt.get(x) ?? 0));
    progressDone(`WSO2 initial sync: ${n} deployments on the gateway in ${round((onGatewayAt - start) / 1000, 2)} s, all acked in ${round((ackedAt - start) / 1000, 2)} s`);
    const initial: Wso2InitialSyncResult = {
      deployments: n,
      syncBatchSize: SYNC_BATCH_SIZE,
      connectedSeconds: round((connectedAt - start) / 1000, 2),
      allOnGatewaySeconds: round((onGatewayAt - start) / 1000, 2),
      allProgrammedSeconds: round((programmedAt - start) / 1000, 2),
      allAckedSeconds: round((ackedAt - start) / 1000, 2),
      calls: await topDownCalls(ctx),
      acks: acksSince(await services.acks(), acks0),
    };
    const reconnect = await changesWhileDown(ctx, deployed, opts.changes);
    return { initial, reconnect };
  } finally {
    tracker.stop();
  }
}

/**
 * The changes, in four equal parts (the remainder to new deployments): new deployments, redeployments of existing
 * artifacts with a second operation, undeployments, deletions, each on distinct artifacts.
 */
function changePlan(deployed: { artifactId: string }[], m: number): { changes: ControlPlaneChange[]; counts: Wso2ReconnectResult['changes'] } {
  const quarter = Math.floor(m / 4);
  const counts = { deployed: m - 3 * quarter, redeployed: quarter, undeployed: quarter, deleted: quarter };
  if (3 * quarter > deployed.length) throw new Error(`${m} changes need ${3 * quarter} deployments to change`);
  const changes: ControlPlaneChange[] = [];
  for (let i = 0; i < counts.deployed; i++) changes.push({ op: 'deploy', name: `cp-new-${i}` });
  for (let i = 0; i < quarter; i++) {
    changes.push({ op: 'deploy', name: `cp-${i}`, artifactId: deployed[i].artifactId, operations: [{ method: 'GET', path: '/items' }, { method: 'POST', path: '/items' }] });
    changes.push({ op: 'undeploy', artifactId: deployed[quarter + i].artifactId });
    changes.push({ op: 'delete', artifactId: deployed[2 * quarter + i].artifactId });
  }
  return { changes, counts };
}

async function changesWhileDown(ctx: Wso2Context, deployed: { artifactId: string }[], m: number): Promise<Wso2ReconnectResult> {
  const { services } = ctx;
  await resetAll(ctx);
  const acks0 = await services.acks();
  const { changes, counts } = changePlan(deployed, m);
  const downAt = performance.now();
  await services.setDown(true);
  await until('the connection lost', async () => (await services.connections()) === 0);
  const results = await services.changes(changes);
  // Down until the watcher has tried to reconnect and been refused: it is then in its backoff, as after a real outage.
  const refused = async () => (await services.calls('platform')).filter((c) => c.path.endsWith('/ws/gateways/connect') && c.status === 503).length;
  await until('a reconnect refused', async () => (await refused()) > 0, 60_000);
  const refusedReconnects = await refused();
  const upAt = performance.now();
  await services.setDown(false);
  progressDone(`WSO2 control plane down ${round((upAt - downAt) / 1000, 2)} s with ${m} changes made; back up`);

  const expected: Wso2Expectation[] = changes.map((c, i) => {
    const r = results[i];
    if (c.op === 'deploy') return { name: c.name, state: 'deployed', deploymentId: r!.deploymentId, operations: c.operations?.length ?? 1 };
    const name = `cp-${deployed.findIndex((d) => d.artifactId === c.artifactId)}`;
    return c.op === 'undeploy' ? { name, state: 'undeployed', deploymentId: r!.deploymentId } : { name, state: 'deleted' };
  });
  const reconnectedAt = await until('reconnected', async () => (await services.connections()) > 0, 600_000);
  let reflected = 0;
  const show = throttledProgress();
  const convergedAt = await until(
    'converged',
    async () => {
      const unmet = await services.unmet(expected);
      show(`WSO2 after the reconnect: ${expected.length - unmet}/${expected.length} changes on the gateway and acked`);
      if (unmet > 0) return false;
      reflected = await reflectedInCluster(ctx, expected);
      return reflected === expected.length;
    },
    300_000,
  );
  progressDone(`WSO2 after the reconnect: all ${expected.length} changes reflected in ${round((convergedAt - upAt) / 1000, 2)} s`);
  return {
    changes: counts,
    outageSeconds: round((upAt - downAt) / 1000, 2),
    refusedReconnects,
    reconnectedSeconds: round((reconnectedAt - upAt) / 1000, 2),
    convergedSeconds: round((convergedAt - upAt) / 1000, 2),
    reflected,
    calls: await topDownCalls(ctx),
    acks: acksSince(await services.acks(), acks0),
  };
}

/** How many expectations the cluster shows: the resource gone, or carrying the deployment and state expected. */
async function reflectedInCluster(ctx: Wso2Context, expected: Wso2Expectation[]): Promise<number> {
  const items = (await ctx.objects.list(WSO2_API_VERSION, 'RestApi', NS)).items as KubeObject[];
  const byName = new Map(items.map((o) => [o.metadata.name, o]));
  return expected.filter((e) => {
    const o = byName.get(e.name);
    if (e.state === 'deleted') return !o;
    const a = o?.metadata.annotations ?? {};
    const undeployed = a[CP_ANNOTATIONS.deploymentState] === 'undeployed';
    return a[CP_ANNOTATIONS.deploymentId] === e.deploymentId && undeployed === (e.state === 'undeployed');
  }).length;
}
