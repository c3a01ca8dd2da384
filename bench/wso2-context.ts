import type { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import type { SyncPlane } from '../local/sync-plane.ts';
import { AcceptedTracker } from './accepted-tracker.ts';
import { callsPerObjectOf, resetCounters, waitDrained, type CallsPerObject } from './plane.ts';
import { progress } from './stats.ts';
import type { SyncCounts } from './sync-counts.ts';
import { countCalls } from './vendor-calls.ts';
import type { Call, Wso2Emulator, Wso2Services } from './wso2-services.ts';

/** What every phase of the WSO2 scenario works with: the services process, the API server, the sync plane. */
export interface Wso2Context {
  services: Wso2Services;
  kc: KubeConfig;
  objects: KubernetesObjectApi;
  plane: SyncPlane;
  /** The sync function's syncs by kind since the last resetAll. */
  syncs: SyncCounts;
}


const UUID = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=[/.]|$)/gi;

/** A WSO2 call's endpoint: UUIDs (APIM's, the control plane's, the gateway's) and RestApi handles replaced. */
export const wso2Endpoint = (method: string, path: string) => `${method} ${path.replace(UUID, '/{id}').replace(/\/rest-apis\/[^/]+/, '/rest-apis/{handle}')}`;

/** One emulator's calls of a phase (those `filter` keeps) and the sync function's, per object. */
export async function callsPerObject(ctx: Wso2Context, emulator: Wso2Emulator, objects: number, filter: (c: Call) => boolean = () => true): Promise<CallsPerObject> {
  await waitDrained(ctx.plane, 300);
  return callsPerObjectOf(ctx.plane, countCalls((await ctx.services.calls(emulator)).filter(filter), wso2Endpoint), objects);
}

/** Waits for the queue to drain, then zeroes the sync function's and the emulators' counts. */
export async function resetAll(ctx: Wso2Context): Promise<void> {
  await waitDrained(ctx.plane, 300);
  await resetCounters(ctx.plane);
  ctx.syncs.reset();
  await ctx.services.resetCalls();
}

export const restApisPath = (namespace: string) => `/apis/gateway.api-platform.wso2.com/v1/namespaces/${namespace}/restapis`;

/** Waits until object `name` under `path` has condition `type` True for its generation. */
export async function waitForCondition(ctx: Wso2Context, path: string, name: string, type: string, timeoutMs = 60_000): Promise<void> {
  const tracker = new AcceptedTracker();
  await tracker.start(ctx.kc, path, type);
  try {
    if (!(await tracker.waitFor([name], timeoutMs))) throw new Error(`${name} did not reach ${type}=True within ${timeoutMs / 1000} s`);
  } finally {
    tracker.stop();
  }
}

/** Polls `done` every 100 ms until it is true; returns the moment it was seen true. */
export async function until(label: string, done: () => Promise<boolean>, timeoutMs = 300_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await done()) return performance.now();
    if (performance.now() > deadline) throw new Error(`${label}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `progress` at most every `everyMs`, for loops that poll faster than a person reads. */
export function throttledProgress(everyMs = 500): (message: string) => void {
  let last = -Infinity;
  return (message) => {
    const now = performance.now();
    if (now - last < everyMs) return;
    last = now;
    progress(message);
  };
}
