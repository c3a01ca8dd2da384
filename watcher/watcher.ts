import type { SQSClient } from '@aws-sdk/client-sqs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { WatchedKind } from '../shared/engine/kind.ts';
import { CONFIG_MAP, SECRET } from '../shared/kube/object-ref.ts';
import { resourceType } from '../shared/kube/resources.ts';
import { watchedKinds } from '../vendors/watched-kinds.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { ChangeTracker } from './change-tracker.ts';
import { ControlPlaneHook, type ControlPlaneOptions } from './control-plane/hook.ts';
import { DataFetcher } from './data-fetcher.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';
import { resolveConnection, type KubeEndpoint } from '../shared/kube/connection.ts';
import { KubeHttp } from '../shared/kube/kube-http.ts';
import { createLog, errorFields, levelFilter, stdoutSink, type LogLevel } from './log.ts';
import { WatcherMetrics, type MetricsSnapshot } from './metrics.ts';
import type { TrackedType } from './object-state.ts';
import { QueueSender, type QueueTransport } from './queue-sender.ts';
import { ResourceWatch, type WatchSink } from './resource-watch.ts';
import { ResyncPacer } from './resync-pacer.ts';

export interface WatcherOptions {
  clusterId: string;
  /** A client-node KubeConfig (its current context), or a plain endpoint. */
  kubeConfig: KubeConfig | KubeEndpoint;
  /** The changes queue: every message but the resyncs of objects in step. */
  queueUrl: string;
  /** The resync queue: periodic resyncs of objects in step (Ready at their generation). Unset: they go to queueUrl. */
  resyncQueueUrl?: string;
  /** The queue through the AWS SDK (tests, the local runner). Either this or `transport`. */
  sqs?: SQSClient;
  /** Namespaces to watch; undefined or empty = all. */
  namespaces?: string[];
  /** Full re-enqueue period; default 600, 0 disables. */
  resyncIntervalSeconds?: number;
  /** A resync releases at most this many objects a second; default: its objects spread over the interval (see resync-pacer.ts). */
  resyncMaxPerSecond?: number;
  /** /healthz, /readyz, /metrics; default 0.0.0.0:8080, false = no server. */
  httpAddr?: { host: string; port: number } | false;
  /** Synced kinds; default: vendors/watched-kinds.ts. */
  kinds?: WatchedKind[];
  /** Receives one structured entry per log line; default: JSON lines on stdout. */
  log?: (entry: object) => void;
  /** Entries below this level are dropped; default info (debug adds one entry per forwarded change). */
  logLevel?: LogLevel;
  /** Items per list page; default 500. */
  listPageSize?: number;
  /** Server-side watch timeout (each watch picks between this and twice this); default 300. */
  watchTimeoutSeconds?: number;
  /** The queue without the SDK (sqs-http-transport.ts, what the container uses), or a fake in tests. */
  transport?: QueueTransport;
  /** The resync queue the same way (with `transport`); unset: resyncs go to `transport`. */
  resyncTransport?: QueueTransport;
  /** WSO2 control-plane connections: the protocol's timings and the gateways' intervals, replaced (tests). */
  controlPlane?: ControlPlaneOptions;
}

export interface Watcher {
  /** Resolves when the initial lists are done and the queue answered once; rejects if stopped before. */
  ready: Promise<void>;
  /** Ready now: initial lists done and the last queue call succeeded (what /readyz answers). */
  isReady(): boolean;
  metrics(): MetricsSnapshot;
  /** The Prometheus text /metrics serves. */
  metricsText(): string;
  /** Where /healthz, /readyz and /metrics listen, if they do. */
  httpAddress: { host: string; port: number } | undefined;
  /** Starts a resync now (as the timer does), paced as configured; returns the number of objects it will release. */
  resync(): number;
  /** Stops watching, sends what is pending (for a few seconds at most), closes the HTTP server. */
  stop(): Promise<void>;
}

const DATA_TYPES: TrackedType[] = [SECRET, CONFIG_MAP].map((t) => ({ ...resourceType(t.apiVersion, t.kind), role: 'data' as const }));

