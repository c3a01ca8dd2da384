import type { DependencyRef } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { nameOf } from '../references.ts';
import { ProductType } from '../resource-types.ts';

/** `spec.productCRName`, tolerant of malformed specs. */
function promotedProductName(obj: KubeObject): string | undefined {
  return nameOf((obj.spec as { productCRName?: unknown } | undefined)?.productCRName);
}

/**
 * A ProxyConfigPromote reads only its Product CR (whose provider account it uses): it waits until the Product is
 * Synced, and the watcher re-enqueues it when the Product appears, changes or becomes Ready. Mutual: the Product
 * hears when the promotion becomes Ready, so one that failed only because production still used a method it drops
 * (3scale keeps it until a promotion without it) syncs again at once and deletes it.
 */
export function proxyConfigPromoteReferences(obj: KubeObject): DependencyRef[] {
  const name = promotedProductName(obj);
  return name ? [{ apiVersion: ProductType.apiVersion, kind: ProductType.kind, namespace: obj.metadata.namespace ?? 'default', name, mutual: true }] : [];
}
