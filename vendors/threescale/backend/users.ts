import type { SyncContext } from '../../../shared/engine/kind.ts';
import { keyOf, refOf, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import { backendAliases } from '../backend-alias.ts';
import { productReferences } from '../product/references.ts';
import { ProductType } from '../resource-types.ts';

/**
 * The Products that still use a Backend being deleted: those of its namespace and tenant (`providerAccountHost`) whose
 * spec names its system name, in a backend usage or a plan's limit or pricing rule, as the watcher indexes them.
 *
 * The operator instead edits those Product CRs, removing the usage, limits and pricing rules (3scale refuses to delete
 * a backend a product uses). That rewrites resources the user owns, which a GitOps tool then puts back, and silently
 * changes what the products serve. Here the deletion waits, saying which Products still use the backend; the watcher
 * wakes it as soon as the last of them drops it from its spec or is deleted.
 */
export async function productsUsing(backend: KubeObject, ctx: SyncContext): Promise<ObjectRef[]> {
  const host = backend.status?.providerAccountHost;
  // Never synced: no 3scale product can use it.
  if (typeof host !== 'string') return [];
  const names = new Set(backendAliases(backend).map(keyOf));
  const products = await ctx.cluster.list(ProductType, backend.metadata.namespace ?? 'default');
  return products
    .filter((p) => p.status?.providerAccountHost === host && productReferences(p).some((r) => names.has(keyOf(r))))
    .map(refOf);
}
