import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { automationClient, objectStatus } from '../automation-client.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { ManagementApi } from '../management-api.ts';
import { resolveContext } from '../management-context/resolve.ts';
import { graviteeReferences } from '../references.ts';
import { DocumentationType, PortalLinkType, PortalListingType, PortalType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { contextOf } from './parents.ts';
import { portalPayload } from './payload.ts';
import { PortalSpec } from './schema.ts';

/** A client with nothing to delete: what a Portal without a reachable context leaves at its deletion. */
const nothingInApim = {
  observe: async () => ({ exists: false, upToDate: false }),
  create: async () => ({}),
  update: async () => ({}),
  delete: async () => {},
};

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
    const context = contextOf(object);
    if (object.metadata.deletionTimestamp && !(context && (await ctx.cluster.get(context)))) {
      // Without a context nothing was synced; with its context gone APIM is out of reach for good (GKO releases it too).
      ctx.log.info('Portal without a reachable ManagementContext: nothing to delete in APIM', { name: object.metadata.name });
      return nothingInApim;
    }
    const api = new ManagementApi(await resolveContext(context!, ctx), ctx.http);
    const hrid = hridOf(object);
    // A deletion may run on a spec that no longer validates: it needs the address only.
    const payload = object.metadata.deletionTimestamp ? {} : portalPayload(spec, hrid);
    return automationClient({ api, collection: 'portals', hrid, payload, toStatus: objectStatus });
  },
};
