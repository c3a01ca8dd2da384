import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { KubeConfig } from '@kubernetes/client-node';
import { createHandler } from '../functions/sync/handler.ts';
import type { HandlerDependencies } from '../functions/sync/dependencies.ts';
import { SqsRequeue } from '../functions/sync/requeue.ts';
import { SqsRetryRenewal } from '../functions/sync/renewal.ts';
import { KindCatalog } from '../shared/engine/kind-catalog.ts';
import { retryPolicyFromEnv, type RetryPolicy } from '../shared/engine/retry-policy.ts';
import { StaticClusterRegistry, type ClusterRegistry } from '../shared/kube/cluster-registry.ts';
import { ClusterCircuit } from '../shared/kube/cluster-circuit.ts';
import type { ObjectRef } from '../shared/kube/object-ref.ts';
import { jsonLogger, type Logger } from '../shared/log.ts';
import { VendorHttp } from '../shared/vendor-http/vendor-http.ts';
import { syncKinds } from '../vendors/sync-kinds.ts';
import { startWatcher, type Watcher } from '../watcher/watcher.ts';
import { startEmbeddedQueue, type EmbeddedQueue } from './embedded-queue.ts';
import { LambdaRunner, type RunnerStage, type SqsHandler } from './lambda-runner.ts';
import { usageFile, usageFilePath } from './usage-file.ts';
import { startOwnershipTable, type OwnershipTable } from './ownership-table.ts';
import { sqsWake } from '../functions/sync/wake.ts';

export interface SyncPlaneOptions {
  /** One cluster (id `clusterId`, default "local")… */
  kubeConfig?: KubeConfig;
  clusterId?: string;
  /** …or several: one watcher each, one queue and one sync function for all, as a central plane runs. */
  clusters?: Record<string, KubeConfig>;
  namespaces?: string[];
  /** Namespaces watched in one cluster, by cluster id, instead of `namespaces` (two "clusters" that are one real cluster). */
  clusterNamespaces?: Record<string, string[]>;
  /** The sandbox and tests reach their emulators on loopback; a real deployment refuses it. */
  allowLoopback?: boolean;
  resyncIntervalSeconds?: number;
  /** Concurrent syncs of the changes queue (Lambda's maximumConcurrency of its event source); default 4. */
  concurrency?: number;
  /** Concurrent syncs of the resync queue (resyncMaximumConcurrency); default 1. */
  resyncConcurrency?: number;
  /** Each watcher's resync pace (RESYNC_MAX_PER_SECOND); default: spread over the interval. */
  resyncMaxPerSecond?: number;
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
  retry?: Partial<RetryPolicy>;
  vendorTimeoutMs?: number;
  /** Stand-ins for public hosts (tests, sandbox): `host:port` → `host:port` to connect to, and the CAs they use. */
  vendorConnectTo?: Record<string, string>;
  vendorCa?: string[];
  log?: Logger;
  /** false: no watcher (tests that drive the queue themselves). */
  watch?: boolean;
  /** JSON-lines file of one usage record per sync (default: usageFilePath(), APIM_SYNC_USAGE_FILE); false: none. */
  usageFile?: string | false;
  /** How the sync function reaches each cluster (default: the watchers' kubeconfigs): a registry of its own, as in AWS. */
  registry?: ClusterRegistry;
  /** How long a cluster that did not answer is not tried again (default 10 s). */
  clusterCircuitOpenMs?: number;
  /** A view of the sync function the runner invokes instead (the chaos bench: crashes, redelivery counts); default none. */
  functionView?: (handler: SqsHandler) => SqsHandler;
}

export interface SyncPlane {
  queue: EmbeddedQueue;
  deps: HandlerDependencies;
  /** Who owns which vendor object: the table the function's OWNERSHIP_TABLE names in AWS, here in dynalite. */
  ownership: OwnershipTable;
  /** Reads the changes queue… */
  runner: LambdaRunner;
  /** …and this one the resync queue, with its own concurrency, as the function's two event sources do. */
  resyncRunner: LambdaRunner;
  /** One per cluster; none with `watch: false`. */
  watchers: Watcher[];
  /** Stops the watchers and starts new ones, as a pod restart would (nothing carried over in memory). */
  restartWatcher(between?: () => Promise<void>): Promise<void>;
  /** Messages waiting, in flight or delayed: in both queues, or in one. */
  messagesLeft(queue?: 'changes' | 'resyncs'): Promise<number>;
  /** True once no message is waiting or in flight in either queue. */
  drained(): Promise<boolean>;
  /** True when the object's last sync waits for a reference (another resource, a Secret) rather than failed. */
  waitsForReference(ref: ObjectRef, clusterId?: string): boolean;
  /** Stops the watchers, the runner (after the syncs in flight) and the queue, saying each step to `step`. */
  stop(step?: (what: string) => void): Promise<void>;
}

/** What the runner's failure at each stage means for the messages (Lambda's event source mapping behaves alike). */
const RUNNER_FAILURES: Record<RunnerStage, string> = {
  receive: 'local Lambda runner cannot receive from the queue; polling on',
  invoke: 'the sync function failed a whole batch; its messages come back after the visibility timeout',
  delete: 'local Lambda runner could not delete synced messages; they will be synced again',
};

