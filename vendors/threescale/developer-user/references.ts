import type { DependencyRef } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { nameOf, threescaleReferences } from '../references.ts';
import { DeveloperAccountType } from '../resource-types.ts';

/** The password Secret (`spec.passwordCredentialsRef`; its namespace defaults to the user's). */
export function passwordSecretRef(obj: KubeObject): { namespace: string; name: string } | undefined {
  const ref = (obj.spec as { passwordCredentialsRef?: { name?: unknown; namespace?: unknown } } | undefined)?.passwordCredentialsRef;
  const name = nameOf(ref?.name);
  return name ? { namespace: nameOf(ref?.namespace) ?? obj.metadata.namespace ?? 'default', name } : undefined;
}

/** The parent DeveloperAccount's name (`spec.developerAccountRef.name`). */
export function developerAccountName(obj: KubeObject): string | undefined {
  return nameOf((obj.spec as { developerAccountRef?: { name?: unknown } } | undefined)?.developerAccountRef?.name);
}

/**
 * A DeveloperUser reads its provider account, its password Secret (a rotation re-syncs it) and its DeveloperAccount,
 * which waits for it in turn (it signs up with its admin user): the account reference is mutual. Pure and tolerant.
 */
export function developerUserReferences(obj: KubeObject): DependencyRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const refs: DependencyRef[] = threescaleReferences(obj);
  const password = passwordSecretRef(obj);
  if (password) refs.push({ ...SECRET, ...password });
  const account = developerAccountName(obj);
  if (account) refs.push({ apiVersion: DeveloperAccountType.apiVersion, kind: DeveloperAccountType.kind, namespace: ns, name: account, mutual: true });
  return refs;
}
