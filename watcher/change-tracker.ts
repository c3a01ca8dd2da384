import { createHash } from 'node:crypto';
import type { SyncReason } from '../shared/queue/envelope.ts';
import type { DependencyRef, WatchedKind } from '../shared/engine/kind.ts';
import type { KubeObject, ObjectRef } from '../shared/kube/object-ref.ts';
import { classifyChange, classifyNew, type Decision, type SkipReason } from './change-filter.ts';
import { DependencyIndex } from './dependency-index.ts';
import type { WatcherLog } from './log.ts';
import type { WatcherMetrics } from './metrics.ts';
import { assign, NO_REFS, objectKey, observe, ObjectState, type TrackedType } from './object-state.ts';

export interface TrackerDeps {
  /** Queues a message for a synced object (coalesced by the sender). */
  forward(state: ObjectState, reason: SyncReason, cause?: string): void;
  /** One metadata-only read of a Secret/ConfigMap that just became referenced; the answer comes back through fetched(). */
  fetch(type: TrackedType, namespace: string, name: string): void;
  /** What a synced object reads (WatchedKind.references). */
  references(type: TrackedType, obj: KubeObject): DependencyRef[];
  /** Other names of a synced object (WatchedKind.aliases). */
  aliases?(type: TrackedType, obj: KubeObject): ObjectRef[];
  /** What an owner of this kind waits for of the objects it owns (WatchedKind.waitsForOwned; default `changes`). */
  waitsForOwned?(apiVersion: string, kind: string): WatchedKind['waitsForOwned'];
  dataTypes: TrackedType[];
  /** Whether a namespace is watched at all (a reference outside can never be observed). */
  watchesNamespace(namespace: string): boolean;
  metrics: WatcherMetrics;
  log: WatcherLog;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * The watcher's memory and its decisions: for each event or list item, whether the sync must hear of it, and which
 * dependents must hear of it too. Holds keys and versions only (see ObjectState).
 */
export class ChangeTracker {
  /** Objects of the synced kinds, by key. */
  readonly objects = new Map<string, ObjectState>();
  /** Referenced Secrets and ConfigMaps (their uid and resourceVersion: the watcher never reads their data), by key. */
  readonly data = new Map<string, ObjectState>();
  readonly index = new DependencyIndex();
  private readonly deps: TrackerDeps;
  /** `${kind}|${namespace or *}` of data lists that completed: from then on a new reference is fetched. */
  private readonly dataListed = new Set<string>();
  private readonly fetching = new Set<string>();
  /** Keys of the synced objects being deleted: few at a time, so finding one by an alias scans only them. */
  private readonly deleting = new Set<string>();

  constructor(deps: TrackerDeps) {
    this.deps = deps;
  }

  /** One item of a list. `initial`: the first list of this watch (no cascades: nothing was known before). */
  listItem(type: TrackedType, obj: KubeObject, epoch: number, initial: boolean): void {
    this.deps.metrics.events.inc({ kind: type.kind });
    const st = type.role === 'synced' ? this.applySynced(type, obj, !initial) : this.applyData(type, obj, false);
    if (st) st.listEpoch = epoch;
  }

  /** A list completed: whatever of its scope it did not see was deleted while the watch was away. */
  listDone(type: TrackedType, namespace: string | undefined, epoch: number): void {
    const inScope = (st: ObjectState) => st.type === type && (namespace === undefined || st.inNamespace(namespace)) && st.listEpoch !== epoch;
    if (type.role === 'synced') {
      for (const st of [...this.objects.values()].filter(inScope)) this.removeSynced(st, causeOf(st.key, `deleted:${st.uid}`));
      return;
    }
    for (const st of [...this.data.values()].filter(inScope)) {
      if (!st.absent) this.dataChanged(st, true, causeOf(st.key, `deleted:${st.uid}`));
    }
    this.dataListed.add(`${type.kind}|${namespace ?? '*'}`);
    // Referenced but not in the list: fetched once, since a reference may have appeared after its page went by.
    for (const { ref } of this.index.referenced((r) => r.kind === type.kind && r.apiVersion === type.apiVersion && (namespace === undefined || r.namespace === namespace))) {
      this.requestFetch(type, ref);
    }
  }

