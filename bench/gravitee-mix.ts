import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { applyManifests, type Manifest } from '../local/apply.ts';
import { startSyncPlane } from '../local/sync-plane.ts';
import { jsonLogger } from '../shared/log.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';
import { AcceptedTracker } from './accepted-tracker.ts';
import { createAll, waitAll } from './burst.ts';
import { graviteeKindOf } from './gravitee-endpoints.ts';
import { enqueueResync, waitDrained } from './plane.ts';
import { startBenchServices } from './services.ts';
import { progressDone, round } from './stats.ts';
import { SyncCounts } from './sync-counts.ts';
import type { VendorCalls } from './vendor-calls.ts';

const NS = 'bench-mix';
const G = 'gravitee.io/v1alpha1';

/** The kinds of one set, in the order a GitOps tool might apply a folder (users before what they use). */
export const MIX_KINDS = ['Subscription', 'ApiV4Definition', 'Application', 'SharedPolicyGroup', 'ApiResource'] as const;
const PLURAL: Record<string, string> = { Subscription: 'subscriptions', ApiV4Definition: 'apiv4definitions', Application: 'applications', SharedPolicyGroup: 'sharedpolicygroups', ApiResource: 'apiresources' };

/**
 * GKO's APIM calls per apply of each kind, from its source (anchor §1c and internal/admission/**): the admission
 * webhook's dry-run import, then the controller's import. ApiResources call nothing; Subscriptions have no dry-run.
 * GKO makes no call on a resync: it never reads APIM back, so it also never sees a change made in the console.
 */
export const GKO_CALLS_PER_APPLY: Record<string, number> = { ApiV4Definition: 2, Application: 2, SharedPolicyGroup: 2, Subscription: 1, ApiResource: 0 };

function set(i: number): Manifest[] {
  const meta = (name: string) => ({ name, namespace: NS });
  return [
    { apiVersion: G, kind: 'Subscription', metadata: meta(`sub-${i}`), spec: { api: { name: `api-${i}` }, application: { name: `app-${i}` }, plan: 'keys' } },
    {
      apiVersion: G,
      kind: 'ApiV4Definition',
      metadata: meta(`api-${i}`),
      spec: {
        name: `api-${i}`,
        version: '1.0',
        contextRef: { name: 'ctx' },
        type: 'PROXY',
        state: 'STARTED',
        listeners: [{ type: 'HTTP', paths: [{ path: `/mix-${i}` }], entrypoints: [{ type: 'http-proxy', qos: 'AUTO' }] }],
        endpointGroups: [{ name: 'default', type: 'http-proxy', endpoints: [{ name: 'default', type: 'http-proxy', inheritConfiguration: false, configuration: { target: 'https://backend.internal/echo' } }] }],
        resources: [{ ref: { name: `cache-${i}` } }],
        flows: [{ name: 'shared', enabled: true, selectors: [{ type: 'HTTP', path: '/', pathOperator: 'STARTS_WITH' }], request: [{ sharedPolicyGroupRef: { name: `spg-${i}` } }] }],
        plans: { keys: { name: 'API keys', security: { type: 'API_KEY' } } },
      },
    },
    { apiVersion: G, kind: 'Application', metadata: meta(`app-${i}`), spec: { name: `app-${i}`, description: 'bench', contextRef: { name: 'ctx' }, settings: { app: { type: 'WEB' } } } },
    {
      apiVersion: G,
      kind: 'SharedPolicyGroup',
      metadata: meta(`spg-${i}`),
      spec: {
        name: `spg-${i}`,
        contextRef: { name: 'ctx' },
        apiType: 'PROXY',
        phase: 'REQUEST',
        steps: [{ name: 'Rate limit', enabled: true, policy: 'rate-limit', configuration: { rate: { limit: 10, periodTime: 1, periodTimeUnit: 'MINUTES' } } }],
      },
    },
    { apiVersion: G, kind: 'ApiResource', metadata: meta(`cache-${i}`), spec: { name: `cache-${i}`, type: 'cache', enabled: true, configuration: { timeToIdleSeconds: 0, timeToLiveSeconds: 60, maxEntriesLocalHeap: 1000 } } },
  ] as unknown as Manifest[];
}

export interface GraviteeMixResult {
  sets: number;
  objects: number;
  allAcceptedSeconds: number;
  /** Per kind: syncs per object (a sync that waited for a dependency counts), APIM calls per object, GKO's. */
  perKind: Record<string, { syncsPerObject: number; callsPerObject: number; gkoCallsPerApply: number; resyncCallsPerObject: number; resyncWrites: number }>;
  violations: number;
}

