import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { applyManifests, type Manifest } from '../local/apply.ts';
import { startSyncPlane, type SyncPlane } from '../local/sync-plane.ts';
import { jsonLogger } from '../shared/log.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';
import { deduplicationId, messageGroupId } from '../shared/queue/envelope.ts';
import { pointerMessage } from '../test/support/send-message.ts';
import { AcceptedTracker } from './accepted-tracker.ts';
import { api as benchApi } from './gravitee-apply.ts';
import { createAll, waitAll } from './burst.ts';
import { startBenchServices, type BenchServices } from './services.ts';
import { percentile, percentiles, progress, progressDone, round, type Percentiles } from './stats.ts';

/**
 * Fairness: a user's change in cluster A while cluster B's resync of `objects` objects drains.
 *
 * Two member clusters (each its own API server and Gravitee emulator, in processes of their own), one sync plane.
 * B's objects are created and synced through the plane first (so each is Ready at its generation: in step, as after
 * any sync). Then `singles` Applications are applied in A one at a time, every `spacingMs` (open loop: each is applied
 * on time whether or not the last is Accepted yet, as people do), apply→Accepted measured by a watch:
 *   1. idle;
 *   2. while B's resync drains: B's watcher's own resync (watcher.resync()), released at `resyncPerSecond` and sent to
 *      the resync queue, which `resyncConcurrency` runners read beside the changes queue's `concurrency`; A's changes
 *      start once the whole resync is queued;
 *   3. the old way, one queue: the same resync pointers, as B's watcher sent them before, on the changes queue.
 */
export interface FairnessOptions {
  objects: number;
  singles: number;
  spacingMs: number;
  latencyMs: number;
  concurrency: number;
  resyncConcurrency: number;
  resyncPerSecond: number;
}

export interface FairnessPhase extends Percentiles {
  samples: number;
  max: number;
  /** B's resync messages still queued when the first and the last single were applied. */
  backlogAtFirst: number;
  backlogAtLast: number;
}

export interface FairnessResult {
  options: FairnessOptions;
  setupSeconds: number;
  idle: FairnessPhase;
  /** Idle again, once B's resync drained: the machine is shared, so the baseline is taken twice. */
  idleAfter: FairnessPhase;
  twoQueues: FairnessPhase & { resyncDrainSeconds: number };
  oneQueue: FairnessPhase & { resyncDrainSeconds: number };
}

const NS = 'fairness';
const GRAVITEE = 'gravitee.io/v1alpha1';

const context = (apimUrl: string): Manifest[] => [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'apim', namespace: NS }, stringData: { username: 'admin', password: 'admin' } } as Manifest,
  { apiVersion: GRAVITEE, kind: 'ManagementContext', metadata: { name: 'ctx', namespace: NS }, spec: { baseUrl: apimUrl, organizationId: 'acme', environmentId: 'dev', auth: { secretRef: { name: 'apim' } } } } as Manifest,
];

const application = (name: string): Manifest =>
  ({ apiVersion: GRAVITEE, kind: 'Application', metadata: { name, namespace: NS }, spec: { name, description: 'fairness bench', contextRef: { name: 'ctx' }, settings: { app: { type: 'WEB' } } } }) as Manifest;

const api = (name: string): Manifest => benchApi(name, NS);

