import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { ProductType } from './resource-types.ts';
import { specSystemName } from './system-name.ts';

/** A Product resource's system name (spec.systemName, else derived from spec.name, as the operator does). */
export const productSystemName = (p: KubeObject): string => specSystemName(p);

/** The name under which an ActiveDoc refers to a Product: its system name. The watcher indexes a Product under it too. */
export const productAlias = (namespace: string, systemName: string): ObjectRef => ({ apiVersion: ProductType.apiVersion, kind: ProductType.kind, namespace, name: systemName });

export function productAliases(obj: KubeObject): ObjectRef[] {
  return [productAlias(obj.metadata.namespace ?? 'default', productSystemName(obj))];
}
