import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { applyManifests, type Manifest } from '../local/apply.ts';
import { startSyncPlane, type SyncPlane } from '../local/sync-plane.ts';
import { jsonLogger } from '../shared/log.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';
import { AcceptedTracker } from './accepted-tracker.ts';
import { createAll, waitAll } from './burst.ts';
import { callsPerObjectOf, enqueueResync, resetCounters, waitDrained, type CallsPerObject } from './plane.ts';
import { startBenchServices, type BenchServices } from './services.ts';
import { percentiles, progress, progressDone, round, type Percentiles } from './stats.ts';
import { backend, backendNames, product } from './threescale-objects.ts';
import {
  operatorBackendFirstSync,
  operatorBackendResync,
  operatorProductFirstSync,
  operatorProductResync,
  type OperatorCount,
  type TenantSize,
} from './threescale-operator-calls.ts';
import type { VendorCalls } from './vendor-calls.ts';

const NS = 'bench-3scale';
const PATH = (plural: string) => `/apis/capabilities.3scale.net/v1beta1/namespaces/${NS}/${plural}`;

/** Vendor calls (counted at the emulator) and Kubernetes calls (counted in the sync function), per object. */
interface CallsPerSync extends CallsPerObject {
  contractViolations: number;
}
export interface ThreescaleBurst extends Percentiles {
  objects: number;
  allSyncedSeconds: number;
  throughputPerSecond: number;
  calls: CallsPerSync;
  operator: OperatorCount;
}
export interface ThreescaleResync {
  objects: number;
  seconds: number;
  calls: CallsPerSync;
  operator: OperatorCount;
}
export interface ThreescaleBenchResult {
  products: number;
  backends: number;
  emulatorLatencyMs: number;
  concurrency: number;
  single: { backend: Percentiles; product: Percentiles; samples: number };
  backendBurst: ThreescaleBurst;
  productBurst: ThreescaleBurst;
  productResync: ThreescaleResync;
  backendResync: ThreescaleResync;
}

/** The calls of one phase divided by its objects; the queue must be drained so that every call of the phase is in. */
async function callsPerSync(plane: SyncPlane, services: BenchServices, objects: number): Promise<CallsPerSync> {
  await waitDrained(plane, 300);
  const v: VendorCalls = await services.vendorCalls();
  return { ...(await callsPerObjectOf(plane, v, objects)), contractViolations: v.violations ?? 0 };
}

async function resetAll(plane: SyncPlane, services: BenchServices): Promise<void> {
  await waitDrained(plane, 300);
  await resetCounters(plane);
  services.resetVendorCalls();
}

/**
 * N Products, each with two Backends and three application plans, through the real path: the test API server and
 * the 3scale emulator (fixed latency) in a child process, the watcher, fauxqs and the sync function in this one.
 * Phases: single objects one at a time; the 2N Backends at once; the N Products at once; a no-op resync of each kind.
 */
