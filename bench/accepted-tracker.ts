import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Condition } from '../shared/engine/conditions.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';

/**
 * Records, per object name, the first moment a watch shows Accepted=True for its current generation: the user's
 * view of "synced", independent of how the sync plane is built.
 */
export class AcceptedTracker {
  readonly acceptedAt = new Map<string, number>();
  private abort: AbortController | undefined;
  private waiters: (() => void)[] = [];

  private stopped = false;

  async start(kc: KubeConfig, path: string, conditionType = 'Accepted'): Promise<void> {
    this.abort = await new Watch(kc).watch(
      path,
      {},
      (_phase, obj: KubeObject) => {
        const c = ((obj.status?.conditions ?? []) as Condition[]).find((x) => x.type === conditionType);
        if (c?.status === 'True' && c.observedGeneration === obj.metadata.generation && !this.acceptedAt.has(obj.metadata.name)) {
          this.acceptedAt.set(obj.metadata.name, performance.now());
          for (const w of this.waiters.splice(0)) w();
        }
      },
      // The client ends a watch after its request timeout. A new watch lists what exists again, so nothing is
      // missed; an object that became ready in the gap is recorded when the new watch starts (late, never early).
      () => {
        if (this.stopped) return;
        setTimeout(() => void this.start(kc, path, conditionType).catch(() => {}), 100);
      },
    );
  }

  async waitFor(names: string[], timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!names.every((n) => this.acceptedAt.has(n))) {
      if (performance.now() > deadline) return false;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }
}
