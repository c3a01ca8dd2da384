import type { DependencyRef } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { nameOf, threescaleReferences } from '../references.ts';
import { ApplicationType } from '../resource-types.ts';

/**
 * An ApplicationAuth reads its Application CR (it waits, Orphan, until it is Ready) and its credentials Secret: a
 * rotation of the Secret re-syncs it. Pure and tolerant of malformed specs.
 */
export function applicationAuthReferences(obj: KubeObject): DependencyRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const spec = obj.spec as { applicationCRName?: unknown; authSecretRef?: { name?: unknown } } | undefined;
  const refs: DependencyRef[] = threescaleReferences(obj);
  const app = nameOf(spec?.applicationCRName);
  if (app) refs.push({ apiVersion: ApplicationType.apiVersion, kind: ApplicationType.kind, namespace: ns, name: app });
  const secret = nameOf(spec?.authSecretRef?.name);
  if (secret) refs.push({ ...SECRET, namespace: ns, name: secret });
  return refs;
}
