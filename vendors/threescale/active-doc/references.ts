import type { DependencyRef } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { documentSecretRef, type DocumentField } from '../openapi-document.ts';
import { productAlias } from '../product-alias.ts';
import { nameOf, threescaleReferences } from '../references.ts';

/** The field holding the document: the operator's, or the guide's `openapiRef` (see schema.ts). */
export const documentFieldOf = (spec: { activeDocOpenAPIRef?: unknown; openapiRef?: unknown } = {}): DocumentField =>
  !spec.activeDocOpenAPIRef && spec.openapiRef ? 'openapiRef' : 'activeDocOpenAPIRef';

/**
 * An ActiveDoc reads its provider account, its document Secret (a rotation re-syncs it) and the Product it is bound
 * to, by system name (a Product that syncs re-triggers it). Pure and tolerant of malformed specs.
 */
export function activeDocReferences(obj: KubeObject): DependencyRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const refs: DependencyRef[] = threescaleReferences(obj);
  const secret = documentSecretRef(obj, documentFieldOf(obj.spec as Parameters<typeof documentFieldOf>[0]));
  if (secret) refs.push({ ...SECRET, ...secret });
  const product = nameOf((obj.spec as { productSystemName?: unknown } | undefined)?.productSystemName);
  if (product) refs.push(productAlias(ns, product));
  return refs;
}
