import { SyncError } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { deepEqual } from '../../../shared/engine/status-patch.ts';
import { refOf, type KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ControlPlaneStatus, DeploymentOutcome, EchoOutcome } from './metadata.ts';
import { compareTimes } from './resource-writer.ts';

/** Bounds of `status.controlPlane`: the newest outcomes are kept, so a flood of broken artifacts cannot grow status. */
const MAX_REJECTED = 50;
const MAX_SETTLED = 20;
/** One per API this gateway synced up and APIM announced back, kept while APIM lists it. */
const MAX_ECHOES = 500;
/** A success without a resource only needs to live until the watcher acked it. */
const SETTLED_TTL_MS = 60 * 60_000;
/** Writes of one flush before a conflict goes back to the queue (as many as the engine's status writes). */
const FLUSH_ATTEMPTS = 5;

/**
 * The deployment outcomes apim-sync decided without a resource to show them, collected during one event or one chunk
 * of a resync and written to the APIGateway's status in one guarded patch: one outcome per artifact, the newest wins;
 * an artifact written successfully, or gone from the control plane, loses its outcome.
 */
export class OutcomeBook {
  private readonly gateway: KubeObject;
  private readonly rejected = new Map<string, DeploymentOutcome>();
  private readonly settled = new Map<string, DeploymentOutcome>();
  private readonly echoes = new Map<string, EchoOutcome>();
  private readonly cleared = new Set<string>();

  constructor(gateway: KubeObject) {
    this.gateway = gateway;
  }

  reject(o: Omit<DeploymentOutcome, 'at'>): void {
    this.only(o.artifactId);
    this.rejected.set(o.artifactId, { ...o, message: (o.message ?? '').slice(0, 1000) });
  }

  settle(o: Omit<DeploymentOutcome, 'at' | 'errorCode' | 'message'>): void {
    this.only(o.artifactId);
    this.settled.set(o.artifactId, o);
  }

  /** A deployment of an API this gateway synced up, announced back: acked once its RestApi is Programmed. An older one than recorded changes nothing. */
  echo(o: Omit<EchoOutcome, 'at'>): void {
    const known = this.echoes.get(o.artifactId) ?? OutcomeBook.recorded(this.gateway).echoes!.find((e) => e.artifactId === o.artifactId);
    if (known && compareTimes(o.performedAt, known.performedAt) < 0) return;
    this.only(o.artifactId);
    this.echoes.set(o.artifactId, o);
  }

  /** Whatever else was recorded for the artifact goes: one outcome per artifact. */
  private only(artifactId: string): void {
    this.cleared.delete(artifactId);
    this.rejected.delete(artifactId);
    this.settled.delete(artifactId);
    this.echoes.delete(artifactId);
  }

  /** The artifact has a resource (or nothing) now: whatever was recorded for it is over. */
  clear(artifactId: string): void {
    this.rejected.delete(artifactId);
    this.settled.delete(artifactId);
    this.echoes.delete(artifactId);
    // Nothing recorded for it when the gateway was read: nothing to write (and no read of the gateway to find out).
    if (this.recordedIds.has(artifactId)) this.cleared.add(artifactId);
  }

  private get recordedIds(): Set<string> {
    if (!this.known) {
      const r = OutcomeBook.recorded(this.gateway);
      this.known = new Set([...r.rejected!, ...r.settled!, ...r.echoes!].map((o) => o.artifactId));
    }
    return this.known;
  }
  private known: Set<string> | undefined;

  /** Artifacts with an outcome in the gateway's status (as last read), e.g. for a resync to retry rejected ones. */
  static recorded(gateway: KubeObject): ControlPlaneStatus {
    const cp = (gateway.status?.controlPlane ?? {}) as ControlPlaneStatus;
    const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
    return { rejected: list(cp.rejected), settled: list(cp.settled), echoes: list(cp.echoes) };
  }

  get empty(): boolean {
    return this.rejected.size === 0 && this.settled.size === 0 && this.echoes.size === 0 && this.cleared.size === 0;
  }

  /**
   * Writes the outcomes into the gateway's current status, guarded by its resourceVersion. Events of one gateway run
   * side by side (one FIFO group per artifact) and write the same status: on a conflict the outcomes are merged again
   * into what the other writer left, as the engine's status writes do, instead of failing the event back to the queue
   * (which would redo its lists and fetches). Nothing is written when nothing changes.
   */
  async flush(ctx: SyncContext, now = new Date()): Promise<void> {
    if (this.empty) return;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.write(ctx, now);
      } catch (err) {
        if (!(err instanceof SyncError && err.reason === 'Conflict') || attempt >= FLUSH_ATTEMPTS) throw err;
      }
    }
  }

  private async write(ctx: SyncContext, now: Date): Promise<void> {
    const current = await ctx.cluster.get(refOf(this.gateway));
    if (!current || current.metadata.uid !== this.gateway.metadata.uid) return;
    const before = OutcomeBook.recorded(current);
    // An entry goes when its artifact is cleared or another outcome replaces it.
    const other = (own: Map<string, unknown>) => (o: { artifactId: string }) =>
      this.cleared.has(o.artifactId) || ([this.rejected, this.settled, this.echoes] as Map<string, unknown>[]).some((m) => m !== own && m.has(o.artifactId));
    const rejected = merge(before.rejected!, this.rejected, other(this.rejected), now).slice(-MAX_REJECTED);
    const fresh = (o: DeploymentOutcome) => !o.at || now.getTime() - Date.parse(o.at) < SETTLED_TTL_MS;
    const settled = merge(before.settled!.filter(fresh), this.settled, other(this.settled), now).slice(-MAX_SETTLED);
    const echoes = merge(before.echoes!, this.echoes, other(this.echoes), now).slice(-MAX_ECHOES);
    if (deepEqual(rejected, before.rejected) && deepEqual(settled, before.settled) && deepEqual(echoes, before.echoes)) return;
    await ctx.cluster.patchStatus(refOf(current), { controlPlane: { rejected, settled, echoes } }, current.metadata.resourceVersion);
  }
}

/** The recorded list with updates applied in place (an unchanged entry keeps its time), dropped ones removed, new ones last. */
function merge<T extends { artifactId: string; at?: string }>(recorded: T[], updates: Map<string, Omit<T, 'at'>>, dropped: (o: T) => boolean, now: Date): T[] {
  const at = now.toISOString();
  const seen = new Set<string>();
  const out: T[] = [];
  for (const o of recorded) {
    if (dropped(o) || seen.has(o.artifactId)) continue;
    seen.add(o.artifactId);
    const u = updates.get(o.artifactId);
    out.push(u ? (deepEqual(withoutAt(o), withoutAt(u)) ? o : ({ ...u, at } as T)) : o);
  }
  for (const [id, u] of updates) if (!seen.has(id)) out.push({ ...u, at } as T);
  return out;
}

function withoutAt(o: object): object {
  const { at: _at, ...rest } = o as { at?: string };
  return rest;
}
