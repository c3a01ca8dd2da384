import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { toAutomationSpelling } from '../automation-spelling.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { placedClient, type Parentage } from '../portal/placement.ts';
import { graviteeReferences } from '../references.ts';
import { ApiV4DefinitionType, DocumentationType, PortalType } from '../resource-types.ts';
import { DocumentationSpec } from './schema.ts';

type Json = Record<string, unknown>;

/** The page's parent, a Portal or an ApiV4Definition: exactly one is named (the schema says so). */
function parentOf(spec: DocumentationSpec): Parentage {
  return spec.apiRef
    ? { type: ApiV4DefinitionType, ref: spec.apiRef, field: 'spec.apiRef', children: 'documentations' }
    : { type: PortalType, ref: spec.portalRef, field: 'spec.portalRef', children: 'documentations' };
}

/** DocumentationSpec `{hrid, name, type, content, location, order, area}`; `area` for a portal's page only. */
function documentationPayload(spec: DocumentationSpec, hrid: string): Json {
  const { name, type, content, location, order, area } = spec;
  const body: Json = { hrid, name, type, content };
  if (location !== undefined) body.location = location;
  if (order !== undefined) body.order = order;
  if (area !== undefined && spec.portalRef) body.area = area;
  return toAutomationSpelling('Documentation', body);
}

/**
 * Documentation (GKO 4.12+): one page of the next-gen portal, on a Portal → `portals/{portalHrid}/documentations`,
 * or on an ApiV4Definition → `apis/{apiHrid}/documentations`, through that parent's ManagementContext. It waits for
 * its parent to be synced. A changed parent, also from a portal to an API or back, moves the page (placement.ts).
 * APIM does not answer a page's area: a resync compares the rest, and an area changed in the console is not seen.
 */
export const documentationKind: KindDefinition<DocumentationSpec> = {
  ...DocumentationType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: DocumentationSpec,
  idempotentUpsert: true,
  connect: ({ object, spec }, ctx) =>
    placedClient(object, ctx, parentOf(spec), () => {
      const payload = documentationPayload(spec, hridOf(object));
      const { area: _a, ...answered } = payload;
      return { payload, answered };
    }),
};
