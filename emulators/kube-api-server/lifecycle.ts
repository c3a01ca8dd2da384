/**
 * The controllers a cluster runs that clients can observe through the API alone:
 * - CRD establishing: a created CRD starts serving its resource; a deleted one stops.
 * - CRD cleanup: a deleting CRD deletes its custom resources, then goes away (finalizer customresourcecleanup).
 * - Namespace lifecycle: a deleting namespace is Terminating, its contents are deleted, then it goes away.
 * Work runs on setImmediate, after the request that triggered it has answered, as a controller's would.
 */
import type { ChangeEvent } from './event-log.ts';
import { grKey, type ResourceType } from './resource-type.ts';
import type { ServerState } from './request-context.ts';
import { isNamespaceType } from './core-types.ts';
import { deleteObject } from './delete-handlers.ts';
import { objectKey } from './store.ts';

const CRD_KEY = 'customresourcedefinitions.apiextensions.k8s.io';

export class Lifecycle {
  private readonly state: ServerState;
  private readonly queue = new Set<string>();
  private scheduled = false;

  constructor(state: ServerState) {
    this.state = state;
  }

  observe(key: string, ev: ChangeEvent): void {
    const { registry, store, terminatingNamespaces } = this.state;
    const t = registry.byGroupResource(key);
    const meta = ev.object.metadata;
    if (key === CRD_KEY) {
      if (ev.type === 'DELETED') {
        // The resource stops being served: its open watches end, as kube-apiserver's do.
        const t = registry.typeOfCrd(meta.name);
        if (t) for (const w of [...store.collection(grKey(t)).watchers]) w.close();
        registry.uninstallCrd(meta.name);
      }
      else {
        const crType = registry.installCrd(ev.object);
        if (meta.deletionTimestamp) {
          crType.terminating = true;
          this.enqueue(`crd:${meta.name}`);
        }
      }
      return;
    }
    if (t && isNamespaceType(t)) {
      if (ev.type === 'DELETED') terminatingNamespaces.delete(meta.name);
      else if (meta.deletionTimestamp) {
        terminatingNamespaces.add(meta.name);
        this.enqueue(`ns:${meta.name}`);
      }
      return;
    }
    if (ev.type !== 'DELETED' || !t) return;
    if (t.namespaced && terminatingNamespaces.has(meta.namespace)) this.enqueue(`ns:${meta.namespace}`);
    if (t.custom && t.terminating) this.enqueue(`crd:${t.resource}.${t.group}`);
  }

  private enqueue(item: string): void {
    this.queue.add(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const items = [...this.queue];
      this.queue.clear();
      for (const item of items) {
        if (item.startsWith('ns:')) this.cleanNamespace(item.slice(3));
        else this.cleanCrd(item.slice(4));
      }
    });
  }

  /** Deletes what is left in the namespace; once nothing is, the namespace itself is removed. */
  private cleanNamespace(ns: string): void {
    const { registry, store } = this.state;
    let remaining = 0;
    for (const t of registry.all()) {
      if (!t.namespaced) continue;
      const c = store.collection(grKey(t));
      for (const k of c.keys(ns)) {
        const obj = c.objects.get(k)!;
        if (!obj.metadata.deletionTimestamp && deleteObject(this.state, t, obj).deleted) continue;
        remaining++;
      }
    }
    if (remaining) return;
    const c = store.collection('namespaces');
    const nsObj = c.objects.get(objectKey(undefined, ns));
    if (nsObj?.metadata.deletionTimestamp && !(nsObj.metadata.finalizers ?? []).length) {
      store.commit(c, objectKey(undefined, ns), 'DELETED', { ...nsObj, spec: { ...nsObj.spec, finalizers: [] } });
    }
  }

  /** Deletes the CRD's custom resources; when none remain the CRD's cleanup finalizer is dropped and it is removed. */
  private cleanCrd(crdName: string): void {
    const { registry, store } = this.state;
    const t: ResourceType | undefined = registry.typeOfCrd(crdName);
    let remaining = 0;
    if (t) {
      const c = store.collection(grKey(t));
      for (const k of [...c.keys()]) {
        const obj = c.objects.get(k)!;
        if (!obj.metadata.deletionTimestamp && deleteObject(this.state, t, obj).deleted) continue;
        remaining++;
      }
    }
    if (remaining) return;
    const crds = store.collection(CRD_KEY);
    const crd = crds.objects.get(objectKey(undefined, crdName));
    if (!crd?.metadata.deletionTimestamp) return;
    const finalizers = (crd.metadata.finalizers ?? []).filter((f: string) => f !== 'customresourcecleanup.apiextensions.k8s.io');
    if (finalizers.length) store.commit(crds, objectKey(undefined, crdName), 'MODIFIED', { ...crd, metadata: { ...crd.metadata, finalizers } });
    else store.commit(crds, objectKey(undefined, crdName), 'DELETED', crd);
  }
}
