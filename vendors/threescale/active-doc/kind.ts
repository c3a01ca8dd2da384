import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { deleteOnlyClient } from '../delete-only-client.ts';
import { threescaleConditions } from '../conditions.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { ActiveDocType } from '../resource-types.ts';
import { activeDocClient, removeActiveDoc } from './client.ts';
import { linkedProductId } from './linked-product.ts';
import { readOpenAPIDocument } from '../openapi-document.ts';
import { activeDocReferences, documentFieldOf } from './references.ts';
import { activeDocIdentity, ActiveDocSpec } from './schema.ts';
import { identified } from '../../identified.ts';
import { threescaleIdentity } from '../identity.ts';

/**
 * ActiveDoc → a 3scale `api_doc` from a Secret or a URL, optionally bound to a Synced Product (Orphan until then).
 * Unlike the operator, deleting the resource removes the document.
 */
export const activeDocKind: KindDefinition<ActiveDocSpec> = {
  ...ActiveDocType,
  references: activeDocReferences,
  schema: ActiveDocSpec,
  conditions: threescaleConditions('Ready'),
  async connect({ object, spec }, ctx) {
    const account = await resolveProviderAccount(object, ctx);
    const api = new AdminApi(account, ctx.http);
    const identity = threescaleIdentity(account.adminURL, 'api_doc', activeDocIdentity(object, spec).systemName);
    // Deleting needs only the identity: the document source or the product may be gone already.
    if (object.metadata.deletionTimestamp) {
      return identified(deleteOnlyClient(() => removeActiveDoc(api, activeDocIdentity(object, spec).systemName)), identity);
    }
    const [document, product] = await Promise.all([readOpenAPIDocument(object, spec, documentFieldOf(spec), ctx), linkedProductId(object, spec.productSystemName, account, ctx)]);
    return identified(activeDocClient(api, account, { ...spec, ...activeDocIdentity(object, spec) }, document, product), identity);
  },
};
