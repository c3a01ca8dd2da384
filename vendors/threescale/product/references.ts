import type { KubeObject, ObjectRef } from '../../../shared/kube/object-ref.ts';
import { threescaleReferences } from '../references.ts';
import { backendAlias } from '../backend-alias.ts';
import { referencedBackends } from './backends.ts';
import { productSecretRefs } from './secret-refs.ts';

/**
 * What a Product depends on: the provider account and template sources (as every 3scale kind), the Secrets of its
 * OIDC issuer and policies, and its backends by system name, so a Backend that syncs re-triggers the Product.
 * Pure and tolerant of malformed specs.
 */
export function productReferences(obj: KubeObject): ObjectRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const spec = (obj.spec ?? {}) as Parameters<typeof referencedBackends>[0];
  const backends = spec.backendUsages && typeof spec.backendUsages === 'object' ? referencedBackends(spec) : [];
  return [...threescaleReferences(obj), ...productSecretRefs(obj.spec, ns), ...backends.map((b) => backendAlias(ns, b))];
}
