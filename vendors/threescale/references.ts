import { templateReferences } from '../../shared/engine/templates.ts';
import { SECRET, type KubeObject, type ObjectRef } from '../../shared/kube/object-ref.ts';

/** A spec field that names something: a non-empty string, else undefined (references read unvalidated specs). */
export const nameOf = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The Secret the 3scale operator falls back to when `spec.providerAccountRef` is unset. */
export const DEFAULT_PROVIDER_ACCOUNT_SECRET = 'threescale-provider-account';

/** The provider account Secret this object uses (the operator reads it in the object's namespace). */
export function providerAccountSecretName(obj: KubeObject): string {
  const ref = (obj.spec as { providerAccountRef?: { name?: unknown } } | undefined)?.providerAccountRef;
  return typeof ref?.name === 'string' && ref.name ? ref.name : DEFAULT_PROVIDER_ACCOUNT_SECRET;
}

/**
 * What a 3scale object depends on: its provider account Secret (named, else the namespace default), and template
 * sources. Pure and tolerant of malformed specs: the watcher calls it on every object it sees.
 */
export function threescaleReferences(obj: KubeObject): ObjectRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  return [...templateReferences(obj.spec, ns), { apiVersion: SECRET.apiVersion, kind: SECRET.kind, namespace: ns, name: providerAccountSecretName(obj) }];
}
