import { PatchStrategy, type CoreV1Event, type KubernetesObject } from '@kubernetes/client-node';
import { findCondition } from '../../shared/engine/conditions.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { startSyncPlane, type SyncPlane, type SyncPlaneOptions } from '../../local/sync-plane.ts';
import { jsonLogger } from '../../shared/log.ts';
import type { ClusterUnderTest } from './cluster-under-test.ts';
import { waitFor } from './wait.ts';

/** Reading, applying and waiting on objects in the test namespace; shared by every vendor's e2e world. */
export interface WorldObjects {
  apply(obj: Record<string, unknown>): Promise<KubeObject>;
  get(kind: string, name: string, apiVersion?: string): Promise<KubeObject | undefined>;
  remove(kind: string, name: string, apiVersion?: string): Promise<void>;
  waitForCondition(kind: string, name: string, type: string, status: 'True' | 'False', opts?: { reason?: string; generation?: boolean; apiVersion?: string }): Promise<KubeObject>;
  waitForGone(kind: string, name: string): Promise<void>;
  /** The Events recorded about the object named `name` (UpdateStarted, DeleteBlocked…), whatever its kind. */
  events(name: string): Promise<CoreV1Event[]>;
}

/** The condition of `type` in an object's status, if it has one (the engine's own lookup). */
export const conditionOf = (obj: { status?: Record<string, unknown> } | undefined, type: string) => findCondition(obj?.status, type);

export function worldObjects(cluster: ClusterUnderTest, defaultApiVersion: string): WorldObjects {
  const ns = cluster.namespace;
  const get = async (kind: string, name: string, apiVersion = defaultApiVersion) => {
    try {
      return (await cluster.objects.read({ apiVersion, kind, metadata: { name, namespace: ns } })) as KubeObject;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  };
  return {
    get,
    async apply(obj) {
      const o = { ...obj, metadata: { namespace: ns, ...(obj.metadata as object) } } as KubernetesObject & { metadata: { name: string } };
      const existing = await get(o.kind ?? '', o.metadata.name, o.apiVersion);
      if (!existing) return (await cluster.objects.create(o)) as KubeObject;
      return (await cluster.objects.patch(o, undefined, undefined, 'apim-sync-e2e', undefined, PatchStrategy.MergePatch)) as KubeObject;
    },
    async remove(kind, name, apiVersion = defaultApiVersion) {
      await cluster.objects.delete({ apiVersion, kind, metadata: { name, namespace: ns } }).catch((err) => {
        if ((err as { code?: number }).code !== 404) throw err;
      });
    },
    waitForCondition(kind, name, type, status, o = {}) {
      return waitFor(`${kind} ${name} ${type}=${status}${o.reason ? ` (${o.reason})` : ''}`, async () => {
        const obj = await get(kind, name, o.apiVersion);
        const c = conditionOf(obj, type);
        if (!obj || !c || c.status !== status || (o.reason && c.reason !== o.reason)) return undefined;
        if (o.generation !== false && c.observedGeneration !== obj.metadata.generation) return undefined;
        return obj;
      });
    },
    async waitForGone(kind, name) {
      await waitFor(`${kind} ${name} gone`, async () => !(await get(kind, name)));
    },
    async events(name) {
      return (await cluster.core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${name}` })).items;
    },
  };
}

/** The sync plane of an e2e world: watches the test namespace, allows loopback vendors, retries fast; logs kept. */
export function startWorldPlane(cluster: ClusterUnderTest, logs: string[], opts: Partial<SyncPlaneOptions>): Promise<SyncPlane> {
  return startSyncPlane({
    kubeConfig: cluster.kubeConfig,
    namespaces: [cluster.namespace],
    allowLoopback: true,
    retry: { baseSeconds: 1, maxSeconds: 2, referenceAttempts: 3 },
    log: jsonLogger({ level: 'DEBUG', sink: (l) => logs.push(l) }),
    ...opts,
  });
}
