import type { ExternalClient, ExternalStatus } from '../../shared/engine/kind.ts';

/**
 * The client of an object APIM holds nothing for: an ApiResource or a Notification (GKO makes no call for them; the
 * APIs that reference them inline them), an Ingress template (compiled, never deployed), or a deletion with nothing
 * left to reach. Always in sync, nothing to delete; `status` is what it reports, `notes` what resolving it found.
 */
export function noVendorObject(opts: { status?: ExternalStatus; notes?: Record<string, string> } = {}): ExternalClient {
  const status = opts.status ?? {};
  return {
    ...(opts.notes && Object.keys(opts.notes).length ? { notes: opts.notes } : {}),
    observe: async () => ({ exists: true, upToDate: true, status }),
    create: async () => status,
    update: async () => status,
    delete: async () => {},
  };
}