export async function benchFairness(o: FairnessOptions): Promise<FairnessResult> {
  const services: BenchServices[] = [];
  let plane: SyncPlane | undefined;
  const trackers: AcceptedTracker[] = [];
  try {
    const [svcA, svcB] = await Promise.all([startBenchServices('gravitee', o.latencyMs), startBenchServices('gravitee', o.latencyMs, 4 * o.objects + 1000)]);
    services.push(svcA, svcB);
    const kcA = new KubeConfig();
    kcA.loadFromString(svcA.kubeconfig);
    const kcB = new KubeConfig();
    kcB.loadFromString(svcB.kubeconfig);
    plane = await startSyncPlane({
      clusters: { a: kcA, b: kcB },
      allowLoopback: true,
      concurrency: o.concurrency,
      resyncConcurrency: o.resyncConcurrency,
      // Resyncs are triggered below (watcher.resync()), not by the timer; the interval only has to enable them.
      resyncIntervalSeconds: 24 * 3600,
      resyncMaxPerSecond: o.resyncPerSecond,
      log: jsonLogger({ level: 'ERROR' }),
      usageFile: false,
    });
    const [, watcherB] = plane.watchers;
    const objectsA = KubernetesObjectApi.makeApiClient(kcA);
    const objectsB = KubernetesObjectApi.makeApiClient(kcB);

    // B: the context and `objects` ApiV4Definitions, synced through the plane.
    const setupStart = performance.now();
    await applyManifests(kcB, context(svcB.address.apimUrl));
    const trackerB = new AcceptedTracker();
    trackers.push(trackerB);
    await trackerB.start(kcB, `/apis/${GRAVITEE}/namespaces/${NS}/apiv4definitions`);
    const names = Array.from({ length: o.objects }, (_, i) => `api-${i}`);
    await createAll(objectsB, names.map(api), `ApiV4Definitions in cluster B`);
    await waitAll(trackerB, names, 'Accepted in cluster B', 900_000);
    trackerB.stop();
    await drained(plane, 'setup', 900);
    const setupSeconds = round((performance.now() - setupStart) / 1000);

    // A: the context, then its single changes.
    await applyManifests(kcA, context(svcA.address.apimUrl));
    const trackerA = new AcceptedTracker();
    trackers.push(trackerA);
    await trackerA.start(kcA, `/apis/${GRAVITEE}/namespaces/${NS}/applications`);
    let run = 0;
    const singles = async (label: string, backlog: () => Promise<number>): Promise<FairnessPhase> => {
      const names = Array.from({ length: o.singles }, (_, i) => `single-${++run}-${i}`);
      const appliedAt = new Map<string, number>();
      const backlogs: number[] = [];
      const start = performance.now();
      for (const [i, name] of names.entries()) {
        const due = start + i * o.spacingMs;
        if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
        if (i === 0 || i === names.length - 1) backlogs.push(await backlog());
        await objectsA.create(application(name));
        appliedAt.set(name, performance.now());
        progress(`${label}: applied ${i + 1}/${names.length}, Accepted ${names.filter((n) => trackerA.acceptedAt.has(n)).length}`);
      }
      if (!(await trackerA.waitFor(names, 600_000))) throw new Error(`${label}: not every change was Accepted`);
      const latencies = names.map((n) => (trackerA.acceptedAt.get(n) ?? 0) - (appliedAt.get(n) ?? 0));
      progressDone(`${label}: ${names.length} changes Accepted, p50 ${round(percentile(latencies, 50))} ms`);
      return { ...percentiles(latencies), max: round(Math.max(...latencies)), samples: latencies.length, backlogAtFirst: backlogs[0], backlogAtLast: backlogs[1] };
    };

    const idle = await singles('idle', async () => 0);
    await drained(plane, 'idle', 60);

    // Two queues: B's watcher resyncs; its messages go to the resync queue, paced at resyncPerSecond. A's changes are
    // applied once B's watcher has handed its whole resync to the queue: in a fleet B's watcher runs in B, not in the
    // process that runs the plane here, and what is measured is a change meeting B's backlog.
    const t2 = performance.now();
    watcherB.resync();
    await waitFor(() => Promise.resolve(watcherB.metrics().resyncRemaining === 0 && watcherB.metrics().pendingMessages === 0), 600_000);
    const twoQueues = await singles('changes in A during B resync (two queues)', () => plane!.messagesLeft('resyncs'));
    await drained(plane, "B's resync (two queues)", 1800);
    const twoQueuesDrain = round((performance.now() - t2) / 1000);
    const idleAfter = await singles('idle again', async () => 0);
    await drained(plane, 'idle again', 60);

    // One queue: the same resync, as B's watcher sent it before this change, into the changes queue.
    const all = (await objectsB.list(GRAVITEE, 'ApiV4Definition', NS)).items as KubeObject[];
    const ctx = (await objectsB.read({ apiVersion: GRAVITEE, kind: 'ManagementContext', metadata: { name: 'ctx', namespace: NS } })) as KubeObject;
    const t3 = performance.now();
    await sendResyncToChangesQueue(plane, [ctx, ...all], o.resyncPerSecond);
    const oneQueue = await singles('changes in A during B resync (one queue, the old way)', () => plane!.messagesLeft('changes'));
    await drained(plane, "B's resync (one queue)", 1800);
    const oneQueueDrain = round((performance.now() - t3) / 1000);

    return { options: o, setupSeconds, idle, idleAfter, twoQueues: { ...twoQueues, resyncDrainSeconds: twoQueuesDrain }, oneQueue: { ...oneQueue, resyncDrainSeconds: oneQueueDrain } };
  } finally {
    for (const t of trackers) t.stop();
    await plane?.stop();
    await Promise.all(services.map((s) => s.stop()));
  }
}

