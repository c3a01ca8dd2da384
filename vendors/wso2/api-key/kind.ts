import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { syncedGateway } from '../bound-client.ts';
import { awaitResource } from '../dependencies.ts';
import { managedKind } from '../managed-kind.ts';
import { ApiKeyType } from '../resource-types.ts';
import { apiKeyClient } from './client.ts';
import { ApiKeySpec } from './schema.ts';

/**
 * ApiKey → `/{rest-apis|llm-providers|llm-proxies}/{parent}/api-keys/{name}`. It waits until its parent resource is
 * Programmed, and goes to the gateway its parent is on.
 */
export const apiKeyKind: KindDefinition<ApiKeySpec> = managedKind(ApiKeyType, ApiKeySpec, ({ object, spec }, gateway, known, ctx) => apiKeyClient(gateway, object, spec, known, ctx), {
  async prefer({ object, spec }, ctx) {
    // A deletion goes to the gateway its status names, whatever became of the parent.
    if (object.metadata.deletionTimestamp) return undefined;
    const parent = await awaitResource(spec.parentRef.kind, spec.parentRef.name, object, ctx, 'spec.parentRef');
    return parent ? syncedGateway(parent) : undefined;
  },
});
