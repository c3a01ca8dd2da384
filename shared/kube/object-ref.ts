/** Identifies one Kubernetes object; the unit everything in apim-sync is keyed by. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** metadata.ownerReferences: the objects this one belongs to (its namespace's, for a namespaced object). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    deletionTimestamp?: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    creationTimestamp?: string;
    ownerReferences?: OwnerReference[];
  };
  spec?: unknown;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export const keyOf = (r: ObjectRef): string => `${r.apiVersion}/${r.kind}/${r.namespace}/${r.name}`;

export function refOf(o: KubeObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name };
}

export const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;
export const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
