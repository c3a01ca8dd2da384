/**
 * kube-controller-manager's garbage collector, background propagation: when an object goes, its dependents (objects
 * whose metadata.ownerReferences name its uid) are deleted once none of their owners exists, or lose the dangling
 * reference when another owner remains. A dependent created with owners that are all gone is deleted too.
 * Work runs on setImmediate, after the request that triggered it has answered, as the controller's would.
 */
import type { ChangeEvent } from './event-log.ts';
import { deleteObject } from './delete-handlers.ts';
import type { ServerState } from './request-context.ts';
import { grKey, type KubeObj, type ResourceType } from './resource-type.ts';
import { objectKey } from './store.ts';
import { WorkQueue } from './work-queue.ts';

interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/** A dependent: its collection and key. */
interface Dependent {
  gr: string;
  key: string;
}

const ownersOf = (o: KubeObj): OwnerRef[] => (Array.isArray(o.metadata?.ownerReferences) ? o.metadata.ownerReferences : []);
const depKey = (d: Dependent) => `${d.gr} ${d.key}`;

export class GarbageCollector {
  private readonly state: ServerState;
  /** owner uid → its dependents. */
  private readonly dependents = new Map<string, Map<string, Dependent>>();
  /** Dependents to look at once the current request has answered. */
  private readonly queue = new WorkQueue<Dependent>((d) => this.attemptToDelete(d));

  constructor(state: ServerState) {
    this.state = state;
  }

  observe(gr: string, ev: ChangeEvent): void {
    const dep: Dependent = { gr, key: ev.key };
    const before = ownersOf(ev.prev ?? {});
    for (const o of before) this.dependents.get(o.uid)?.delete(depKey(dep));
    if (ev.type !== 'DELETED') {
      const owners = ownersOf(ev.object);
      for (const o of owners) {
        let deps = this.dependents.get(o.uid);
        if (!deps) this.dependents.set(o.uid, (deps = new Map()));
        deps.set(depKey(dep), dep);
      }
      // A new owner reference may already dangle.
      if (owners.some((o) => !before.some((p) => p.uid === o.uid))) this.enqueue(dep);
      return;
    }
    const uid = ev.object.metadata?.uid;
    for (const d of this.dependents.get(uid)?.values() ?? []) this.enqueue(d);
    // A uid is never reused: the gone owner's entry is not needed again (it stayed, empty, for the server's life).
    this.dependents.delete(uid);
  }

  private enqueue(d: Dependent): void {
    this.queue.add(depKey(d), d);
  }

  /** The GC's attemptToDeleteItem: delete when every owner is gone, else drop the references that dangle. */
  private attemptToDelete(d: Dependent): void {
    const { registry, store } = this.state;
    const t = registry.byGroupResource(d.gr);
    if (!t) return;
    const c = store.collection(d.gr);
    const obj = c.objects.get(d.key);
    if (!obj || obj.metadata.deletionTimestamp) return;
    const owners = ownersOf(obj);
    const alive = owners.filter((o) => this.exists(o, obj.metadata.namespace));
    if (alive.length === owners.length) return;
    if (alive.length === 0) {
      deleteObject(this.state, t, obj);
      return;
    }
    store.commit(c, d.key, 'MODIFIED', { ...obj, metadata: { ...obj.metadata, ownerReferences: alive } });
  }

  /** Whether the owner (by uid) exists; a namespaced dependent's owner is looked up in its namespace. */
  private exists(o: OwnerRef, namespace: string | undefined): boolean {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const t: ResourceType | undefined = this.state.registry.all().find((x) => x.group === group && x.kind === o.kind);
    // An owner of a kind the server does not serve cannot be resolved: kept, as the GC waits for discovery.
    if (!t) return true;
    const owner = this.state.store.collection(grKey(t)).objects.get(objectKey(t.namespaced ? namespace : undefined, o.name));
    return owner?.metadata.uid === o.uid;
  }
}
