import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { toAutomationSpelling } from '../automation-spelling.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { placedClient } from '../portal/placement.ts';
import { graviteeReferences } from '../references.ts';
import { PortalLinkType, PortalType } from '../resource-types.ts';
import { PortalLinkSpec } from './schema.ts';

/**
 * PortalLink (GKO 4.13): an external link in a Portal's navigation → Automation API `portals/{portalHrid}/links`
 * `{hrid, name, href, location, order}`, through the Portal's ManagementContext. Name and href are sent trimmed, as
 * APIM keeps them, so a resync compares like with like. A changed portalRef moves it (placement.ts).
 */
export const portalLinkKind: KindDefinition<PortalLinkSpec> = {
  ...PortalLinkType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: PortalLinkSpec,
  idempotentUpsert: true,
  connect: ({ object, spec }, ctx) =>
    placedClient(object, ctx, { type: PortalType, ref: spec.portalRef, field: 'spec.portalRef', children: 'links' }, () => {
      const { name, href, location, order } = spec;
      return { payload: toAutomationSpelling('PortalLink', { hrid: hridOf(object), name, href, ...(location !== undefined ? { location } : {}), ...(order !== undefined ? { order } : {}) }) };
    }),
};
