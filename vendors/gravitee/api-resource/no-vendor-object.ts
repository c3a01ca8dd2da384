import type { ExternalClient } from '../../../shared/engine/kind.ts';

/**
 * The client of a kind APIM has no object for (ApiResource, Notification: GKO makes no call for them; the APIs that
 * reference them inline them). Always in sync, nothing to delete; `notes` carries what resolving them found.
 */
export function noVendorObject(notes?: Record<string, string>): ExternalClient {
  return {
    ...(notes && Object.keys(notes).length ? { notes } : {}),
    observe: async () => ({ exists: true, upToDate: true, status: {} }),
    create: async () => ({}),
    update: async () => ({}),
    delete: async () => {},
  };
}
