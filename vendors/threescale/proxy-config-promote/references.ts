import type { DependencyRef } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { ProductType } from '../resource-types.ts';

/** `spec.productCRName`, tolerant of malformed specs. */
export function promotedProductName(obj: KubeObject): string | undefined {
  const name = (obj.spec as { productCRName?: unknown } | undefined)?.productCRName;
  return typeof name === 'string' && name ? name : undefined;
}

/**
 * A ProxyConfigPromote reads only its Product CR (whose provider account it uses): it waits until the Product is
 * Synced, and the watcher re-enqueues it when the Product appears, changes or becomes Ready.
 */
export function proxyConfigPromoteReferences(obj: KubeObject): DependencyRef[] {
  const name = promotedProductName(obj);
  return name ? [{ apiVersion: ProductType.apiVersion, kind: ProductType.kind, namespace: obj.metadata.namespace ?? 'default', name }] : [];
}
