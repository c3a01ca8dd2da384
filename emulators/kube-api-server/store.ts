/**
 * The storage layer (etcd plus the watch cache, in one process): objects per resource keyed by namespace/name,
 * one global resourceVersion counter, an event log per resource, and synchronous fan-out to open watches.
 */
import { EventLog, type ChangeEvent, type EventType } from './event-log.ts';
import type { KubeObj } from './resource-type.ts';

export interface WatchSink {
  deliver(ev: ChangeEvent): void;
  /** Ends the watch (its resource stopped being served). */
  close(): void;
}

export const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

/** All objects of one group/resource, whatever version they are served in. */
export class Collection {
  readonly objects = new Map<string, KubeObj>();
  readonly log: EventLog;
  readonly watchers = new Set<WatchSink>();
  private sorted: string[] | null = null;

  constructor(historyLimit: number, floor: number) {
    this.log = new EventLog(historyLimit, floor);
  }

  /** Keys in etcd order (namespace, then name), restricted to one namespace when given. Cached until a create or delete. */
  keys(namespace?: string): string[] {
    if (!this.sorted) this.sorted = [...this.objects.keys()].sort();
    if (namespace === undefined) return this.sorted;
    const from = lowerBound(this.sorted, `${namespace}/`);
    const to = lowerBound(this.sorted, `${namespace}0`); // '0' follows '/' in byte order
    return this.sorted.slice(from, to);
  }

  setObject(key: string, obj: KubeObj | undefined): void {
    const existed = this.objects.has(key);
    if (obj) this.objects.set(key, obj);
    else this.objects.delete(key);
    if (existed !== !!obj) this.sorted = null;
  }
}

/** First index whose key is >= x in a sorted key list. */
export function lowerBound(a: string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Store {
  private rv = 100;
  private readonly collections = new Map<string, Collection>();
  private readonly historyLimit: number;
  /** Sees every committed change after watchers do; the CRD and namespace lifecycle hang off it. */
  observer?: (grKey: string, ev: ChangeEvent) => void;
  private readonly keyOfCollection = new Map<Collection, string>();

  constructor(historyLimit: number) {
    this.historyLimit = historyLimit;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  collection(grKey: string): Collection {
    let c = this.collections.get(grKey);
    if (!c) {
      c = new Collection(this.historyLimit, this.rv);
      this.collections.set(grKey, c);
      this.keyOfCollection.set(c, grKey);
    }
    return c;
  }

  /** Stores (or, with type DELETED, removes) an object under a fresh resourceVersion and notifies watchers. */
  commit(c: Collection, key: string, type: EventType, obj: KubeObj): KubeObj {
    const rv = ++this.rv;
    const prev = c.objects.get(key);
    const object = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    c.setObject(key, type === 'DELETED' ? undefined : object);
    const ev: ChangeEvent = { type, rv, key, object, prev };
    c.log.push(ev);
    for (const w of c.watchers) w.deliver(ev);
    this.observer?.(this.keyOfCollection.get(c)!, ev);
    return object;
  }

  /** Expires all history: resuming watches or list continuations from before now gets 410 Expired. */
  compact(): void {
    for (const c of this.collections.values()) c.log.compact(this.rv);
  }

  /** The objects of `c` as they were at `rv` for the given keys, or undefined when that is older than the history. */
  snapshotOverrides(c: Collection, rv: number): Map<string, KubeObj | null> | undefined {
    const events = c.log.since(rv);
    if (!events) return undefined;
    const overrides = new Map<string, KubeObj | null>();
    for (let i = events.length - 1; i >= 0; i--) overrides.set(events[i].key, events[i].prev ?? null);
    return overrides;
  }
}
