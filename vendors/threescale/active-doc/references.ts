import type { DependencyRef } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { productAlias } from '../product-alias.ts';
import { threescaleReferences } from '../references.ts';

const nameOf = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The OpenAPI document Secret (`spec.activeDocOpenAPIRef.secretRef`; its namespace defaults to the ActiveDoc's). */
export function openAPISecretRef(obj: KubeObject): { namespace: string; name: string } | undefined {
  const ref = (obj.spec as { activeDocOpenAPIRef?: { secretRef?: { name?: unknown; namespace?: unknown } } } | undefined)?.activeDocOpenAPIRef?.secretRef;
  const name = nameOf(ref?.name);
  return name ? { namespace: nameOf(ref?.namespace) ?? obj.metadata.namespace ?? 'default', name } : undefined;
}

/**
 * An ActiveDoc reads its provider account, its document Secret (a rotation re-syncs it) and the Product it is bound
 * to, by system name (a Product that syncs re-triggers it). Pure and tolerant of malformed specs.
 */
export function activeDocReferences(obj: KubeObject): DependencyRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const refs: DependencyRef[] = threescaleReferences(obj);
  const secret = openAPISecretRef(obj);
  if (secret) refs.push({ ...SECRET, ...secret });
  const product = nameOf((obj.spec as { productSystemName?: unknown } | undefined)?.productSystemName);
  if (product) refs.push(productAlias(ns, product));
  return refs;
}
