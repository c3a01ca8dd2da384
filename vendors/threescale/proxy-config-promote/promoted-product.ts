import { missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { isReady } from '../ready.ts';
import { ProductType } from '../resource-types.ts';

/**
 * The operator also promotes a Product that failed only because 3scale keeps a method the latest gateway
 * configuration uses until a promotion without it: waiting for Synced would wait forever.
 */
const blockedOnlyByLatestConfiguration = (p: KubeObject) =>
  (p.status?.conditions as { type: string; status: string; message?: string }[] | undefined)?.some(
    (c) => c.type === 'Failed' && c.status === 'True' && /used by the latest gateway configuration/.test(c.message ?? ''),
  ) ?? false;

/**
 * The Product CR named by `spec.productCRName` in the same namespace, Synced (its Ready is True with it), with its
 * 3scale id. Otherwise the promotion waits (Orphan); the watcher re-enqueues it when the Product syncs.
 */
export async function promotedProduct(obj: KubeObject, productCRName: string, ctx: SyncContext): Promise<{ product: KubeObject; productId: number }> {
  const namespace = obj.metadata.namespace ?? 'default';
  const where = `Product ${namespace}/${productCRName} (spec.productCRName)`;
  const product = await ctx.cluster.get({ ...ProductType, namespace, name: productCRName });
  if (!product) throw missingReference(`${where} not found`);
  const productId = product.status?.productId;
  if (!(isReady(product) || blockedOnlyByLatestConfiguration(product)) || typeof productId !== 'number') {
    throw missingReference(`${where} is not Synced yet: the promotion waits for it`);
  }
  return { product, productId };
}
