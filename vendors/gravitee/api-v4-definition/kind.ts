import { gkoConditions } from '../conditions.ts';
import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { automationClient, baseStatus } from '../automation-client.ts';
import { hridOf } from '../hrid.ts';
import { ManagementApi } from '../management-api.ts';
import { contextRefOf, resolveContext } from '../management-context/resolve.ts';
import { graviteeReferences } from '../references.ts';
import { ApiV4DefinitionType, DocumentationType, PortalListingType, SubscriptionType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { apiV4Payload } from './payload.ts';
import { ApiV4DefinitionSpec } from './schema.ts';

/** ApiV4Definition → Automation API `apis`, addressed by hrid `<namespace>-<name>` (or by UUID for legacy `spec.id`). */
export const apiV4DefinitionKind: KindDefinition<ApiV4DefinitionSpec> = {
  ...ApiV4DefinitionType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: ApiV4DefinitionSpec,
  failureStatus: { processingStatus: 'Failed' },
  idempotentUpsert: true,
  // GKO's admission refuses these deletions while something still uses the object; here the deletion waits.
  deletionBlockers: (object, ctx) => usersOf(object, [SubscriptionType, PortalListingType, DocumentationType], ctx),
  async connect({ object, spec }, ctx) {
    const api = new ManagementApi(await resolveContext(contextRefOf(object, spec.contextRef), ctx), ctx.http);
    const hrid = spec.id ?? hridOf(object);
    const { body, notes } = await apiV4Payload({ object, spec }, hrid, ctx);
    const client = automationClient({
      api,
      collection: 'apis',
      hrid,
      hridIsUuid: Boolean(spec.id),
      payload: body,
      toStatus: (state) => ({
        ...baseStatus(state),
        crossId: state.crossId,
        state: state.state,
        plans: Object.fromEntries(((state.plans ?? []) as { hrid?: string; id?: string }[]).filter((p) => p.hrid).map((p) => [p.hrid, p.id])),
      }),
    });
    return { ...client, notes };
  },
};