  event(type: TrackedType, eventType: WatchEventType, obj: KubeObject): void {
    this.deps.metrics.events.inc({ kind: type.kind });
    if (type.role === 'data') {
      if (eventType === 'DELETED') this.deleteData(type, obj);
      else this.applyData(type, obj, true);
      return;
    }
    if (eventType !== 'DELETED') {
      this.applySynced(type, obj, true);
      return;
    }
    const st = this.objects.get(keyFor(type, obj));
    if (st && (!obj.metadata.uid || st.uid === obj.metadata.uid)) this.removeSynced(st, causeOf(st.key, obj.metadata.resourceVersion ?? st.resourceVersion));
  }

  /** The answer to fetch(): the object, or undefined when it does not exist. */
  fetched(type: TrackedType, namespace: string, name: string, obj: KubeObject | undefined): void {
    const key = objectKey(type.apiVersion, type.kind, namespace, name);
    if (!this.fetching.delete(key) || this.data.has(key) || !this.index.isReferenced(key)) return;
    this.newData(type, key, obj ?? { apiVersion: type.apiVersion, kind: type.kind, metadata: { namespace, name } }).absent = !obj;
  }

  /** A fetch that keeps failing: the key stays "fetching", so the object's first event reaches its users, to be safe. */
  fetchAbandoned(type: TrackedType, namespace: string, name: string): void {
    this.deps.log.warn('could not read a referenced object; its first change will be forwarded', { kind: type.kind, namespace, name });
  }

  /** Periodic resync: every synced object, with the epoch as cause so the queue's dedup window lets it through. */
  resync(epoch: number): number {
    for (const st of this.objects.values()) this.resyncObject(st, epoch);
    return this.objects.size;
  }

  /** One object's periodic resync (the watcher paces them: resync-pacer.ts); skipped if it is gone meanwhile. */
  resyncObject(st: ObjectState, epoch: number): void {
    if (this.objects.get(st.key) === st) this.forward(st, 'resync', String(epoch));
  }

  countsByKind(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const st of this.objects.values()) out[st.type.kind] = (out[st.type.kind] ?? 0) + 1;
    return out;
  }

  private applySynced(type: TrackedType, obj: KubeObject, cascade: boolean): ObjectState {
    const key = keyFor(type, obj);
    const next = observe(obj);
    let st = this.objects.get(key);
    if (st && next.uid && st.uid !== next.uid) {
      this.removeSynced(st, causeOf(key, `deleted:${st.uid}`));
      st = undefined;
    }
    if (!st) {
      st = new ObjectState(type, key);
      assign(st, next);
      this.objects.set(key, st);
      this.trackDeleting(st);
      this.setRefs(st, obj);
      this.setAliases(st, obj);
      this.decide(st, classifyNew(obj, next));
      // A reference that appears lets its waiting users proceed.
      if (cascade) this.cascade(st, causeOf(key, next.resourceVersion));
      return st;
    }
    const generationMoved = next.generation !== st.generation;
    // Deletion bumps the generation too, but users do not depend on the deletion of what they use.
    const startsDeleting = next.deleting && !st.deleting;
    // A status write that makes it Ready lets users waiting for it proceed (a Product for its Backend, a DeveloperUser for its account).
    const becameReady = next.ready && !st.ready;
    const decision = classifyChange(st, next);
    assign(st, next);
    this.trackDeleting(st);
    const oldAliases = st.aliases;
    if (generationMoved || next.generation === undefined) {
      this.setRefs(st, obj);
      this.setAliases(st, obj);
    }
    // Users of an alias it no longer has must hear that it is gone for them.
    for (const a of oldAliases.filter((x) => !st.aliases.includes(x))) {
      for (const u of this.index.users(a)) {
        const user = this.objects.get(u);
        if (user) this.forward(user, 'reference-changed', causeOf(key, next.resourceVersion));
      }
    }
    this.decide(st, decision);
    if ((generationMoved || becameReady) && !startsDeleting) this.cascade(st, causeOf(key, next.resourceVersion));
    return st;
  }

  /**
   * Gone for good: its users are told, and so are those being deleted that wait for it to go: the objects it
   * referenced that wait for their users, and its owners that wait for what they own (once each).
   */
  private removeSynced(st: ObjectState, cause: string): void {
    this.objects.delete(st.key);
    this.deleting.delete(st.key);
    const { refs, waiters, removalWaiters } = st;
    this.setRefs(st, undefined);
    const owners = removalWaiters.map((k) => this.objects.get(k)).filter((o): o is ObjectState => o?.deleting === true);
    for (const target of new Set([...refs.flatMap((ref) => this.deletingAs(ref)), ...owners])) this.forward(target, 'dependent-removed', causeOf(st.key, st.uid));
    this.cascade(st, cause, waiters);
  }

