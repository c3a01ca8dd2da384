import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { boundClient, syncedGateway } from '../bound-client.ts';
import { wso2Conditions } from '../conditions.ts';
import { awaitResource } from '../dependencies.ts';
import { managedReferences } from '../references.ts';
import { ApiKeyType } from '../resource-types.ts';
import { apiKeyClient } from './client.ts';
import { ApiKeySpec } from './schema.ts';

/**
 * ApiKey → `/{rest-apis|llm-providers|llm-proxies}/{parent}/api-keys/{name}`. It waits until its parent resource is
 * Programmed, and goes to the gateway its parent is on.
 */
export const apiKeyKind: KindDefinition<ApiKeySpec> = {
  ...ApiKeyType,
  references: managedReferences,
  schema: ApiKeySpec,
  conditions: wso2Conditions,
  async connect(desired, ctx) {
    const { object, spec } = desired;
    const parent = object.metadata.deletionTimestamp ? undefined : await awaitResource(spec.parentRef.kind, spec.parentRef.name, object, ctx, 'spec.parentRef');
    const prefer = parent ? syncedGateway(parent) : undefined;
    return boundClient(desired, ctx, (gateway, known) => apiKeyClient(gateway, object, spec, known, ctx), { prefer });
  },
};
