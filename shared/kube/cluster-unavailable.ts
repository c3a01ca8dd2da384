import type { SyncError } from '../engine/errors.ts';
import { KubeApiError } from './kube-http.ts';
import { ClusterCircuitOpen } from './cluster-circuit.ts';

/**
 * Why a member cluster could not be used at all, as opposed to one object's sync failing there: its API server does
 * not answer (`unreachable`: refused, reset, no route; `dns`; `timeout`; `tls`: its certificate does not verify
 * against the registry entry's CA), or it refuses the sync function's credentials (`unauthorized`: 401, an expired or
 * revoked token, an EKS role without an access entry; `forbidden`: 403, the identity lacks the sync roles).
 * A small fixed set: each value is a dimension of the ClusterUnavailable metric, and every combination is billed.
 */
export const CLUSTER_UNAVAILABLE_REASONS = ['unreachable', 'dns', 'timeout', 'tls', 'unauthorized', 'forbidden'] as const;
export type ClusterUnavailableReason = (typeof CLUSTER_UNAVAILABLE_REASONS)[number];

/** The reasons shared/kube/cluster.ts gives the member cluster's own failures (a vendor's are named otherwise). */
const KUBERNETES_REASONS = new Set(['KubernetesError', 'KubernetesUnauthorized']);

const NETWORK: Record<string, ClusterUnavailableReason> = {
  ECONNREFUSED: 'unreachable',
  ECONNRESET: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  EPIPE: 'unreachable',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
};

/** The cluster-level reason of a sync's failure, or undefined when the cluster answered (a 404, a 409, a 5xx…). */
export function clusterUnavailable(err: SyncError): ClusterUnavailableReason | undefined {
  if (!KUBERNETES_REASONS.has(err.reason)) return undefined;
  for (let e: unknown = err.cause, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ClusterCircuitOpen) return e.reason;
    if (e instanceof KubeApiError) return e.status === 401 ? 'unauthorized' : e.status === 403 ? 'forbidden' : undefined;
    const code = (e as NodeJS.ErrnoException).code;
    if (code && NETWORK[code]) return NETWORK[code];
    if (code && (/^(CERT_|UNABLE_TO_|ERR_TLS_|ERR_SSL_)/.test(code) || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN')) return 'tls';
    // shared/kube/kube-http.ts's own request timeout.
    if (e instanceof Error && /no answer from the API server within/.test(e.message)) return 'timeout';
  }
  return undefined;
}
