import type { KubernetesObjectApi } from '@kubernetes/client-node';
import type { Manifest } from '../local/apply.ts';
import type { AcceptedTracker } from './accepted-tracker.ts';
import { progress, progressDone, round } from './stats.ts';

/** Creates every manifest with `parallel` creates in flight (a GitOps tool applying a folder); returns when each was created. */
export async function createAll(objects: KubernetesObjectApi, manifests: Manifest[], label: string, parallel = 16): Promise<Map<string, number>> {
  const appliedAt = new Map<string, number>();
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < manifests.length) {
        const m = manifests[next++];
        await objects.create(m);
        appliedAt.set(m.metadata.name, performance.now());
      }
    }),
  );
  progressDone(`applied ${manifests.length} ${label} in ${round((performance.now() - start) / 1000, 2)} s`);
  return appliedAt;
}

/** Waits until the tracker has seen every name, showing the count at a terminal; returns the last moment. */
export async function waitAll(tracker: AcceptedTracker, names: string[], label: string, timeoutMs = 300_000): Promise<number> {
  const waiting = tracker.waitFor(names, timeoutMs);
  const ticker = setInterval(() => progress(`${label}: ${names.filter((n) => tracker.acceptedAt.has(n)).length}/${names.length}`), 500);
  const ok = await waiting;
  clearInterval(ticker);
  if (!ok) throw new Error(`not every object reached ${label} within ${timeoutMs / 1000} s`);
  progressDone(`all ${names.length} ${label}`);
  return Math.max(...names.map((n) => tracker.acceptedAt.get(n) ?? 0));
}
