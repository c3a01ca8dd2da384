import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { readUsageFile } from '../cli/usage-summary.ts';
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { applyManifests, type Manifest } from '../local/apply.ts';
import { startSyncPlane, type SyncPlane } from '../local/sync-plane.ts';
import type { Condition } from '../shared/engine/conditions.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';
import { jsonLogger } from '../shared/log.ts';
import { CHAOS_KINDS, chaosObjects, chaosSetup, namespaceOf } from './chaos-objects.ts';
import { CrashingFunction, type VendorFaultRates } from './chaos-faults.ts';
import { startChaosServices, type ChaosServices } from './chaos-services.ts';
import type { Duplicate } from './chaos-duplicates.ts';
import { progress, progressDone, round } from './stats.ts';

export interface ChaosOptions {
  /** Objects per cluster (the issue: 1,000). */
  objects: number;
  clusters: string[];
  latencyMs: number;
  concurrency: number;
  rates: VendorFaultRates;
  /** Share of the syncs that wrote to a vendor whose process dies before the status write. */
  crashChance: number;
  /** Share of status writes the API servers refuse with 409 Conflict. */
  statusConflictChance: number;
  /** Share of the objects changed (a new generation) right after the burst, while the faults go on. */
  updateShare: number;
  /** Seconds after which an object not in step counts as lost. */
  deadlineSeconds: number;
  seed: number;
  /** Where the run's usage records go (emptied first). */
  usageFile: string;
  /** The sync plane's settings that the faults meet. */
  vendorTimeoutMs: number;
  visibilityTimeoutSeconds: number;
  /** The function's backoff between attempts (RETRY_BASE_SECONDS, RETRY_MAX_SECONDS), shortened from the product's 10 s / 900 s. */
  retry: { baseSeconds: number; maxSeconds: number };
  /** Receives before a message goes to the DLQ; default the product's (serverless.yml's maxReceiveCount). */
  maxReceiveCount?: number;
  log?: boolean;
  /** No progress lines (tests). */
  quiet?: boolean;
}

export const CHAOS_DEFAULTS: Omit<ChaosOptions, 'objects'> = {
  clusters: ['east', 'west'],
  latencyMs: 20,
  concurrency: 8,
  rates: { serverError: 0.1, throttle: 0.05, retryAfterSeconds: 1, timeout: 0.02, holdMs: 2_500 },
  crashChance: 0.01,
  statusConflictChance: 0.05,
  updateShare: 0.1,
  deadlineSeconds: 900,
  seed: 9,
  usageFile: join(tmpdir(), 'apim-sync', 'usage-bench-chaos.jsonl'),
  vendorTimeoutMs: 2_000,
  // The product keeps the visibility timeout well above a batch's longest run (360 s against a 60 s function
  // timeout and a 10 s vendor timeout); 60 s keeps that ratio to this bench's 2 s vendor timeout.
  visibilityTimeoutSeconds: 60,
  retry: { baseSeconds: 1, maxSeconds: 8 },
};

export interface ChaosResult {
  clusters: number;
  objects: number;
  /** From the first create to every object Ready at its generation and the queue drained; undefined if never. */
  convergedSeconds?: number;
  lost: { cluster: string; kind: string; name: string; ready: string }[];
  duplicates: Duplicate[];
  dlqMessages: number;
  receives: number;
  redeliveries: number;
  crashes: number;
  /** Status writes refused with 409 (retried within the sync). */
  statusConflicts: number;
  /** Vendor answers that were injected faults, by status (0: cut off or held past the timeout). */
  vendorFaults: Record<string, number>;
  vendorCalls: number;
  watchExpiries: number;
  watcherRestarts: number;
  updated: number;
  contractViolations: number;
  /** Syncs that failed and were retried, by reason (usage records): Timeout, Conflict (a 409 on a status write)… */
  retriedByReason: Record<string, number>;
  /** What the DLQ holds: `cluster kind namespace/name` of its messages. */
  dlqObjects: string[];
  usageFile: string;
}

interface Member {
  id: string;
  kc: KubeConfig;
  objects: KubernetesObjectApi;
  manifests: Manifest[];
}

/**
 * Two member clusters with `objects` resources each, Gravitee and 3scale mixed, synced by one plane while everything
 * fails at once: vendor 5xx, 429 with Retry-After and timeouts (some after the write was applied), crashes of the
 * function between its vendor write and its status write, watch expiry (410) and a watcher restart mid-burst, 409s on
 * status writes. Reports the time to converge, lost objects, duplicate vendor objects, the DLQ and redeliveries.
 */
