import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { deleteOnlyClient } from '../delete-only-client.ts';
import { threescaleConditions } from '../conditions.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { ProductType } from '../resource-types.ts';
import { resolveBackendIds } from './backends.ts';
import { deleteProduct, productClient } from './client.ts';
import { defaultSystemName } from '../system-name.ts';
import { productReferences } from './references.ts';
import { ProductSpec } from './schema.ts';
import { resolveSecretRefs } from './secret-refs.ts';
import { identified } from '../../identified.ts';
import { threescaleIdentity } from '../identity.ts';

/**
 * Product → 3scale `services` with backend usages, proxy, metrics, methods, mapping rules, application plans and
 * policies; waits (Orphan) for its Backends to be Synced; conditions as the operator's.
 */
export const productKind: KindDefinition<ProductSpec> = {
  ...ProductType,
  references: productReferences,
  schema: ProductSpec,
  conditions: threescaleConditions('Synced'),
  async connect({ object, spec }, ctx) {
    const account = await resolveProviderAccount(object, ctx);
    const namespace = object.metadata.namespace ?? 'default';
    // The operator's identity of a product (a 3scale `service`): its system name, derived from spec.name when unset.
    const systemName = spec.systemName || defaultSystemName(String(spec.name ?? ''));
    const identity = threescaleIdentity(account.adminURL, 'service', systemName);
    // Deleting needs only the identity (the spec may be the raw one when it became invalid).
    if (object.metadata.deletionTimestamp) {
      const api = new AdminApi(account, ctx.http);
      return identified(deleteOnlyClient(() => deleteProduct(api, systemName)), identity);
    }
    const [backendIds, resolved] = await Promise.all([resolveBackendIds(object, spec, account, ctx), resolveSecretRefs(spec, namespace, ctx)]);
    return identified(productClient(new AdminApi(account, ctx.http), account, resolved, backendIds), identity);
  },
};
