import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { automationClient, objectStatus } from '../automation-client.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { graviteeIdentity } from '../identity.ts';
import { ManagementApi } from '../management-api.ts';
import { contextIfPresent, contextOf, resolveContext } from '../management-context/resolve.ts';
import { noVendorObject } from '../no-vendor-object.ts';
import { graviteeReferences } from '../references.ts';
import { DocumentationType, PortalLinkType, PortalListingType, PortalType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { portalPayload } from './payload.ts';
import { PortalSpec } from './schema.ts';

/** Portal (the next-gen developer portal, GKO 4.12+) → Automation API `portals`, hrid `<namespace>-<name>`. */
export const portalKind: KindDefinition<PortalSpec> = {
  ...PortalType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: PortalSpec,
  idempotentUpsert: true,
  // GKO refuses the deletion while listings, links or pages reference the portal; here the deletion waits.
  deletionBlockers: (object, ctx) => usersOf(object, [PortalListingType, PortalLinkType, DocumentationType], ctx),
  async connect({ object, spec }, ctx) {
    const ref = contextOf(object);
    const deleting = Boolean(object.metadata.deletionTimestamp);
    // The schema requires a context to sync; a deletion finds none when nothing was synced, or when it is gone and
    // APIM is out of reach for good (GKO releases the Portal too).
    const context = deleting ? ref && (await contextIfPresent(ref, ctx)) : await resolveContext(ref!, ctx);
    if (!context) {
      ctx.log.info('Portal without a reachable ManagementContext: nothing to delete in APIM', { name: object.metadata.name });
      return noVendorObject();
    }
    const hrid = hridOf(object);
    // A deletion may run on a spec that no longer validates: it needs the address only.
    const payload = deleting ? {} : portalPayload(spec, hrid);
    const identity = graviteeIdentity(context, 'portal', { hrid });
    return automationClient({ api: new ManagementApi(context, ctx.http), collection: 'portals', hrid, identity, payload, toStatus: objectStatus });
  },
};
