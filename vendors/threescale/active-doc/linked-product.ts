import { missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { productSystemName } from '../product-alias.ts';
import type { ProviderAccount } from '../provider-account.ts';
import { ProductType } from '../resource-types.ts';

/** The bound product: its 3scale id and its resource (status.productResourceName, an object reference). */
export interface LinkedProduct {
  id: number;
  resource: { name: string };
}

const synced = (p: KubeObject) => ((p.status?.conditions ?? []) as { type: string; status: string }[]).some((c) => c.type === 'Synced' && c.status === 'True');

/**
 * The 3scale id of the Product named by `spec.productSystemName`, as the operator resolves it: a Product resource of
 * the same namespace and tenant with that system name, Synced. Otherwise Orphan; the watcher re-triggers on its sync.
 */
export async function linkedProductId(doc: KubeObject, systemName: string | undefined, account: ProviderAccount, ctx: SyncContext): Promise<LinkedProduct | null> {
  if (!systemName) return null;
  const namespace = doc.metadata.namespace ?? 'default';
  const product = (await ctx.cluster.list(ProductType, namespace)).find(
    (p) => productSystemName(p) === systemName && synced(p) && typeof p.status?.productId === 'number' && p.status?.providerAccountHost === account.adminURL,
  );
  if (!product) throw missingReference(`product "${systemName}" (spec.productSystemName): no Synced Product with that system name in namespace ${namespace} for ${account.adminURL}`);
  return { id: product.status!.productId as number, resource: { name: product.metadata.name } };
}