/** Starts list+watch of every synced kind (and of the Secrets/ConfigMaps they reference) and forwarding to the queue. */
export async function startWatcher(opts: WatcherOptions): Promise<Watcher> {
  const log = createLog(levelFilter(opts.log ?? stdoutSink, opts.logLevel ?? 'info'), { component: 'watcher', cluster: opts.clusterId });
  const kinds = opts.kinds ?? watchedKinds;
  const namespaces = opts.namespaces?.length ? [...new Set(opts.namespaces)] : undefined;
  const resyncMs = (opts.resyncIntervalSeconds ?? 600) * 1000;
  const abort = new AbortController();
  const metrics = new WatcherMetrics();

  const conn = await resolveConnection(opts.kubeConfig);
  const http = new KubeHttp(conn, 60_000, 'apim-sync-watcher');
  const sender = new QueueSender({ ...(await transportsOf(opts)), clusterId: opts.clusterId, metrics, log });

  const syncedTypes: TrackedType[] = kinds.map((k) => ({ apiVersion: k.apiVersion, kind: k.kind, plural: k.plural, role: 'synced' }));
  const referencesOf = new Map(kinds.map((k, i) => [syncedTypes[i], k.references] as const));
  const aliasesOf = new Map(kinds.map((k, i) => [syncedTypes[i], k.aliases] as const));
  const ownersWaitFor = new Map(kinds.map((k) => [`${k.apiVersion}/${k.kind}`, k.waitsForOwned] as const));
  const tracker: ChangeTracker = new ChangeTracker({
    forward: (st, reason, cause) => sender.enqueue(st, reason, cause),
    fetch: (type, ns, name) => fetcher.request(type, ns, name),
    references: (type, obj) => {
      try {
        return referencesOf.get(type)?.(obj) ?? [];
      } catch (err) {
        log.warn('could not read the references of an object', { kind: type.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, ...errorFields(err) });
        return [];
      }
    },
    aliases: (type, obj) => {
      try {
        return aliasesOf.get(type)?.(obj) ?? [];
      } catch {
        return [];
      }
    },
    waitsForOwned: (apiVersion, kind) => ownersWaitFor.get(`${apiVersion}/${kind}`),
    dataTypes: DATA_TYPES,
    watchesNamespace: (ns) => !namespaces || namespaces.includes(ns),
    metrics,
    log,
  });
  const fetcher = new DataFetcher(http, tracker, abort.signal);
  // WSO2 control-plane connections, loaded only when an APIGateway names a control plane; it sees what the tracker saw.
  const controlPlanes = new ControlPlaneHook({
    http,
    stateOf: (key) => tracker.objects.get(key),
    enqueue: (st, reason, cause, event) => sender.enqueue(st, reason, cause, event),
    metrics,
    log,
    options: opts.controlPlane,
  });

  const sink: WatchSink = {
    listItem: (type, obj, epoch, initial) => {
      tracker.listItem(type, obj, epoch, initial);
      controlPlanes.observe(type, obj, 'ADDED');
    },
    listDone: (type, ns, epoch) => {
      tracker.listDone(type, ns, epoch);
      controlPlanes.listDone(type);
    },
    event: (type, eventType, obj) => {
      tracker.event(type, eventType, obj);
      controlPlanes.observe(type, obj, eventType);
    },
    restarted: (type, cause) => metrics.watchRestarts.inc({ kind: type.kind, cause }),
  };
  const watchesOf = (types: TrackedType[]) =>
    types.flatMap((type) =>
      (namespaces ?? [undefined]).map(
        (namespace) =>
          new ResourceWatch({
            http,
            type,
            namespace,
            sink,
            log,
            pageSize: opts.listPageSize ?? 500,
            watchTimeoutSeconds: opts.watchTimeoutSeconds ?? 300,
            // Of a Secret or ConfigMap the watcher keeps its version: its data never needs to reach it.
            metadataOnly: type.role === 'data',
          }),
      ),
    );
  const syncedWatches = watchesOf(syncedTypes);
  const dataWatches = watchesOf(DATA_TYPES);
  const watches = [...syncedWatches, ...dataWatches];

  // A resync is paced: at most resyncMaxPerSecond objects a second (default: spread over the interval), so this
  // cluster's share of the resync queue is bounded here; changes are never paced.
  const pacer = new ResyncPacer({
    objects: () => tracker.objects.values(),
    count: () => tracker.objects.size,
    release: (st, epoch) => tracker.resyncObject(st, epoch),
    intervalSeconds: resyncMs / 1000,
    maxPerSecond: opts.resyncMaxPerSecond,
    done: (epoch, released, complete) => log.info(complete ? 'resync released' : 'resync replaced by a newer one before it was released', { epoch, objects: released }),
  });
  let listsDone = false;
  let stopped = false;
  metrics.gauges = {
    watchedObjectsByKind: () => tracker.countsByKind(),
    trackedReferences: () => tracker.data.size,
    pendingMessages: () => sender.size,
    resyncRemaining: () => pacer.remaining,
    ready: () => listsDone && sender.reachable,
  };

  let health: HealthServer | undefined;
  const httpAddr = opts.httpAddr ?? { host: '0.0.0.0', port: 8080 };
  if (httpAddr) health = await startHealthServer(httpAddr, { ready: () => listsDone && sender.reachable, metrics: () => metrics.render() });
  log.info('watcher starting', {
    kinds: syncedTypes.map((t) => t.kind),
    namespaces: namespaces ?? '*',
    resyncIntervalSeconds: resyncMs / 1000,
    resyncMaxPerSecond: opts.resyncMaxPerSecond ?? 'spread over the interval',
    resyncQueue: opts.resyncQueueUrl || opts.resyncTransport ? 'own' : 'the changes queue',
    http: health?.address,
  });

  // Synced kinds are listed first, so the Secrets/ConfigMaps list knows which of them to keep.
  const listed = (async () => {
    for (const w of syncedWatches) w.start();
    await Promise.all(syncedWatches.map((w) => w.synced));
    if (abort.signal.aborted) return;
    for (const w of dataWatches) w.start();
    await Promise.all(dataWatches.map((w) => w.synced));
    listsDone = true;
  })();
  const reachable = pingLoop(sender, abort.signal, log);
  const ready = Promise.race([
    Promise.all([listed, reachable]).then(() => {
      if (abort.signal.aborted) throw new Error('watcher stopped before it was ready');
      log.info('watcher ready', { objects: tracker.objects.size, references: tracker.data.size, pending: sender.size });
    }),
    new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new Error('watcher stopped before it was ready')), { once: true })),
  ]);
  ready.catch(() => {});

  let lastEpoch = 0;
  const resync = () => {
    if (!listsDone || stopped || resyncMs <= 0) return 0;
    lastEpoch = Math.max(lastEpoch + 1, Math.floor(Date.now() / resyncMs));
    const n = pacer.start(lastEpoch);
    log.info('resync', { epoch: lastEpoch, objects: n, perSecond: pacer.perSecond });
    return n;
  };
  const resyncTimer = resyncMs > 0 ? setInterval(resync, resyncMs) : undefined;
  resyncTimer?.unref();

  return {
    ready,
    isReady: () => listsDone && sender.reachable,
    metrics: () => metrics.snapshot(),
    metricsText: () => metrics.render(),
    httpAddress: health?.address,
    resync,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (resyncTimer) clearInterval(resyncTimer);
      pacer.stop();
      abort.abort();
      await Promise.all(watches.map((w) => w.stop()));
      await controlPlanes.stop();
      const drained = await sender.drain(5000);
      sender.stop();
      await health?.close();
      conn.agent.destroy();
      log.info('watcher stopped', { drained, pending: sender.size });
    },
  };
}

