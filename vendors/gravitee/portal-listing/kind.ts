import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { existingParent, syncedParent } from '../portal/parents.ts';
import { collectionUnder, placedClient } from '../portal/placement.ts';
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
  connect(desired, ctx) {
    const { object, spec } = desired;
    const namespace = object.metadata.namespace ?? 'default';
    return placedClient(desired, ctx, {
      async target() {
        const portal = await syncedParent(PortalType, spec.portalRef, namespace, 'spec.portalRef', ctx);
        const payload = await portalListingPayload(spec, hridOf(object), namespace, portal, ctx);
        return { context: portal.context, collection: collectionUnder('portals', portal.hrid, 'listings'), payload };
      },
      async atDeletion() {
        const portal = await existingParent(PortalType, spec.portalRef, namespace, ctx);
        return portal && { context: portal.context, collection: collectionUnder('portals', portal.hrid, 'listings') };
      },
    });
  },
};