const byKind = (calls: VendorCalls) => {
  const out: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(calls.byEndpoint)) out[graviteeKindOf(endpoint)] = (out[graviteeKindOf(endpoint)] ?? 0) + n;
  return out;
};
const writesByKind = (calls: VendorCalls) => {
  const out: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(calls.byEndpoint)) if (!endpoint.startsWith('GET ')) out[graviteeKindOf(endpoint)] = (out[graviteeKindOf(endpoint)] ?? 0) + n;
  return out;
};

/**
 * `sets` × (ApiResource, SharedPolicyGroup, ApiV4Definition using both, Application, Subscription) applied at once, users
 * first, as a GitOps tool applies a folder: what waits for a dependency resumes when it appears (no ordering by hand,
 * no admission webhook refusing the apply). Reports calls per sync by kind beside GKO's.
 */
export async function benchGraviteeMix(opts: { sets: number; latencyMs: number; concurrency: number }): Promise<GraviteeMixResult> {
  const services = await startBenchServices('gravitee', opts.latencyMs);
  const kc = new KubeConfig();
  kc.loadFromString(services.kubeconfig);
  const syncs = new SyncCounts();
  const plane = await startSyncPlane({ kubeConfig: kc, allowLoopback: true, concurrency: opts.concurrency, log: syncs.counting(jsonLogger({ level: 'ERROR' })) });
  const trackers = MIX_KINDS.map(() => new AcceptedTracker());
  try {
    await applyManifests(kc, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'apim', namespace: NS }, stringData: { username: 'admin', password: 'admin' } } as Manifest,
      { apiVersion: G, kind: 'ManagementContext', metadata: { name: 'ctx', namespace: NS }, spec: { baseUrl: services.address.apimUrl, organizationId: 'acme', environmentId: 'dev', auth: { secretRef: { name: 'apim' } } } } as Manifest,
    ]);
    await waitDrained(plane);
    await Promise.all(MIX_KINDS.map((k, i) => trackers[i]!.start(kc, `/apis/${G}/namespaces/${NS}/${PLURAL[k]}`)));
    syncs.reset();
    services.resetVendorCalls();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const manifests = Array.from({ length: opts.sets }, (_, i) => set(i)).flat();
    const start = performance.now();
    await createAll(objects, manifests, 'Gravitee objects (5 kinds)');
    let end = start;
    for (const [i, kind] of MIX_KINDS.entries()) {
      const names = manifests.filter((m) => m.kind === kind).map((m) => m.metadata.name);
      end = Math.max(end, await waitAll(trackers[i]!, names, `${kind} Accepted`));
    }
    await waitDrained(plane);
    const first = await services.vendorCalls();
    const firstByKind = byKind(first);
    const syncsByKind = Object.fromEntries(MIX_KINDS.map((k) => [k, syncs.of(k)]));

    // A resync of everything with nothing changed.
    services.resetVendorCalls();
    const all: KubeObject[] = [];
    for (const kind of MIX_KINDS) all.push(...((await objects.list(G, kind, NS)).items as KubeObject[]));
    await enqueueResync(plane, all);
    await waitDrained(plane, 180, `resync of ${all.length}`);
    const resync = await services.vendorCalls();
    progressDone(`mixed resync of ${all.length} objects drained`);
    const resyncByKind = byKind(resync);
    const resyncWrites = writesByKind(resync);

    return {
      sets: opts.sets,
      objects: manifests.length,
      allAcceptedSeconds: round((end - start) / 1000, 2),
      perKind: Object.fromEntries(
        MIX_KINDS.map((k) => [
          k,
          {
            syncsPerObject: round(syncsByKind[k]! / opts.sets, 2),
            callsPerObject: round((firstByKind[k] ?? 0) / opts.sets, 2),
            gkoCallsPerApply: GKO_CALLS_PER_APPLY[k]!,
            resyncCallsPerObject: round((resyncByKind[k] ?? 0) / opts.sets, 2),
            resyncWrites: resyncWrites[k] ?? 0,
          },
        ]),
      ),
      violations: (first.violations ?? 0) + (resync.violations ?? 0),
    };
  } finally {
    for (const t of trackers) t.stop();
    await plane.stop();
    await services.stop();
  }
}
