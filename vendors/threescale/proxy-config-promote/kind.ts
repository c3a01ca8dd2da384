import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { ProxyConfigPromoteType } from '../resource-types.ts';
import { proxyConfigPromoteClient } from './client.ts';
import { promotionConditions } from './conditions.ts';
import { promotedProduct } from './promoted-product.ts';
import { proxyConfigPromoteReferences } from './references.ts';
import { ProxyConfigPromoteSpec } from './schema.ts';

/**
 * ProxyConfigPromote → deploys the Product's configuration to staging, and promotes it to production with
 * `production: true`. One shot: once Ready it is never acted on again, and with `deleteCR` the engine deletes it.
 * Waits (Orphan) for a Synced Product, whose provider account it uses.
 */
export const proxyConfigPromoteKind: KindDefinition<ProxyConfigPromoteSpec> = {
  ...ProxyConfigPromoteType,
  references: proxyConfigPromoteReferences,
  schema: ProxyConfigPromoteSpec,
  conditions: promotionConditions(),
  oneShot: { deleteWhenDone: (object) => (object.spec as { deleteCR?: unknown } | undefined)?.deleteCR === true },
  // No identity: a promotion is an action on a Product's proxy configuration, not an object of its own; two promotions
  // of one product are both meant, and the Product resource owns the product.
  async connect({ object, spec }, ctx) {
    const { product, productId } = await promotedProduct(object, spec.productCRName, ctx);
    const account = await resolveProviderAccount(product, ctx);
    return proxyConfigPromoteClient(new AdminApi(account, ctx.http), account, productId, spec.production === true);
  },
};
