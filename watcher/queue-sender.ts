import { deduplicationId, messageGroupId, SyncMessage, type SyncReason, type VendorEvent } from '../shared/queue/envelope.ts';
import { backoffDelay } from './backoff.ts';
import { errorFields, type WatcherLog } from './log.ts';
import type { WatcherMetrics } from './metrics.ts';
import type { ObjectState } from './object-state.ts';

export interface BatchEntry {
  id: string;
  body: string;
  groupId: string;
  deduplicationId: string;
}

/** The queue as the sender needs it; sqs-transport.ts implements it with the AWS SDK. */
export interface QueueTransport {
  /** Sends up to 10 entries; returns the ids that failed. Throws when the call as a whole failed. */
  sendBatch(entries: BatchEntry[]): Promise<{ failed: Array<{ id: string; code?: string; message?: string }> }>;
  /** Throws unless the queue answers. */
  ping(): Promise<void>;
}

/** The failed entries of a SendMessageBatch answer; an entry it does not mention counts as failed, so it is retried. */
export function failedEntries(
  entries: BatchEntry[],
  successful: Array<{ Id?: string }> | undefined,
  failed: Array<{ Id?: string; Code?: string; Message?: string }> | undefined,
): Array<{ id: string; code?: string; message?: string }> {
  const ok = new Set((successful ?? []).map((s) => s.Id));
  const out = (failed ?? []).map((f) => ({ id: f.Id ?? '', code: f.Code, message: f.Message }));
  for (const e of entries) if (!ok.has(e.id) && !out.some((f) => f.id === e.id)) out.push({ id: e.id, code: 'Missing', message: undefined });
  return out;
}

export interface QueueSenderOptions {
  /** The changes queue: every message but the resyncs of objects in step. */
  transport: QueueTransport;
  /** The resync queue (RESYNC_QUEUE_URL): resyncs of objects in step. Unset: they go to `transport` too. */
  resyncTransport?: QueueTransport;
  clusterId: string;
  metrics: WatcherMetrics;
  log: WatcherLog;
  /** How long the first pending message waits for others to fill a batch. */
  flushDelayMs?: number;
  maxBatchesInFlight?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

interface Pending {
  /** The object's key, or for a vendor event the object's key and the event's (events are not coalesced). */
  key: string;
  state: ObjectState;
  reason: SyncReason;
  cause: string | undefined;
  event?: VendorEvent;
  attempts: number;
  notBefore: number;
}

/** Which queue a message goes to. */
export type QueueRoute = 'changes' | 'resyncs';

/**
 * A resync of an object in step (Ready at its generation, not being deleted) is background work: drift correction that
 * usually finds nothing to do. Anything else is pending work: a change, a deletion, or an object whose last sync did not
 * succeed (it may need a create, which must not race a change of the same object read from the other queue).
 * Read when the message is sent, so an object that left step meanwhile goes with the changes.
 */
export function routeOf(reason: SyncReason, state: ObjectState): QueueRoute {
  return reason === 'resync' && state.ready && !state.deleting ? 'resyncs' : 'changes';
}

const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024 - 4096;

/**
 * Batches messages into SendMessageBatch calls. One pending message per object: a newer event replaces the waiting
 * one (the message is built from the object's latest versions when sent). A message that fails stays pending and is
 * retried with backoff; nothing is dropped while the queue is unreachable.
 */
export class QueueSender {
  private readonly o: Required<Omit<QueueSenderOptions, 'transport' | 'resyncTransport' | 'metrics' | 'log'>> & QueueSenderOptions;
  private readonly pending = new Map<string, Pending>();
  private readonly inFlight = new Map<string, Pending>();
  private batchesInFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  /** False after a failed call, true after a successful one. */
  reachable = false;

  constructor(o: QueueSenderOptions) {
    this.o = { flushDelayMs: 50, maxBatchesInFlight: 4, retryBaseMs: 200, retryMaxMs: 30_000, ...o };
  }

  /** Messages not yet accepted by the queue. */
  get size(): number {
    return this.pending.size + this.inFlight.size;
  }

  /**
   * A message for the object. With a vendor event (reason `vendor-event`), one message per distinct event: each says
   * something the others do not, so none replaces another; a repeat of the same event is coalesced.
   */
  enqueue(state: ObjectState, reason: SyncReason, cause?: string, event?: VendorEvent): void {
    const key = event ? [state.key, event.type, event.id ?? '', event.deploymentId ?? '', event.performedAt ?? '', event.detail ?? '', cause ?? ''].join('\u0000') : state.key;
    const waiting = this.pending.get(key);
    if (waiting && reason === 'resync' && waiting.reason !== 'resync') {
      // A change waiting for the object already covers the resync, and must keep its place with the changes.
      this.o.metrics.coalesced++;
    } else if (waiting) {
      waiting.state = state;
      waiting.reason = reason;
      waiting.cause = cause;
      this.o.metrics.coalesced++;
    } else {
      this.pending.set(key, { key, state, reason, cause, ...(event ? { event } : {}), attempts: 0, notBefore: 0 });
    }
    // Idle: send almost at once (events of one watch chunk still share a batch). Busy: let a batch fill.
    const delay = this.pending.size >= MAX_ENTRIES ? 0 : this.batchesInFlight === 0 ? Math.min(2, this.o.flushDelayMs) : this.o.flushDelayMs;
    this.schedule(delay);
  }

