import type { ObjectRef } from './object-ref.ts';

/** Where a kind lives on the API server. Registered by the vendor folders, so the cluster client needs no discovery calls. */
export interface ResourceType {
  apiVersion: string;
  kind: string;
  plural: string;
  /**
   * Other versions its CRD serves with the same schema and no conversion (WSO2's v1alpha1 beside v1): a resource
   * written at one of them is this kind, read back at `apiVersion`.
   */
  alsoServedAs?: string[];
}

const byKind = new Map<string, ResourceType>();
const typeKey = (apiVersion: string, kind: string) => `${apiVersion}/${kind}`;

export function registerResourceType(t: ResourceType): void {
  byKind.set(typeKey(t.apiVersion, t.kind), t);
}

for (const [kind, plural] of [['Secret', 'secrets'], ['ConfigMap', 'configmaps'], ['Event', 'events'], ['Namespace', 'namespaces']] as const) {
  registerResourceType({ apiVersion: 'v1', kind, plural });
}

export function resourceType(apiVersion: string, kind: string): ResourceType {
  const t = byKind.get(typeKey(apiVersion, kind));
  if (!t) throw new Error(`unsupported kind ${kind} (${apiVersion})`);
  return t;
}

/** REST path of a collection (namespace omitted: all namespaces) or, with a name, of one object. */
export function resourcePath(t: Pick<ObjectRef, 'apiVersion' | 'kind'>, namespace?: string, name?: string): string {
  const { plural } = resourceType(t.apiVersion, t.kind);
  const base = t.apiVersion.includes('/') ? `/apis/${t.apiVersion}` : `/api/${t.apiVersion}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}