  private trackDeleting(st: ObjectState): void {
    if (st.deleting) this.deleting.add(st.key);
    else this.deleting.delete(st.key);
  }

  /** Objects being deleted known under key, by their own key or an alias (a 3scale Backend by its system name). */
  private deletingAs(key: string): ObjectState[] {
    const found: ObjectState[] = [];
    for (const k of this.deleting) {
      const st = this.objects.get(k);
      if (st && (k === key || st.aliases.includes(key))) found.push(st);
    }
    return found;
  }

  private setAliases(st: ObjectState, obj: KubeObject): void {
    const keys = [...new Set((this.deps.aliases?.(st.type, obj) ?? []).map(refKey))].filter((k) => k !== st.key);
    st.aliases = keys.length ? Object.freeze(keys) : NO_REFS;
  }

  private setRefs(st: ObjectState, obj: KubeObject | undefined): void {
    const all = obj ? this.deps.references(st.type, obj) : [];
    // Its owners wait for it too, though they cannot name it in their references, for what their kind says: its
    // changes (an OpenAPI for the Product it generated), or only its removal (an APIGateway's deletion, for what its
    // control plane deployed). Owners of unwatched kinds are ignored.
    const owners = obj?.metadata.ownerReferences ?? [];
    const removalOnly = (o: { apiVersion: string; kind: string }) => this.deps.waitsForOwned?.(o.apiVersion, o.kind) === 'removal';
    const ownerKeys = (list: typeof owners) => list.map((o) => objectKey(o.apiVersion, o.kind, st.namespace, o.name));
    const waiters = [...new Set([...all.filter((r) => r.mutual).map(refKey), ...ownerKeys(owners.filter((o) => !removalOnly(o)))])];
    st.waiters = waiters.length ? waiters : NO_REFS;
    const removalWaiters = ownerKeys(owners.filter(removalOnly));
    st.removalWaiters = removalWaiters.length ? removalWaiters : NO_REFS;
    const refs = all.map((ref) => ({ key: refKey(ref), ref }));
    if (refs.length === 0 && st.refs.length === 0) return;
    const previous = st.refs;
    const { refs: keys, dropped } = this.index.update(st.key, previous, refs);
    st.refs = keys.length ? keys : NO_REFS;
    for (const key of keys) {
      if (previous.includes(key)) continue;
      const r = refs.find((x) => x.key === key)?.ref as ObjectRef;
      const dataType = this.dataTypeOf(r);
      if (dataType && !this.data.has(key) && this.dataIsListed(dataType, r.namespace)) this.requestFetch(dataType, r);
    }
    for (const key of dropped) {
      if (!this.index.isReferenced(key)) {
        this.data.delete(key);
        this.fetching.delete(key);
      }
      // No longer used by this object: a target waiting for its users to go may now proceed.
      if (obj) for (const target of this.deletingAs(key)) this.forward(target, 'dependent-removed', causeOf(st.key, st.resourceVersion));
    }
  }

  /**
   * A version of a referenced Secret or ConfigMap. Its users are told of every new resourceVersion: the watcher reads
   * metadata only, and kube-apiserver offers no other version of them (they have no generation), so a label or
   * annotation change is forwarded too; the sync finds nothing changed and writes nothing.
   */
  private applyData(type: TrackedType, obj: KubeObject, fromWatch: boolean): ObjectState | undefined {
    const key = keyFor(type, obj);
    if (!this.index.isReferenced(key)) {
      this.skip('unreferenced');
      return undefined;
    }
    let st = this.data.get(key);
    if (!st) {
      st = this.newData(type, key, obj);
      // Seen while its fetch is under way: it may have changed after its users were synced, so they hear of it.
      if (fromWatch && this.fetching.delete(key)) this.cascade(st, causeOf(key, st.resourceVersion));
      else this.skip('baseline');
      return st;
    }
    const rv = obj.metadata.resourceVersion ?? '';
    if (!st.absent && st.resourceVersion === rv && st.uid === obj.metadata.uid) {
      this.skip('unchanged');
      return st;
    }
    st.uid = obj.metadata.uid ?? '';
    st.resourceVersion = rv;
    this.dataChanged(st, false, causeOf(key, rv));
    return st;
  }