export async function benchChaos(o: ChaosOptions): Promise<ChaosResult> {
  const say = o.quiet ? { progress: () => {}, done: () => {} } : { progress, done: progressDone };
  await rm(o.usageFile, { force: true });
  const services = await startChaosServices(o.clusters, o.latencyMs);
  const crashing = new CrashingFunction(o.crashChance, o.seed);
  const members: Member[] = o.clusters.map((id) => {
    const kc = new KubeConfig();
    kc.loadFromString(services.kubeconfigs[id]!);
    return { id, kc, objects: KubernetesObjectApi.makeApiClient(kc), manifests: chaosObjects(id, o.objects) };
  });
  let plane: SyncPlane | undefined;
  try {
    plane = await startSyncPlane({
      clusters: Object.fromEntries(members.map((m) => [m.id, m.kc])),
      namespaces: members.map((m) => namespaceOf(m.id)),
      allowLoopback: true,
      concurrency: o.concurrency,
      vendorTimeoutMs: o.vendorTimeoutMs,
      visibilityTimeoutSeconds: o.visibilityTimeoutSeconds,
      maxReceiveCount: o.maxReceiveCount,
      retry: o.retry,
      usageFile: o.usageFile,
      functionView: crashing.view,
      log: jsonLogger({ level: o.log ? 'WARN' : 'ERROR' }),
    });
    crashing.install(plane.deps);
    for (const m of members) await applyManifests(m.kc, chaosSetup(m.id, services.vendors));
    await waitQuiet(plane, 'contexts');

    services.send({ type: 'vendor-faults', rates: o.rates, seed: o.seed });
    services.send({ type: 'status-conflicts', chance: o.statusConflictChance, seed: o.seed });
    const start = performance.now();
    const disruptions = { watchExpiries: 0, watcherRestarts: 0 };
    const p = plane;
    // Mid-burst: the first cluster's watches expire at a third, the watcher restarts at half, the second's expire at two thirds.
    const at: [number, () => Promise<void>][] = [
      [Math.floor(o.objects / 3), async () => void (services.send({ type: 'expire-watches', cluster: members[0]!.id }), disruptions.watchExpiries++)],
      [Math.floor(o.objects / 2), async () => void (await p.restartWatcher(), disruptions.watcherRestarts++)],
      [Math.floor((2 * o.objects) / 3), async () => void (services.send({ type: 'expire-watches', cluster: members.at(-1)!.id }), disruptions.watchExpiries++)],
    ];
    let created = 0;
    const ticker = setInterval(() => say.progress(`chaos: created ${created}/${o.objects * members.length} · ${crashing.crashes} crashes · ${crashing.redeliveries} redeliveries`), 500);
    await Promise.all(
      members.map(async (m, mi) => {
        for (let i = 0; i < m.manifests.length; i += 16) {
          await Promise.all(m.manifests.slice(i, i + 16).map((x) => m.objects.create(x).then(() => created++)));
          if (mi === 0) for (const [n, disrupt] of at) if (i <= n && n < i + 16) await disrupt();
        }
      }),
    );
    clearInterval(ticker);
    say.done(`chaos: created ${created} objects in ${members.length} clusters in ${round((performance.now() - start) / 1000, 1)} s (watches expired ${disruptions.watchExpiries}×, watcher restarted ${disruptions.watcherRestarts}×)`);

    // A new generation for some objects while the faults go on.
    let updated = 0;
    const every = o.updateShare > 0 ? Math.round(1 / o.updateShare) : 0;
    if (every) {
      for (const m of members) {
        for (const x of m.manifests.filter((_, i) => i % every === 0)) {
          const patch = { apiVersion: x.apiVersion, kind: x.kind, metadata: { name: x.metadata.name, namespace: x.metadata.namespace }, spec: { description: 'v2' } };
          await m.objects.patch(patch, undefined, undefined, 'bench', undefined, PatchStrategy.MergePatch);
          updated++;
        }
      }
    }

    const convergedAt = await waitConverged(plane, members, crashing, start, o.deadlineSeconds, say);
    services.send({ type: 'faults-off' });
    const lost = convergedAt === undefined ? await notInStep(members) : [];
    const report = await services.report();
    const dlq = { messages: await dlqMessages(plane), objects: await dlqObjects(plane) };
    // Stopped here so that every usage record is written before they are read.
    const stopping = plane;
    plane = undefined;
    await stopping.stop();
    const records = existsSync(o.usageFile) ? readUsageFile(o.usageFile).records : [];
    const retriedByReason: Record<string, number> = {};
    for (const r of records) if (r.outcome === 'retrying') retriedByReason[r.action] = (retriedByReason[r.action] ?? 0) + 1;
    return {
      clusters: members.length,
      objects: members.length * o.objects,
      convergedSeconds: convergedAt === undefined ? undefined : round((convergedAt - start) / 1000, 1),
      lost,
      duplicates: report.duplicates,
      dlqMessages: dlq.messages,
      receives: crashing.receives,
      redeliveries: crashing.redeliveries,
      crashes: crashing.crashes,
      statusConflicts: crashing.statusConflicts,
      vendorFaults: report.faultedCalls,
      vendorCalls: report.vendorCalls,
      ...disruptions,
      updated,
      contractViolations: report.violations,
      retriedByReason,
      dlqObjects: dlq.objects,
      usageFile: o.usageFile,
    };
  } finally {
    await plane?.stop();
    await services.stop();
  }
}