export async function benchThreescale(opts: { products: number; latencyMs: number; singles: number; concurrency: number }): Promise<ThreescaleBenchResult> {
  const services = await startBenchServices('3scale', opts.latencyMs);
  const kc = new KubeConfig();
  kc.loadFromString(services.kubeconfig);
  const plane = await startSyncPlane({ kubeConfig: kc, allowLoopback: true, concurrency: opts.concurrency, log: jsonLogger({ level: 'ERROR' }) });
  const backends = new AcceptedTracker();
  const products = new AcceptedTracker();
  try {
    await applyManifests(kc, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'threescale-provider-account', namespace: NS }, stringData: services.address } as Manifest,
    ]);
    await backends.start(kc, PATH('backends'), 'Synced');
    await products.start(kc, PATH('products'), 'Synced');
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const syncedAfter = async (tracker: AcceptedTracker, m: Manifest) => {
      await objects.create(m);
      const t0 = performance.now();
      if (!(await tracker.waitFor([m.metadata.name], 60_000))) throw new Error(`${m.kind} ${m.metadata.name} was not Synced`);
      return (tracker.acceptedAt.get(m.metadata.name) ?? 0) - t0;
    };

    // One at a time: a person applying a product's two backends, then the product.
    const singleBackend: number[] = [];
    const singleProduct: number[] = [];
    for (let i = 0; i < opts.singles; i++) {
      const name = `single-${i}`;
      for (const b of backendNames(name)) singleBackend.push(await syncedAfter(backends, backend(b, NS)));
      singleProduct.push(await syncedAfter(products, product(name, NS)));
      progress(`3scale single syncs: ${i + 1}/${opts.singles} products (and their backends)`);
    }
    progressDone(`3scale single syncs: ${opts.singles} products and ${2 * opts.singles} backends done`);

    const names = Array.from({ length: opts.products }, (_, i) => `p-${i}`);
    // The tenant's size where the operator's lists would see it: during the Backend phase fewer than its end count
    // (a lookup happens before its own create), during the Product phase all backends; at resync, everything.
    const tenant = (products: number, backendApis: number): TenantSize => ({ services: products, backendApis });
    const atStart = tenant(opts.singles, 2 * opts.singles);
    const withBackends = tenant(opts.singles, 2 * (opts.singles + opts.products));
    const atEnd = tenant(opts.singles + opts.products, 2 * (opts.singles + opts.products));
    const burst = async (tracker: AcceptedTracker, manifests: Manifest[], label: string, operator: OperatorCount): Promise<ThreescaleBurst> => {
      await resetAll(plane, services);
      const start = performance.now();
      const appliedAt = await createAll(objects, manifests, label);
      const end = await waitAll(tracker, manifests.map((m) => m.metadata.name), `${label} Synced`).catch(async (e: Error) => {
        const stuck = manifests.find((m) => !tracker.acceptedAt.has(m.metadata.name))!;
        const obj = (await objects.read(stuck)) as KubeObject;
        throw new Error(`${e.message}; ${stuck.kind} ${stuck.metadata.name}: ${JSON.stringify(obj.status?.conditions ?? 'no status')}`);
      });
      const latencies = manifests.map((m) => (tracker.acceptedAt.get(m.metadata.name) ?? 0) - (appliedAt.get(m.metadata.name) ?? 0));
      const seconds = (end - start) / 1000;
      return { objects: manifests.length, ...percentiles(latencies), allSyncedSeconds: round(seconds, 2), throughputPerSecond: round(manifests.length / seconds), calls: await callsPerSync(plane, services, manifests.length), operator };
    };
    const backendManifests = names.flatMap((n) => backendNames(n).map((b) => backend(b, NS)));
    const productManifests = names.map((n) => product(n, NS));
    const backendBurst = await burst(backends, backendManifests, 'Backends', operatorBackendFirstSync(backendManifests[0].spec, atStart));
    const productBurst = await burst(products, productManifests, 'Products', operatorProductFirstSync(productManifests[0].spec, withBackends));

    // Steady state: a resync of every object with nothing changed (what the periodic resync sends).
    const resync = async (kind: 'Product' | 'Backend', operator: OperatorCount): Promise<ThreescaleResync> => {
      await resetAll(plane, services);
      const all = (await objects.list('capabilities.3scale.net/v1beta1', kind, NS)).items as KubeObject[];
      const t0 = performance.now();
      await enqueueResync(plane, all);
      await waitDrained(plane, 300, `${kind} resync of ${all.length}`);
      const seconds = (performance.now() - t0) / 1000;
      progressDone(`${kind} resync of ${all.length} objects drained in ${round(seconds, 2)} s`);
      return { objects: all.length, seconds: round(seconds, 2), calls: await callsPerSync(plane, services, all.length), operator };
    };
    const productResync = await resync('Product', operatorProductResync(productManifests[0].spec, atEnd));
    const backendResync = await resync('Backend', operatorBackendResync(backendManifests[0].spec, atEnd));
    return {
      products: opts.products,
      backends: 2 * opts.products,
      emulatorLatencyMs: opts.latencyMs,
      concurrency: opts.concurrency,
      single: { backend: percentiles(singleBackend), product: percentiles(singleProduct), samples: opts.singles },
      backendBurst,
      productBurst,
      productResync,
      backendResync,
    };
  } finally {
    backends.stop();
    products.stop();
    await plane.stop();
    await services.stop();
  }
}