  /** Both queues must answer. */
  async ping(): Promise<void> {
    await Promise.all([this.o.transport.ping(), this.o.resyncTransport?.ping()]);
    this.reachable = true;
  }

  private transportOf(route: QueueRoute): QueueTransport {
    return route === 'resyncs' ? (this.o.resyncTransport ?? this.o.transport) : this.o.transport;
  }

  /** The queue a pending message goes to; one queue when no resync queue is configured. */
  private routeOfPending(p: Pending): QueueRoute {
    return this.o.resyncTransport ? routeOf(p.reason, p.state) : 'changes';
  }

  /** Sends what is pending, for at most timeoutMs; true when nothing is left. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const p of this.pending.values()) p.notBefore = 0;
    this.schedule(0);
    while (this.size > 0 && Date.now() < deadline && !this.stopped) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.idleWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.size === 0;
  }

  /** Stops sending; pending messages are abandoned (a restarted watcher re-enqueues what is not in step). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, delayMs);
  }

  private pump(): void {
    if (this.stopped) return;
    let nextDue = Infinity;
    while (this.batchesInFlight < this.o.maxBatchesInFlight) {
      const now = Date.now();
      const batch: Pending[] = [];
      const entries: BatchEntry[] = [];
      let bytes = 0;
      // A batch goes to one queue: the route of its first message; the other queue's messages wait for the next batch.
      let route: QueueRoute | undefined;
      for (const [key, p] of this.pending) {
        if (this.inFlight.has(key)) continue;
        if (p.notBefore > now) {
          nextDue = Math.min(nextDue, p.notBefore);
          continue;
        }
        const r = this.routeOfPending(p);
        if (route && r !== route) continue;
        const entry = this.entry(p, entries.length);
        if (!entry) {
          this.pending.delete(key);
          continue;
        }
        if (bytes + entry.body.length > MAX_BATCH_BYTES) break;
        bytes += entry.body.length;
        route = r;
        batch.push(p);
        entries.push(entry);
        if (entries.length === MAX_ENTRIES) break;
      }
      if (batch.length === 0) break;
      for (const p of batch) {
        this.pending.delete(p.key);
        this.inFlight.set(p.key, p);
      }
      this.batchesInFlight++;
      void this.send(batch, entries, route ?? 'changes');
    }
    if (nextDue !== Infinity) this.schedule(Math.max(0, nextDue - Date.now()));
    if (this.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** The envelope of a pending message, validated; undefined (and logged) if it cannot be valid. */
  private entry(p: Pending, index: number): BatchEntry | undefined {
    const st = p.state;
    const parsed = SyncMessage.safeParse({
      v: 1,
      cluster: this.o.clusterId,
      apiVersion: st.type.apiVersion,
      kind: st.type.kind,
      namespace: st.namespace,
      name: st.name,
      uid: st.uid,
      resourceVersion: st.resourceVersion,
      generation: st.generation,
      reason: p.reason,
      cause: p.cause,
      event: p.event,
    });
    if (!parsed.success) {
      this.o.log.error('message is not a valid envelope; dropped', { kind: st.type.kind, namespace: st.namespace, name: st.name, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      return undefined;
    }
    const msg = parsed.data;
    return { id: `m${index}`, body: JSON.stringify(msg), groupId: messageGroupId(msg), deduplicationId: deduplicationId(msg) };
  }

  private async send(batch: Pending[], entries: BatchEntry[], route: QueueRoute): Promise<void> {
    let failed: Set<string>;
    try {
      const res = await this.transportOf(route).sendBatch(entries);
      failed = new Set(res.failed.map((f) => f.id));
      if (res.failed.length) {
        this.o.metrics.sendErrors += res.failed.length;
        this.o.log.warn('queue refused messages; they will be retried', { count: res.failed.length, codes: [...new Set(res.failed.map((f) => f.code ?? 'unknown'))] });
      }
      this.reachable = true;
    } catch (err) {
      failed = new Set(entries.map((e) => e.id));
      this.o.metrics.sendErrors++;
      this.reachable = false;
      this.o.log.warn('send to queue failed; messages stay pending', { count: entries.length, ...errorFields(err) });
    }
    this.batchesInFlight--;
    batch.forEach((p, i) => {
      const key = p.key;
      this.inFlight.delete(key);
      if (!failed.has(entries[i].id)) {
        this.o.metrics.messagesSent++;
        if (route === 'resyncs') this.o.metrics.resyncMessagesSent++;
        return;
      }
      if (this.pending.has(key)) return; // a newer event for the object waits already; it supersedes this one
      p.notBefore = Date.now() + backoffDelay(p.attempts++, this.o.retryBaseMs, this.o.retryMaxMs);
      this.pending.set(key, p);
    });
    if (this.stopped) return;
    this.pump();
  }
}
