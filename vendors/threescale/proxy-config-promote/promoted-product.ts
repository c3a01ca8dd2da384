import { findCondition } from '../../../shared/engine/conditions.ts';
import { missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { ProductType } from '../resource-types.ts';

/** A condition True for the Product's current spec: an edit not synced yet would not be in what is promoted. */
const holdsNow = (p: KubeObject, type: string, message = /(?:)/) => {
  const c = findCondition(p.status, type);
  return c?.status === 'True' && c.observedGeneration === p.metadata.generation && message.test(c.message ?? '');
};

/**
 * Synced at its current generation (its Ready is True with Synced), or, as the operator allows, Failed only because
 * 3scale keeps a method the latest gateway configuration uses until a promotion without it (waiting would be forever).
 */
const promotable = (p: KubeObject) => holdsNow(p, 'Ready') || holdsNow(p, 'Failed', /used by the latest gateway configuration/);

/**
 * The Product CR named by `spec.productCRName` in the same namespace, promotable, with its 3scale id. Otherwise the
 * promotion waits (Orphan), also while an edit of the Product is not synced yet (a Product edit and its promotion
 * applied together promote the edit); the watcher re-enqueues it when the Product is Ready at its generation.
 */
export async function promotedProduct(obj: KubeObject, productCRName: string, ctx: SyncContext): Promise<{ product: KubeObject; productId: number }> {
  const namespace = obj.metadata.namespace ?? 'default';
  const where = `Product ${namespace}/${productCRName} (spec.productCRName)`;
  const product = await ctx.cluster.get({ ...ProductType, namespace, name: productCRName });
  if (!product) throw missingReference(`${where} not found`);
  const productId = product.status?.productId;
  if (!promotable(product) || typeof productId !== 'number') {
    throw missingReference(`${where} is not Synced yet at generation ${product.metadata.generation}: the promotion waits for it`);
  }
  return { product, productId };
}
