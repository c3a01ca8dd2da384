import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { applyManifests, type Manifest } from '../local/apply.ts';
import { startSyncPlane } from '../local/sync-plane.ts';
import { jsonLogger } from '../shared/log.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';
import { AcceptedTracker } from './accepted-tracker.ts';
import { createAll, waitAll } from './burst.ts';
import { enqueueResync, isKubeWrite, kubeCalls, resetCounters, vendorCallsSeen as totalCalls, waitDrained } from './plane.ts';
import { startBenchServices } from './services.ts';
import { percentiles, progress, progressDone, round, type Percentiles } from './stats.ts';

const NS = 'bench';

/** The benches' ApiV4Definition: one keyless plan, one HTTP proxy endpoint. */
export function api(name: string, namespace = NS): Manifest {
  return {
    apiVersion: 'gravitee.io/v1alpha1',
    kind: 'ApiV4Definition',
    metadata: { name, namespace },
    spec: {
      name,
      version: '1.0',
      contextRef: { name: 'ctx' },
      type: 'PROXY',
      listeners: [{ type: 'HTTP', paths: [{ path: `/${name}` }], entrypoints: [{ type: 'http-proxy', qos: 'AUTO' }] }],
      endpointGroups: [{ name: 'default', type: 'http-proxy', endpoints: [{ name: 'default', type: 'http-proxy', inheritConfiguration: false, configuration: { target: 'https://backend.internal/echo' } }] }],
      plans: { KeyLess: { name: 'Free', security: { type: 'KEY_LESS' } } },
    },
  } as Manifest;
}

export interface GraviteeBenchResult {
  count: number;
  emulatorLatencyMs: number;
  single: Percentiles & { samples: number };
  burst: Percentiles & { allAcceptedSeconds: number; throughputPerSecond: number; vendorCallsPerSync: number; kubeCallsPerSync: number };
  resync: { seconds: number; vendorCallsPerSync: number; vendorWrites: number; kubeCallsPerSync: number; kubeWrites: number };
}

/** N ApiV4Definitions applied at once to the sandbox's services (test API server + Gravitee emulator with fixed latency). */
export async function benchGravitee(opts: { count: number; latencyMs: number; singles: number; concurrency: number }): Promise<GraviteeBenchResult> {
  const services = await startBenchServices('gravitee', opts.latencyMs);
  const apim = { url: services.address.apimUrl };
  const kc = new KubeConfig();
  kc.loadFromString(services.kubeconfig);
  const plane = await startSyncPlane({ kubeConfig: kc, allowLoopback: true, concurrency: opts.concurrency, log: jsonLogger({ level: 'ERROR' }) });
  const tracker = new AcceptedTracker();
  try {
    await applyManifests(kc, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'apim', namespace: NS }, stringData: { username: 'admin', password: 'admin' } } as Manifest,
      { apiVersion: 'gravitee.io/v1alpha1', kind: 'ManagementContext', metadata: { name: 'ctx', namespace: NS }, spec: { baseUrl: apim.url, organizationId: 'acme', environmentId: 'dev', auth: { secretRef: { name: 'apim' } } } } as Manifest,
    ]);
    await tracker.start(kc, `/apis/gravitee.io/v1alpha1/namespaces/${NS}/apiv4definitions`);
    const objects = KubernetesObjectApi.makeApiClient(kc);

    // One object at a time: the latency a person sees after `kubectl apply`.
    const singles: number[] = [];
    for (let i = 0; i < opts.singles; i++) {
      const name = `single-${i}`;
      await objects.create(api(name));
      const t0 = performance.now();
      if (!(await tracker.waitFor([name], 30_000))) throw new Error(`${name} was not Accepted`);
      singles.push((tracker.acceptedAt.get(name) ?? 0) - t0);
      progress(`single-object syncs: ${i + 1}/${opts.singles}`);
    }
    progressDone(`single-object syncs: ${opts.singles} done`);
    await waitDrained(plane);

    // N at once.
    await resetCounters(plane);
    const names = Array.from({ length: opts.count }, (_, i) => `api-${i}`);
    const start = performance.now();
    const appliedAt = await createAll(objects, names.map((n) => api(n)), 'ApiV4Definitions');
    const end = await waitAll(tracker, names, 'Accepted');
    const latencies = names.map((n) => (tracker.acceptedAt.get(n) ?? 0) - (appliedAt.get(n) ?? 0));
    await waitDrained(plane);
    const burstSyncs = opts.count;
    const burst = {
      ...percentiles(latencies),
      allAcceptedSeconds: round((end - start) / 1000, 2),
      throughputPerSecond: round(opts.count / ((end - start) / 1000)),
      vendorCallsPerSync: round(totalCalls(plane) / burstSyncs, 2),
      kubeCallsPerSync: round((await kubeCalls(plane)) / burstSyncs, 2),
    };

    // Steady state: every object re-enqueued with nothing changed.
    await resetCounters(plane);
    const all = (await objects.list('gravitee.io/v1alpha1', 'ApiV4Definition', NS)).items as KubeObject[];
    const t1 = performance.now();
    await enqueueResync(plane, all);
    await waitDrained(plane, 120, `resync of ${all.length}`);
    const seconds = (performance.now() - t1) / 1000;
    progressDone(`resync of ${all.length} objects drained in ${round(seconds, 2)} s`);
    const isWrite = (v: string) => v !== 'GET';
    const resync = {
      seconds: round(seconds, 2),
      vendorCallsPerSync: round(totalCalls(plane) / all.length, 2),
      vendorWrites: totalCalls(plane, isWrite),
      kubeCallsPerSync: round((await kubeCalls(plane)) / all.length, 2),
      kubeWrites: await kubeCalls(plane, isKubeWrite),
    };
    return {
      count: opts.count,
      emulatorLatencyMs: opts.latencyMs,
      single: { ...percentiles(singles), samples: singles.length },
      burst,
      resync,
    };
  } finally {
    tracker.stop();
    await plane.stop();
    await services.stop();
  }
}