/** B's resync pointers on the changes queue, batches of 10 at `perSecond`: what one queue carried before. */
async function sendResyncToChangesQueue(plane: SyncPlane, objs: KubeObject[], perSecond: number): Promise<void> {
  const cause = `one-queue-${Date.now()}`;
  const start = performance.now();
  for (let i = 0; i < objs.length; i += 10) {
    const due = start + (i / perSecond) * 1000;
    if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
    const entries = objs.slice(i, i + 10).map((obj, j) => {
      const msg = pointerMessage(obj, { reason: 'resync', cause }, 'b');
      return { Id: String(j), MessageBody: JSON.stringify(msg), MessageGroupId: messageGroupId(msg), MessageDeduplicationId: deduplicationId(msg) };
    });
    await plane.queue.sqs.send(new SendMessageBatchCommand({ QueueUrl: plane.queue.queueUrl, Entries: entries }));
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function drained(plane: SyncPlane, label: string, timeoutSeconds: number): Promise<void> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  for (let i = 0; ; i++) {
    const [changes, resyncs] = await Promise.all([plane.messagesLeft('changes'), plane.messagesLeft('resyncs')]);
    if (changes + resyncs === 0) return progressDone(`${label}: queues drained`);
    if (performance.now() > deadline) throw new Error(`${label}: queues did not drain within ${timeoutSeconds} s`);
    if (i % 10 === 0) progress(`${label}: ${changes} changes and ${resyncs} resyncs queued`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The rows bench/run.ts prints (and docs/benchmarks.md records). */
export function fairnessRows(f: FairnessResult): [string, string, string][] {
  const ms = (p: FairnessPhase) => `${p.p50} / ${p.p99} ms (max ${p.max})`;
  // Against the lower of the two idle figures: the larger, more conservative ratio.
  const idle = { p50: Math.min(f.idle.p50, f.idleAfter.p50), p99: Math.min(f.idle.p99, f.idleAfter.p99) };
  const ratio = (p: FairnessPhase) => `${round(p.p50 / idle.p50, 2)}× / ${round(p.p99 / idle.p99, 2)}×`;
  const o = f.options;
  return [
    [`cluster B: ${o.objects} ApiV4Definitions created and synced through the plane`, `${f.setupSeconds} s`, ''],
    [`${o.singles} single changes in A, idle: apply→Accepted p50 / p99`, ms(f.idle), ''],
    ['… idle again, after B\'s resync drained: p50 / p99', ms(f.idleAfter), ''],
    [`… while B's resync drains, two queues: p50 / p99`, ms(f.twoQueues), ''],
    ['… ratio to idle (the lower idle figure), p50 / p99', ratio(f.twoQueues), '≤ 2×'],
    ['… B resync backlog at the first / last change (resync queue)', `${f.twoQueues.backlogAtFirst} / ${f.twoQueues.backlogAtLast}`, ''],
    ["… B's resync drained after", `${f.twoQueues.resyncDrainSeconds} s (resync concurrency ${o.resyncConcurrency})`, ''],
    [`… while B's resync drains, one queue (the old way): p50 / p99`, ms(f.oneQueue), ''],
    ['… ratio to idle (the lower idle figure), p50 / p99', ratio(f.oneQueue), ''],
    ['… B resync backlog at the first / last change (the one queue)', `${f.oneQueue.backlogAtFirst} / ${f.oneQueue.backlogAtLast}`, ''],
    ["… B's resync drained after", `${f.oneQueue.resyncDrainSeconds} s (concurrency ${o.concurrency})`, ''],
  ];
}
