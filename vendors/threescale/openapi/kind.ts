import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { threescaleConditions } from '../conditions.ts';
import { deleteOnlyClient } from '../delete-only-client.ts';
import { readOpenAPIDocument } from '../openapi-document.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { BackendType, OpenAPIType, ProductType } from '../resource-types.ts';
import { deleteGenerated, openAPIClient, orphanGenerated } from './client.ts';
import { documentFields } from './document-fields.ts';
import { generatedCR, generatedName } from './generated-crs.ts';
import { importedSpecs } from './import-rules.ts';
import { openAPIReferences } from './references.ts';
import { OpenAPISpec } from './schema.ts';

/**
 * OpenAPI → one Backend and one Product resource generated from the document by the operator's import rules, owned
 * by the OpenAPI (kubectl get products,backends shows them); the Backend and Product kinds sync them to 3scale.
 * Ready once the Product is Synced (Waiting until then). Deleting it deletes them and completes once they, and so
 * their 3scale objects, are gone.
 */
export const openAPIKind: KindDefinition<OpenAPISpec> = {
  ...OpenAPIType,
  references: openAPIReferences,
  schema: OpenAPISpec,
  generates: [BackendType, ProductType],
  orphan: orphanGenerated,
  conditions: threescaleConditions('Ready', { types: ['Invalid', 'Orphan', 'Waiting', 'Failed'] }),
  // No identity: it writes Backend and Product resources, not 3scale objects; they claim their own when they sync.
  async connect({ object, spec }, ctx) {
    // Deleting needs only the owner uid: the document may be gone already.
    if (object.metadata.deletionTimestamp) return deleteOnlyClient(() => deleteGenerated(object, ctx));
    const account = await resolveProviderAccount(object, ctx);
    const doc = documentFields(await readOpenAPIDocument(object, spec, 'openapiRef', ctx));
    const name = generatedName(doc, object);
    const { backend, product } = importedSpecs(doc, spec);
    return openAPIClient(ctx, object, { backend: generatedCR('Backend', name, object, backend), product: generatedCR('Product', name, object, product) }, account);
  },
};