type Say = { progress(line: string): void; done(line: string): void };

const readyAtGeneration = (obj: KubeObject) => {
  const ready = ((obj.status?.conditions ?? []) as Condition[]).find((c) => c.type === 'Ready');
  return ready?.status === 'True' && ready.observedGeneration === obj.metadata.generation;
};

/** Objects of every member not Ready at their generation, with their Ready condition as it stands. */
async function notInStep(members: Member[]): Promise<ChaosResult['lost']> {
  const out: ChaosResult['lost'] = [];
  for (const m of members) {
    for (const k of CHAOS_KINDS) {
      const items = (await m.objects.list(k.apiVersion, k.kind, namespaceOf(m.id))).items as KubeObject[];
      for (const obj of items) {
        if (readyAtGeneration(obj)) continue;
        const ready = ((obj.status?.conditions ?? []) as Condition[]).find((c) => c.type === 'Ready');
        out.push({ cluster: m.id, kind: k.kind, name: obj.metadata.name, ready: ready ? `${ready.status} ${ready.reason}: ${ready.message} (generation ${ready.observedGeneration}/${obj.metadata.generation})` : 'no Ready condition' });
      }
    }
  }
  return out;
}

/**
 * Polls until every object is Ready at its generation and the queue is empty; the moment it was, or undefined at the
 * deadline, or once the queue has stayed empty for 20 s with objects still behind: the run has no periodic resync, so
 * nothing is left that could bring them in step (the watcher's resync would, after its interval).
 */
async function waitConverged(plane: SyncPlane, members: Member[], crashing: CrashingFunction, start: number, deadlineSeconds: number, say: Say): Promise<number | undefined> {
  const total = members.reduce((n, m) => n + m.manifests.length, 0);
  let emptySince: number | undefined;
  for (;;) {
    const behind = (await notInStep(members)).length;
    const left = await plane.messagesLeft();
    const dlq = await dlqMessages(plane);
    const seconds = (performance.now() - start) / 1000;
    say.progress(`chaos: ${total - behind}/${total} in step · ${left} messages queued · DLQ ${dlq} · ${crashing.crashes} crashes · ${crashing.redeliveries} redeliveries · ${round(seconds, 0)} s`);
    if (behind === 0 && left === 0) {
      const at = performance.now();
      say.done(`chaos: all ${total} objects in step and the queue drained after ${round(seconds, 1)} s`);
      return at;
    }
    emptySince = left === 0 ? (emptySince ?? performance.now()) : undefined;
    if (emptySince !== undefined && performance.now() - emptySince > 20_000) {
      say.done(`chaos: ${behind} objects not in step, and the queue empty for 20 s after ${round(seconds, 1)} s: lost until a resync`);
      return undefined;
    }
    if (seconds > deadlineSeconds) {
      say.done(`chaos: ${behind} objects still not in step after ${deadlineSeconds} s`);
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/** The objects the DLQ's messages point to (read once, left in the DLQ). */
async function dlqObjects(plane: SyncPlane): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const { Messages = [] } = await plane.queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: plane.queue.dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return out;
    for (const m of Messages) {
      const b = JSON.parse(m.Body ?? '{}') as { cluster?: string; kind?: string; namespace?: string; name?: string };
      out.push(`${b.cluster} ${b.kind} ${b.namespace}/${b.name}`);
    }
  }
}

async function dlqMessages(plane: SyncPlane): Promise<number> {
  const { Attributes: a = {} } = await plane.queue.sqs.send(new GetQueueAttributesCommand({ QueueUrl: plane.queue.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(a.ApproximateNumberOfMessages ?? 0);
}

/** Ready once the setup's syncs are done (faults are off then). */
async function waitQuiet(plane: SyncPlane, label: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await plane.messagesLeft()) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${label}: the queue did not drain`);
}
