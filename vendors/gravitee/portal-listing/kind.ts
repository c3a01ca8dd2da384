import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { placedClient } from '../portal/placement.ts';
import { graviteeReferences } from '../references.ts';
import { PortalListingType, PortalType } from '../resource-types.ts';
import { portalListingPayload } from './payload.ts';
import { PortalListingSpec } from './schema.ts';

/**
 * PortalListing (GKO 4.12+): APIs published in a Portal → Automation API `portals/{portalHrid}/listings`, through the
 * Portal's ManagementContext (a listing has none of its own). It waits for its Portal and APIs to be synced; a changed
 * portalRef moves it (placement.ts says why).
 */
export const portalListingKind: KindDefinition<PortalListingSpec> = {
  ...PortalListingType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: PortalListingSpec,
  idempotentUpsert: true,
  connect: ({ object, spec }, ctx) =>
    placedClient(object, ctx, { type: PortalType, ref: spec.portalRef, field: 'spec.portalRef', children: 'listings' }, async (portal) => ({
      payload: await portalListingPayload(spec, hridOf(object), object.metadata.namespace ?? 'default', portal, ctx),
    })),
};
