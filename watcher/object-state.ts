import { FINALIZER } from '../shared/engine/metadata-keys.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';

/** A resource type as the watcher handles it; `synced` types are forwarded, `data` types (Secret, ConfigMap) only versioned. */
export interface TrackedType {
  apiVersion: string;
  kind: string;
  plural: string;
  role: 'synced' | 'data';
}

/**
 * What the watcher remembers of one object: keys and versions, never the object. About 200 bytes each.
 * Fields are updated in place, so a message waiting to be sent always carries the latest version.
 */
export class ObjectState {
  readonly type: TrackedType;
  /** apiVersion/kind/namespace/name, as keyOf() writes it; namespace and name are read back from it. */
  readonly key: string;
  uid = '';
  resourceVersion = '';
  generation: number | undefined = undefined;
  deleting = false;
  /** 32-bit hash of the sorted finalizer list (0: none). */
  finalizers = 0;
  hasOurFinalizer = false;
  /** Keys of the objects this one reads (synced types only); arrays are shared between objects with the same refs. */
  refs: readonly string[] = NO_REFS;
  /** Keys under which others reference this object besides its own (WatchedKind.aliases). */
  aliases: readonly string[] = NO_REFS;
  /** Keys of the synced objects that wait for this one: its `mutual` references, and its owners that wait for its changes. */
  waiters: readonly string[] = NO_REFS;
  /** Keys of its owners that wait only for its removal (WatchedKind.waitsForOwned): told when it goes, if being deleted. */
  removalWaiters: readonly string[] = NO_REFS;
  /** Its Ready condition is True: a reference becoming Ready lets the objects waiting for it proceed. */
  ready = false;
  /** 32-bit hash of its SYNC_ANNOTATIONS (0: none). */
  annotations = 0;
  /** Data types only: the referenced object does not exist (its users were told so). */
  absent = false;
  /** Number of the last list that saw the object; a relist drops objects it did not see. */
  listEpoch = 0;

  constructor(type: TrackedType, key: string) {
    this.type = type;
    this.key = key;
  }

  private get nameAt(): number {
    return this.key.indexOf('/', this.type.apiVersion.length + this.type.kind.length + 2) + 1;
  }

  get namespace(): string {
    return this.key.slice(this.type.apiVersion.length + this.type.kind.length + 2, this.nameAt - 1);
  }

  get name(): string {
    return this.key.slice(this.nameAt);
  }

  inNamespace(namespace: string): boolean {
    const at = this.type.apiVersion.length + this.type.kind.length + 2;
    return this.key.startsWith(namespace, at) && this.key.charCodeAt(at + namespace.length) === 47; // '/'
  }
}

/**
 * keyOf()'s format, built by join so that the string is flat: a template literal leaves a tree of its parts, which
 * costs about 200 bytes more per object once used as a Map key.
 */
export function objectKey(apiVersion: string, kind: string, namespace: string, name: string): string {
  return [apiVersion, kind, namespace, name].join('/');
}

export const NO_REFS: readonly string[] = Object.freeze([]);

/** The facts of one version of an object the change filter compares. */
export interface Observed {
  uid: string;
  resourceVersion: string;
  generation: number | undefined;
  deleting: boolean;
  finalizers: number;
  hasOurFinalizer: boolean;
  ready: boolean;
  /** Hash of the SYNC_ANNOTATIONS it carries (0 or absent: none). */
  annotations?: number;
}

/**
 * Annotations a user sets to change what a sync does without changing the spec (the WSO2 RestApi's adoption of an
 * APIM API it conflicts with, a deployment state): a change of them is forwarded like a spec change.
 */
export const SYNC_ANNOTATIONS = ['apim-sync.io/adopt', 'apim-sync.io/deployment-state'];

export function observe(obj: KubeObject): Observed {
  const m = obj.metadata;
  const fins = Array.isArray(m.finalizers) ? m.finalizers : [];
  return {
    uid: m.uid ?? '',
    resourceVersion: m.resourceVersion ?? '',
    generation: typeof m.generation === 'number' ? m.generation : undefined,
    deleting: Boolean(m.deletionTimestamp),
    finalizers: fins.length ? fnv1a([...fins].sort().join('\n')) : 0,
    hasOurFinalizer: fins.includes(FINALIZER),
    ready: readyTrue(obj),
    annotations: syncAnnotationsHash(m.annotations),
  };
}

function syncAnnotationsHash(annotations: Record<string, string> | undefined): number {
  if (!annotations) return 0;
  const set = SYNC_ANNOTATIONS.filter((k) => annotations[k] !== undefined).map((k) => `${k}=${annotations[k]}`);
  return set.length ? fnv1a(set.join('\n')) : 0;
}

export function assign(state: ObjectState, o: Observed): void {
  state.uid = o.uid;
  state.resourceVersion = o.resourceVersion;
  state.generation = o.generation;
  state.deleting = o.deleting;
  state.finalizers = o.finalizers;
  state.hasOurFinalizer = o.hasOurFinalizer;
  state.ready = o.ready;
  state.annotations = o.annotations ?? 0;
}

/** Ready True for the current spec: a Ready condition observed at an older generation says nothing of the new one. */
function readyTrue(obj: KubeObject): boolean {
  const conditions = (obj.status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return false;
  const ready = conditions.find((c) => c && typeof c === 'object' && c.type === 'Ready');
  return ready?.status === 'True' && (typeof ready.observedGeneration !== 'number' || ready.observedGeneration === obj.metadata.generation);
}

/**
 * "In step": a Ready condition observed at the current generation, not False, and not being deleted. The sync function
 * writes it after every successful sync, so an object in step needs nothing at watcher start. A Ready=False is synced
 * again at start: the plane may have restarted with other settings (ALLOW_LOOPBACK, a vendor timeout), or a
 * reference may have appeared while no watcher ran, and neither changes the object itself.
 */
export function inStep(obj: KubeObject): boolean {
  if (obj.metadata.deletionTimestamp) return false;
  const conditions = (obj.status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return false;
  const ready = conditions.find((c) => c && typeof c === 'object' && (c as { type?: unknown }).type === 'Ready') as { observedGeneration?: unknown; status?: unknown } | undefined;
  return ready !== undefined && ready.status !== 'False' && typeof ready.observedGeneration === 'number' && ready.observedGeneration === obj.metadata.generation;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0 || 1; // a small integer, not a heap number
}
