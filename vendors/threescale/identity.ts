import type { VendorObjectIdentity } from '../../shared/engine/kind.ts';

/**
 * The 3scale admin portal an object lives in, as one string whatever the Secret's spelling: the URL's origin (scheme
 * and host lowercased, default port dropped, path dropped), as the porta client keeps it.
 */
export function threescaleScope(adminURL: string): string {
  return new URL(adminURL).origin;
}

/**
 * One object of a 3scale admin portal: `type` as 3scale's Account Management API names the object (`backend_api`,
 * `service` for a Product, `account`…), `id` what the operator looks it up by (a system name, an org name). An id made of
 * several names (an application: its account, product and name) joins them with `/` after encoding each, so no two
 * lists of names join to one id. Undefined when a name is missing (a deletion with a spec that no longer validates):
 * better no record than one keyed wrong.
 */
export function threescaleIdentity(adminURL: string, type: string, ...names: unknown[]): VendorObjectIdentity | undefined {
  if (!names.every((n): n is string => typeof n === 'string' && n !== '')) return undefined;
  return { vendor: '3scale', scope: threescaleScope(adminURL), type, id: names.map(encodeURIComponent).join('/') };
}