  private deleteData(type: TrackedType, obj: KubeObject): void {
    const key = keyFor(type, obj);
    if (!this.index.isReferenced(key)) return this.skip('unreferenced');
    let st = this.data.get(key);
    if (!st) {
      if (!this.fetching.delete(key)) return this.skip('baseline');
      st = this.newData(type, key, obj);
    }
    st.resourceVersion = obj.metadata.resourceVersion ?? st.resourceVersion;
    if (st.absent) return this.skip('unchanged');
    this.dataChanged(st, true, causeOf(key, st.resourceVersion));
  }

  private newData(type: TrackedType, key: string, obj: KubeObject): ObjectState {
    const st = new ObjectState(type, key);
    st.uid = obj.metadata.uid ?? '';
    st.resourceVersion = obj.metadata.resourceVersion ?? '';
    this.data.set(key, st);
    return st;
  }

  private dataChanged(st: ObjectState, absent: boolean, cause: string): void {
    st.absent = absent;
    const users = this.cascade(st, cause);
    this.deps.log.debug('referenced object changed', { kind: st.type.kind, namespace: st.namespace, name: st.name, users });
  }

  /**
   * The objects that read st, and those waiting for them; reason reference-changed. A Secret's or ConfigMap's reach
   * its users' users too (a context's Secret is read by every API of the context at sync time); an object's, only its
   * direct users: users of users read what it produced, not it (a Subscription reads its API, not the API's
   * ApiResource), and they hear of that when it changes or becomes Ready in turn.
   */
  private cascade(st: ObjectState, cause: string, waiters: readonly string[] = st.waiters): number {
    let n = 0;
    const isData = this.data.get(st.key) === st;
    const users = [st.key, ...st.aliases].flatMap((k) => (isData ? this.index.transitiveUsers(k) : [...this.index.users(k)]));
    const targets = new Set([...users, ...waiters]);
    for (const key of users) for (const w of this.objects.get(key)?.waiters ?? NO_REFS) targets.add(w);
    targets.delete(st.key);
    for (const key of targets) {
      const user = this.objects.get(key);
      if (!user) continue;
      this.forward(user, 'reference-changed', cause);
      n++;
    }
    return n;
  }

  private decide(st: ObjectState, d: Decision): void {
    if (d.forward) this.forward(st, d.forward);
    else this.skip(d.skip);
  }

  private forward(st: ObjectState, reason: SyncReason, cause?: string): void {
    this.deps.metrics.forwarded.inc({ reason });
    this.deps.log.debug('forward', { kind: st.type.kind, namespace: st.namespace, name: st.name, reason });
    this.deps.forward(st, reason, cause);
  }

  private skip(reason: SkipReason): void {
    this.deps.metrics.skipped.inc({ reason });
  }

  private dataTypeOf(ref: ObjectRef): TrackedType | undefined {
    return this.deps.dataTypes.find((t) => t.kind === ref.kind && t.apiVersion === ref.apiVersion);
  }

  private dataIsListed(type: TrackedType, namespace: string): boolean {
    return this.dataListed.has(`${type.kind}|*`) || this.dataListed.has(`${type.kind}|${namespace}`);
  }

  private requestFetch(type: TrackedType, ref: ObjectRef): void {
    const key = refKey(ref);
    if (this.data.has(key) || this.fetching.has(key) || !this.deps.watchesNamespace(ref.namespace)) return;
    this.fetching.add(key);
    this.deps.fetch(type, ref.namespace, ref.name);
  }
}

function keyFor(type: TrackedType, obj: KubeObject): string {
  return objectKey(type.apiVersion, type.kind, obj.metadata.namespace ?? '', obj.metadata.name);
}

function refKey(r: ObjectRef): string {
  return objectKey(r.apiVersion, r.kind, r.namespace, r.name);
}

/** Which version of which object caused a message: distinct causes must not share a dedup id. At most 300 characters. */
export function causeOf(key: string, version: string): string {
  const s = `${key}@${version}`;
  return s.length <= 300 ? s : createHash('sha256').update(s).digest('hex');
}