/** The whole sync plane on one machine: embedded SQS, the watcher, and the very same Lambda handler behind a local runner. */
export async function startSyncPlane(opts: SyncPlaneOptions): Promise<SyncPlane> {
  const clusters = opts.clusters ?? (opts.kubeConfig ? { [opts.clusterId ?? 'local']: opts.kubeConfig } : {});
  if (Object.keys(clusters).length === 0) throw new Error('startSyncPlane needs kubeConfig or clusters');
  const log = opts.log ?? jsonLogger();
  const queue = await startEmbeddedQueue({ maxReceiveCount: opts.maxReceiveCount, visibilityTimeoutSeconds: opts.visibilityTimeoutSeconds });
  const ownership = await startOwnershipTable();
  const waiting = new Set<string>();
  const keyOf = (cluster: string, r: ObjectRef) => [cluster, r.apiVersion, r.kind, r.namespace, r.name].join('/');
  const usage = opts.usageFile === false ? undefined : usageFile(opts.usageFile ?? usageFilePath(), (err) => log.warn('could not write usage records', { error: err.message }));
  // As in Lambda (functions/sync/dependencies.ts): a cluster that does not answer fails its next syncs at once for a while.
  const circuit = new ClusterCircuit(opts.registry ?? new StaticClusterRegistry(clusters), { openMs: opts.clusterCircuitOpenMs });
  // The local queues' URLs are not AWS's form: the runners' records name each queue by ARN.
  const requeue = new SqsRequeue(queue.sqs, { [queue.queueArn]: queue.queueUrl, [queue.resyncQueueArn]: queue.resyncQueueUrl });
  const deps: HandlerDependencies = {
    clusters: circuit,
    onClusterUnavailable: (cluster, reason) => circuit.trip(cluster, reason),
    kinds: new KindCatalog(syncKinds),
    http: new VendorHttp({ policy: { allowLoopback: opts.allowLoopback ?? false, allowLinkLocal: false }, timeoutMs: opts.vendorTimeoutMs, connectTo: opts.vendorConnectTo, ca: opts.vendorCa }),
    log,
    retry: { ...retryPolicyFromEnv(), ...opts.retry },
    requeue,
    renewal: new SqsRetryRenewal(queue.sqs, (r) => requeue.queueUrlOf(r)),
    onOutcome: (msg, failure) => (failure === 'reference' ? waiting.add(keyOf(msg.cluster, msg)) : waiting.delete(keyOf(msg.cluster, msg))),
    usage,
    ownership: ownership.store,
    wake: sqsWake(queue.sqs, queue.queueUrl),
  };
  const handler = (opts.functionView ?? ((h) => h))(createHandler(async () => deps));
  // One runner per queue, as one event source mapping each, with its own concurrency.
  const runnerOf = (queueUrl: string, queueArn: string, concurrency: number, queueName?: string) => {
    const r = new LambdaRunner({ sqs: queue.sqs, queueUrl, queueArn, handler, concurrency, onError: (err, stage) => log.warn(RUNNER_FAILURES[stage], { error: (err as Error).message, ...(queueName ? { queue: queueName } : {}) }) });
    r.start();
    return r;
  };
  const runner = runnerOf(queue.queueUrl, queue.queueArn, opts.concurrency ?? 4);
  const resyncRunner = runnerOf(queue.resyncQueueUrl, queue.resyncQueueArn, opts.resyncConcurrency ?? 1, 'resyncs');
  const newWatcher = async ([clusterId, kubeConfig]: [string, KubeConfig]) => {
    const w = await startWatcher({
      clusterId,
      kubeConfig,
      queueUrl: queue.queueUrl,
      resyncQueueUrl: queue.resyncQueueUrl,
      resyncMaxPerSecond: opts.resyncMaxPerSecond,
      sqs: queue.sqs,
      namespaces: opts.clusterNamespaces?.[clusterId] ?? opts.namespaces,
      resyncIntervalSeconds: opts.resyncIntervalSeconds ?? 0,
      httpAddr: false,
      log: (entry: object) => log.info('watcher', entry),
    });
    await w.ready;
    return w;
  };
  const plane: SyncPlane = {
    queue,
    deps,
    runner,
    resyncRunner,
    ownership,
    watchers: opts.watch === false ? [] : await Promise.all(Object.entries(clusters).map(newWatcher)),
    async restartWatcher(between) {
      await Promise.all(plane.watchers.map((w) => w.stop()));
      await between?.();
      plane.watchers = await Promise.all(Object.entries(clusters).map(newWatcher));
    },
    async messagesLeft(which) {
      const left = async (QueueUrl: string) => {
        const { Attributes: a = {} } = await queue.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
        );
        return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
      };
      const urls = which === 'changes' ? [queue.queueUrl] : which === 'resyncs' ? [queue.resyncQueueUrl] : [queue.queueUrl, queue.resyncQueueUrl];
      return (await Promise.all(urls.map(left))).reduce((a, b) => a + b, 0);
    },
    async drained() {
      return (await plane.messagesLeft()) === 0;
    },
    waitsForReference(ref, clusterId = Object.keys(clusters)[0]) {
      return waiting.has(keyOf(clusterId, ref));
    },
    async stop(step = () => {}) {
      if (plane.watchers.length) step(`stopping the watcher${plane.watchers.length > 1 ? 's' : ''}`);
      await Promise.all(plane.watchers.map((w) => w.stop()));
      step('stopping the local Lambda runner (the syncs in flight finish)');
      await Promise.all([runner.stop(), resyncRunner.stop()]);
      await usage?.flushed();
      await deps.http.close();
      step('closing the queue');
      await ownership.close();
      await queue.close();
    },
  };
  return plane;
}
