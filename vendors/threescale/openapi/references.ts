import type { DependencyRef } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { documentSecretRef } from '../openapi-document.ts';
import { threescaleReferences } from '../references.ts';

/**
 * An OpenAPI reads its provider account and its document Secret (a rotation re-syncs it). The Product and Backend it
 * generates wake it through their ownerReferences. Pure and tolerant of malformed specs.
 */
export function openAPIReferences(obj: KubeObject): DependencyRef[] {
  const refs: DependencyRef[] = threescaleReferences(obj);
  const secret = documentSecretRef(obj, 'openapiRef');
  if (secret) refs.push({ ...SECRET, ...secret });
  return refs;
}
