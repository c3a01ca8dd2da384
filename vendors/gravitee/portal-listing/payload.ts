import { invalidSpec } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { toAutomationSpelling } from '../automation-spelling.ts';
import { parentWithContext, requireSynced, sameObject, type Parent } from '../portal/parents.ts';
import { ApiV4DefinitionType } from '../resource-types.ts';
import type { PortalListingSpec } from './schema.ts';

/**
 * PortalListingSpec `{hrid, apis[{apiHrid, location, order}]}`. Each API must have the portal's ManagementContext
 * (GKO's admission: a portal lists the APIs of its own APIM environment) and be synced; `apiHrid` is its
 * `<namespace>-<name>`, the namespace defaulting to the listing's, as GKO writes it.
 */
export async function portalListingPayload(spec: PortalListingSpec, hrid: string, namespace: string, portal: Parent, ctx: SyncContext): Promise<Record<string, unknown>> {
  const apis: Record<string, unknown>[] = [];
  for (const [i, entry] of spec.apis.entries()) {
    const field = `spec.apis[${i}].ref`;
    const api = await parentWithContext(ApiV4DefinitionType, entry.ref, namespace, field, ctx);
    if (!sameObject(api.context, portal.context)) {
      const ctxName = (p: Parent) => `${p.context.namespace}/${p.context.name}`;
      throw invalidSpec('InvalidSpec', `${field}: ${api.label} syncs through ManagementContext ${ctxName(api)}, ${portal.label} through ${ctxName(portal)}: a portal lists the APIs of its own context`);
    }
    requireSynced(api, field);
    apis.push({ apiHrid: api.hrid, location: entry.location, ...(entry.order !== undefined ? { order: entry.order } : {}) });
  }
  return toAutomationSpelling('PortalListing', { hrid, apis });
}
