import type { VendorObjectIdentity } from '../../shared/engine/kind.ts';
import type { ResolvedContext } from './management-api.ts';
import { nameUuid } from './uuid-v3.ts';

type Environment = Pick<ResolvedContext, 'baseUrl' | 'organizationId' | 'environmentId'>;

/**
 * The APIM environment a context reaches, as one string whatever the context's spelling: the base URL with its scheme
 * and host lowercased, its default port and trailing slashes dropped, then the organization and environment as the
 * requests address them. The management/automation path is left out: it is how one APIM is reached (`/apim/rest` on
 * Gravitee Cloud, GKO's `spec.path`), not another APIM.
 */
export function graviteeScope(context: Environment): string {
  const url = new URL(context.baseUrl);
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  return `${base}/organizations/${encodeURIComponent(context.organizationId)}/environments/${encodeURIComponent(context.environmentId)}`;
}

/** How a resource addresses a top-level APIM object: by hrid, or by its id (a legacy `spec.id`, `hridContainsUUID`). */
export interface ApimAddress {
  hrid: string;
  hridIsUuid?: boolean;
}

/**
 * The id APIM keys a top-level object (API, application, group, dictionary, portal, shared policy group) by: the UUID
 * it derives from the hrid (`HRIDToUUID`: `v3(v3(org + hrid) + env)`, the same for v2 imports, see apimIds), else the
 * id the resource names. Keyed by that id rather than the hrid, an ApiDefinition (v2) and an ApiV4Definition that both
 * derive from `team-orders`, or a legacy `spec.id` naming an API synced by hrid, meet as the one API they are in APIM.
 */
export function apimObjectId(context: Environment, address: ApimAddress): string {
  return address.hridIsUuid ? address.hrid.toLowerCase() : nameUuid(nameUuid(context.organizationId + address.hrid) + context.environmentId);
}

/** A top-level object: `type` as the Automation API's collection names it in the singular (`api`, `application`…). */
export function graviteeIdentity(context: Environment, type: string, address: ApimAddress): VendorObjectIdentity {
  return { vendor: 'gravitee', scope: graviteeScope(context), type, id: apimObjectId(context, address) };
}

/**
 * An object APIM keeps under a parent (a subscription under its API, a listing, link or page under its portal or API):
 * its hrid is unique within that parent only. `type` names the parent's kind too (`api-documentation`), as a portal and
 * an API with one hrid derive one id.
 */
export function graviteeChildIdentity(context: Environment, type: string, parent: ApimAddress, hrid: string): VendorObjectIdentity {
  return { vendor: 'gravitee', scope: graviteeScope(context), type, id: `${apimObjectId(context, parent)}/${hrid}` };
}
