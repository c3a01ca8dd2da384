/**
 * The watch cache of one resource: the last N change events in resourceVersion order. A watch or a paginated
 * list from a resourceVersion older than what is kept gets 410 Expired, as with kube-apiserver's cacher/etcd compaction.
 */
import type { KubeObj } from './resource-type.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  type: EventType;
  rv: number;
  key: string;
  object: KubeObj;
  /** State before the change (absent for ADDED): label-selector transitions and list snapshots need it. */
  prev?: KubeObj;
}

export class EventLog {
  private events: ChangeEvent[] = [];
  private head = 0;
  private readonly limit: number;
  /** Every event with rv <= floor is gone; resuming at floor or later is still exact. */
  floor: number;

  constructor(limit: number, floor: number) {
    this.limit = Math.max(1, limit);
    this.floor = floor;
  }

  push(ev: ChangeEvent): void {
    this.events.push(ev);
    if (this.events.length - this.head > this.limit) {
      this.floor = this.events[this.head].rv;
      this.head++;
      // Reclaim the evicted prefix in batches so pushes stay amortised O(1).
      if (this.head >= this.limit) {
        this.events = this.events.slice(this.head);
        this.head = 0;
      }
    }
  }

  /** Forget everything up to `rv` (compaction). */
  compact(rv: number): void {
    this.events = [];
    this.head = 0;
    this.floor = rv;
  }

  /** Events after `rv`, oldest first; undefined when some of them were already evicted. */
  since(rv: number): ChangeEvent[] | undefined {
    if (rv < this.floor) return undefined;
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }
}
