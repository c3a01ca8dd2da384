import { transient } from '../engine/errors.ts';
import type { Cluster } from './cluster.ts';
import type { ClusterRegistry } from './cluster-registry.ts';
import type { ClusterUnavailableReason } from './cluster-unavailable.ts';

/** Reasons met at the connection: every call would meet them again, and a timeout costs the whole request timeout. */
const CONNECTION_REASONS = new Set<ClusterUnavailableReason>(['unreachable', 'dns', 'timeout', 'tls']);

/** Thrown instead of calling a cluster known not to answer; shared/kube/cluster-unavailable.ts reads its reason. */
export class ClusterCircuitOpen extends Error {
  override name = 'ClusterCircuitOpen';
  readonly reason: ClusterUnavailableReason;
  constructor(cluster: string, reason: ClusterUnavailableReason, untilMs: number) {
    super(`cluster ${cluster} did not answer a moment ago (${reason}); not tried again before ${new Date(untilMs).toISOString()}`);
    this.reason = reason;
  }
}

/**
 * A circuit breaker per member cluster, in front of the registry. A Lambda invocation syncs its batch one message
 * after another (FIFO order), so a cluster whose API server swallows packets would hold every later message of the
 * batch, other clusters' included, for a full request timeout each. Once a sync has met a connection-level failure,
 * that cluster's next syncs in this container fail at once, for `openMs`, as if they had met it too (same reason,
 * same backoff); then one sync tries it again. Refused credentials (401/403) answer at once and do not open it.
 */
export class ClusterCircuit implements ClusterRegistry {
  private readonly inner: ClusterRegistry;
  private readonly openMs: number;
  private readonly now: () => number;
  private readonly open = new Map<string, { untilMs: number; reason: ClusterUnavailableReason }>();

  constructor(inner: ClusterRegistry, opts: { openMs?: number; now?: () => number } = {}) {
    this.inner = inner;
    this.openMs = opts.openMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Told of each sync its cluster failed (SyncDependencies.onClusterUnavailable). */
  trip(cluster: string, reason: ClusterUnavailableReason): void {
    // The failures the open circuit itself gives do not hold it open: once `openMs` has passed, a sync tries the cluster.
    const open = this.open.get(cluster);
    if (open && this.now() < open.untilMs) return;
    if (CONNECTION_REASONS.has(reason)) this.open.set(cluster, { untilMs: this.now() + this.openMs, reason });
  }

  async get(id: string): Promise<Cluster> {
    const open = this.open.get(id);
    if (open) {
      if (this.now() < open.untilMs) {
        const cause = new ClusterCircuitOpen(id, open.reason, open.untilMs);
        throw transient('KubernetesError', cause.message, { cause });
      }
      this.open.delete(id);
    }
    return this.inner.get(id);
  }
}
