import type { SyncUsage, UsageRecord } from '../../shared/engine/usage-record.ts';

/**
 * The usage records of one invocation. Lambda bills the invocation, not each sync: its duration rounded up to the
 * next millisecond, and one request. Each record gets a share of both — the billed duration in proportion to its
 * sync's duration (the time between syncs, parsing the batch and answering it, is shared alike), the request evenly —
 * so the records of a batch add up to exactly what the invocation costs.
 */
export class InvocationUsage {
  private readonly syncs: (SyncUsage & { time: string })[] = [];
  private readonly started = performance.now();

  private readonly invocationId: string;

  constructor(invocationId: string) {
    this.invocationId = invocationId;
  }

  add(usage: SyncUsage): void {
    this.syncs.push({ time: new Date().toISOString(), ...usage });
  }

  /** The records, once the invocation is over; `invocationMs` defaults to the time since this was made. */
  records(invocationMs = performance.now() - this.started): UsageRecord[] {
    const n = this.syncs.length;
    if (n === 0) return [];
    const billed = Math.ceil(invocationMs);
    const measured = this.syncs.reduce((sum, s) => sum + s.durationMs, 0);
    return this.syncs.map((s) => ({
      ...s,
      durationMs: round(s.durationMs),
      invocationId: this.invocationId,
      billedMs: round(measured > 0 ? (billed * s.durationMs) / measured : billed / n),
      requestShare: 1 / n,
    }));
  }
}

/** Microsecond precision: enough for cost, short in a log line. */
const round = (ms: number) => Math.round(ms * 1000) / 1000;
