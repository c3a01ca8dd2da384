import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { BackendType } from './resource-types.ts';
import { specSystemName } from './system-name.ts';

/** A Backend resource's system name, as the operator's Product lookup reads it (spec.systemName, else derived). */
export const backendSystemName = (b: KubeObject): string => specSystemName(b);

/**
 * The name under which Products refer to a Backend: its system name, which need not be its resource name
 * (the operator matches backendUsages keys on `spec.systemName`). The watcher indexes a Backend under this alias too.
 */
export const backendAlias = (namespace: string, systemName: string): ObjectRef => ({ apiVersion: BackendType.apiVersion, kind: BackendType.kind, namespace, name: systemName });

export function backendAliases(obj: KubeObject): ObjectRef[] {
  return [backendAlias(obj.metadata.namespace ?? 'default', backendSystemName(obj))];
}
