import type { SyncContext } from '../../../shared/engine/kind.ts';
import { deepEqual } from '../../../shared/engine/status-patch.ts';
import { refOf, type KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ControlPlaneStatus, DeploymentOutcome } from './metadata.ts';

/** Bounds of `status.controlPlane`: the newest outcomes are kept, so a flood of broken artifacts cannot grow status. */
const MAX_REJECTED = 50;
const MAX_SETTLED = 20;
/** A success without a resource only needs to live until the watcher acked it. */
const SETTLED_TTL_MS = 60 * 60_000;

/**
 * The deployment outcomes apim-sync decided without a resource to show them, collected during one event or one chunk
 * of a resync and written to the APIGateway's status in one guarded patch: one outcome per artifact, the newest wins;
 * an artifact written successfully, or gone from the control plane, loses its outcome.
 */
export class OutcomeBook {
  private readonly gateway: KubeObject;
  private readonly rejected = new Map<string, DeploymentOutcome>();
  private readonly settled = new Map<string, DeploymentOutcome>();
  private readonly cleared = new Set<string>();

  constructor(gateway: KubeObject) {
    this.gateway = gateway;
  }

  reject(o: Omit<DeploymentOutcome, 'at'>): void {
    this.cleared.delete(o.artifactId);
    this.settled.delete(o.artifactId);
    this.rejected.set(o.artifactId, { ...o, message: (o.message ?? '').slice(0, 1000) });
  }

  settle(o: Omit<DeploymentOutcome, 'at' | 'errorCode' | 'message'>): void {
    this.cleared.delete(o.artifactId);
    this.rejected.delete(o.artifactId);
    this.settled.set(o.artifactId, o);
  }

  /** The artifact has a resource (or nothing) now: whatever was recorded for it is over. */
  clear(artifactId: string): void {
    this.rejected.delete(artifactId);
    this.settled.delete(artifactId);
    // Nothing recorded for it when the gateway was read: nothing to write (and no read of the gateway to find out).
    if (this.recordedIds.has(artifactId)) this.cleared.add(artifactId);
  }

  private get recordedIds(): Set<string> {
    if (!this.known) {
      const r = OutcomeBook.recorded(this.gateway);
      this.known = new Set([...r.rejected!, ...r.settled!].map((o) => o.artifactId));
    }
    return this.known;
  }
  private known: Set<string> | undefined;

  /** Artifacts with an outcome in the gateway's status (as last read), e.g. for a resync to retry rejected ones. */
  static recorded(gateway: KubeObject): ControlPlaneStatus {
    const cp = (gateway.status?.controlPlane ?? {}) as ControlPlaneStatus;
    return { rejected: Array.isArray(cp.rejected) ? cp.rejected : [], settled: Array.isArray(cp.settled) ? cp.settled : [] };
  }

  get empty(): boolean {
    return this.rejected.size === 0 && this.settled.size === 0 && this.cleared.size === 0;
  }

  /**
   * Writes the outcomes into the gateway's current status, guarded by its resourceVersion (a concurrent writer makes
   * it a 409, retried through the queue with this event). Nothing is written when nothing changes.
   */
  async flush(ctx: SyncContext, now = new Date()): Promise<void> {
    if (this.empty) return;
    const current = await ctx.cluster.get(refOf(this.gateway));
    if (!current || current.metadata.uid !== this.gateway.metadata.uid) return;
    const before = OutcomeBook.recorded(current);
    const rejected = merge(before.rejected!, this.rejected, (o) => this.cleared.has(o.artifactId) || this.settled.has(o.artifactId), now).slice(-MAX_REJECTED);
    const fresh = (o: DeploymentOutcome) => !o.at || now.getTime() - Date.parse(o.at) < SETTLED_TTL_MS;
    const settled = merge(before.settled!.filter(fresh), this.settled, (o) => this.cleared.has(o.artifactId) || this.rejected.has(o.artifactId), now).slice(-MAX_SETTLED);
    if (deepEqual(rejected, before.rejected) && deepEqual(settled, before.settled)) return;
    await ctx.cluster.patchStatus(refOf(current), { controlPlane: { rejected, settled } }, current.metadata.resourceVersion);
  }
}

/** The recorded list with updates applied in place (an unchanged entry keeps its time), dropped ones removed, new ones last. */
function merge(recorded: DeploymentOutcome[], updates: Map<string, DeploymentOutcome>, dropped: (o: DeploymentOutcome) => boolean, now: Date): DeploymentOutcome[] {
  const at = now.toISOString();
  const seen = new Set<string>();
  const out: DeploymentOutcome[] = [];
  for (const o of recorded) {
    if (dropped(o) || seen.has(o.artifactId)) continue;
    seen.add(o.artifactId);
    const u = updates.get(o.artifactId);
    out.push(u ? (deepEqual(withoutAt(o), withoutAt(u)) ? o : { ...u, at }) : o);
  }
  for (const [id, u] of updates) if (!seen.has(id)) out.push({ ...u, at });
  return out;
}

function withoutAt(o: DeploymentOutcome): Omit<DeploymentOutcome, 'at'> {
  const { at: _at, ...rest } = o;
  return rest;
}
