import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { gkoConditions } from '../conditions.ts';
import { noVendorObject } from '../no-vendor-object.ts';
import { graviteeReferences } from '../references.ts';
import { ApiDefinitionType, ApiResourceType, ApiV4DefinitionType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { ApiResourceSpec } from './schema.ts';

/**
 * ApiResource: no APIM object (GKO makes no call); the APIs whose `resources[].ref` names it inline it, and the
 * watcher's dependency index re-syncs them when it changes. Accepted once its spec is valid (templates rendered).
 */
export const apiResourceKind: KindDefinition<ApiResourceSpec> = {
  ...ApiResourceType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: ApiResourceSpec,
  // GKO keeps the finalizer ("resource is referenced and will remain") while an API uses it; here the deletion waits.
  deletionBlockers: (object, ctx) => usersOf(object, [ApiV4DefinitionType, ApiDefinitionType], ctx),
  connect: async () => noVendorObject(),
};
