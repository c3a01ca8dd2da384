import type { DependencyRef } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { nameOf, threescaleReferences } from '../references.ts';
import { DeveloperAccountType, ProductType } from '../resource-types.ts';

/** `spec.accountCR.name` and `spec.productCR.name`, tolerant of malformed specs. */
export function linkedNames(obj: KubeObject): { account?: string; product?: string } {
  const spec = obj.spec as { accountCR?: { name?: unknown }; productCR?: { name?: unknown } } | undefined;
  return { account: nameOf(spec?.accountCR?.name), product: nameOf(spec?.productCR?.name) };
}

/**
 * An Application reads its DeveloperAccount and Product CRs and its `authSecretRef` Secret: it waits until both CRs are
 * Ready (and the Secret exists, to create), and the watcher re-enqueues it when either appears, changes or becomes
 * Ready. Neither waits for it, so neither link is mutual.
 */
export function applicationReferences(obj: KubeObject): DependencyRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const { account, product } = linkedNames(obj);
  const refs: DependencyRef[] = threescaleReferences(obj);
  if (account) refs.push({ apiVersion: DeveloperAccountType.apiVersion, kind: DeveloperAccountType.kind, namespace: ns, name: account });
  if (product) refs.push({ apiVersion: ProductType.apiVersion, kind: ProductType.kind, namespace: ns, name: product });
  // Creating waits for the credentials Secret: its arrival wakes the Application.
  const secret = nameOf((obj.spec as { authSecretRef?: { name?: unknown } } | undefined)?.authSecretRef?.name);
  if (secret) refs.push({ ...SECRET, namespace: ns, name: secret });
  return refs;
}
