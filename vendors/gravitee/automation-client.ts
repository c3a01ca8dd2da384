import { isSubset } from '../../shared/engine/status-patch.ts';
import type { ExternalClient, ExternalStatus, VendorObjectIdentity } from '../../shared/engine/kind.ts';
import type { ManagementApi } from './management-api.ts';

/** How the Automation API addresses an object and the parent it lives under. */
export interface AutomationAddress {
  /**
   * The collection under the environment: `apis`, `groups`, or a sub-collection such as
   * `apis/{apiHrid}/subscriptions` and `portals/{portalHrid}/links` (the parent's HRID already encoded).
   */
  collection: string;
  hrid: string;
  /** true for legacy objects addressed by UUID (spec.id set), as GKO's hridContainsUUID */
  hridIsUuid?: boolean;
  /** Extra query flags every call carries (`hridContainsApiUUID=true` for a subscription of a legacy API). */
  flags?: Record<string, string>;
}

/**
 * The Automation API's upsert contract, shared by every kind that has an APIM object: PUT is idempotent by hrid, GET
 * reads the current state, DELETE by hrid with 404 meaning already gone. Observe compares what we would send with what
 * APIM holds, so a resync with nothing changed makes no write and a change made in the console is reverted.
 */
export function automationClient(opts: AutomationAddress & {
  api: ManagementApi;
  payload: Record<string, unknown>;
  toStatus(state: Record<string, unknown>): ExternalStatus;
  /**
   * What of the payload APIM answers back (default: all of it): a field it takes but never answers (a page's area, a
   * shared policy group step's id) would otherwise look like drift on every resync.
   */
  answered?: Record<string, unknown>;
  /**
   * Whether APIM's state matches the payload (default: what it answers of the payload is a subset of it). A kind may
   * compare more strictly (a map whose extra keys are drift) or throw a SyncError naming a field APIM keeps once created.
   */
  upToDate?(state: Record<string, unknown>): boolean;
  /** The object this client writes, for its ownership record (vendors/gravitee/identity.ts). */
  identity?: VendorObjectIdentity;
}): ExternalClient {
  const { api, collection, hrid, payload, toStatus } = opts;
  const flags = new URLSearchParams({ ...opts.flags, ...(opts.hridIsUuid ? { hridContainsUUID: 'true' } : {}) });
  const query = flags.size ? `?${flags}` : '';
  const item = () => `${api.automation()}/${collection}/${encodeURIComponent(hrid)}${query}`;
  const upsert = async () => {
    const res = await api.call('PUT', `${api.automation()}/${collection}?${new URLSearchParams({ dryRun: 'false', ...Object.fromEntries(flags) })}`, { json: payload });
    return toStatus((res.body ?? {}) as Record<string, unknown>);
  };
  return {
    identity: opts.identity,
    async observe() {
      const res = await api.call('GET', item(), { accept: [200, 404] });
      if (res.status === 404) return { exists: false, upToDate: false };
      const state = (res.body ?? {}) as Record<string, unknown>;
      return { exists: true, upToDate: opts.upToDate ? opts.upToDate(state) : isSubset(opts.answered ?? payload, state), status: toStatus(state) };
    },
    create: upsert,
    update: upsert,
    async delete() {
      // 404 is already gone for every kind (GKO fails on it for groups, dictionaries and subscriptions, so a
      // redelivered delete would never finish).
      await api.call('DELETE', item(), { accept: [200, 204, 404] });
    },
  };
}

/**
 * The ids and errors APIM reports of an object, as GKO writes them into status: all a Dictionary's, a Portal's and
 * its children's status holds (their CRDs, like APIM's states, have no processingStatus).
 */
export function objectStatus(state: Record<string, unknown>): ExternalStatus {
  const errors = (state.errors ?? {}) as { severe?: unknown[]; warning?: unknown[] };
  return {
    id: state.id,
    organizationId: state.organizationId,
    environmentId: state.environmentId,
    errors: { severe: errors.severe ?? [], warning: errors.warning ?? [] },
  };
}

/** objectStatus with GKO's processingStatus, for the kinds whose CRD has it (APIs, Applications, Groups…). */
export function baseStatus(state: Record<string, unknown>): ExternalStatus {
  return { ...objectStatus(state), processingStatus: 'Completed' };
}