/** The SDK is loaded only when an SQSClient is passed: the container's bundle never evaluates it. */
async function transportsOf(opts: WatcherOptions): Promise<{ transport: QueueTransport; resyncTransport?: QueueTransport }> {
  if (opts.transport) return { transport: opts.transport, ...(opts.resyncTransport ? { resyncTransport: opts.resyncTransport } : {}) };
  if (!opts.sqs) throw new Error('startWatcher needs `sqs` or `transport`');
  const { sqsTransport } = await import('./sqs-transport.ts');
  return { transport: sqsTransport(opts.sqs, opts.queueUrl), ...(opts.resyncQueueUrl ? { resyncTransport: sqsTransport(opts.sqs, opts.resyncQueueUrl) } : {}) };
}

/** Pings the queue until it answers, then every 30 s, so /readyz notices a queue that became unreachable. */
async function pingLoop(sender: QueueSender, signal: AbortSignal, log: ReturnType<typeof createLog>): Promise<void> {
  let attempt = 0;
  let first: (() => void) | undefined;
  const reached = new Promise<void>((resolve) => (first = resolve));
  void (async () => {
    while (!signal.aborted) {
      try {
        await sender.ping();
        attempt = 0;
        first?.();
        await sleep(30_000, signal);
      } catch (err) {
        sender.reachable = false;
        log.warn('queue not reachable', errorFields(err));
        await sleep(backoffDelay(attempt++, 500, 30_000), signal);
      }
    }
  })();
  return reached;
}
