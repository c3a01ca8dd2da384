/**
 * Releases a resync epoch's objects at a bounded rate, so that each cluster's share of the resync queue is bounded at
 * its source: a fleet of watchers resyncing at once adds up to the sum of their rates, never to their object counts.
 * It walks the tracker's live map (no copy: the watcher holds keys and versions only, and a copy of 10,000 would cost
 * what they do); an object added meanwhile is visited too, one removed is not.
 */
export interface ResyncPacerOptions<T> {
  /** A fresh iterator over the objects to resync (the tracker's map values). */
  objects(): Iterator<T>;
  /** How many there are now. */
  count(): number;
  /** Sends one object's resync message (to the sender, which routes it). */
  release(object: T, epoch: number): void;
  /** The resync period; the default rate spreads an epoch's objects over it. */
  intervalSeconds: number;
  /** At most this many objects a second; default: count / interval, rounded up, at least 1. */
  maxPerSecond?: number;
  /** Told when an epoch has released all its objects, or was replaced by a newer one before it had. */
  done?(epoch: number, released: number, complete: boolean): void;
}

/** Objects released per SendMessageBatch: the pacer lets them out a batch at a time when the rate allows. */
const BATCH = 10;

export class ResyncPacer<T> {
  private readonly o: ResyncPacerOptions<T>;
  private cursor: Iterator<T> | undefined;
  private epoch = 0;
  private rate = 1;
  private credit = 0;
  private last = 0;
  private released = 0;
  private total = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(o: ResyncPacerOptions<T>) {
    this.o = o;
  }

  /** Objects of the running epoch not yet released (an estimate: objects may come and go meanwhile). */
  get remaining(): number {
    return this.cursor ? Math.max(0, this.total - this.released) : 0;
  }

  /** The rate of the running epoch, objects per second. */
  get perSecond(): number {
    return this.rate;
  }

  /** Starts an epoch, replacing one still running (it restarts from the first object). Returns the objects to release. */
  start(epoch: number): number {
    if (this.cursor) this.finish(false);
    this.total = this.o.count();
    this.rate = this.o.maxPerSecond && this.o.maxPerSecond > 0 ? this.o.maxPerSecond : Math.max(1, Math.ceil(this.total / Math.max(1, this.o.intervalSeconds)));
    this.cursor = this.o.objects();
    this.epoch = epoch;
    this.released = 0;
    // The first batch goes at once; after that the rate's credit accrues with time.
    this.credit = Math.min(BATCH, this.rate);
    this.last = Date.now();
    this.tick();
    return this.total;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.cursor = undefined;
  }

  private tick(): void {
    this.timer = undefined;
    const now = Date.now();
    // Credit is capped at a second's worth (or a batch): an event loop that stalled does not release a burst after.
    this.credit = Math.min(Math.max(BATCH, this.rate), this.credit + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    while (this.cursor && this.credit >= 1) {
      const next = this.cursor.next();
      if (next.done) return this.finish(true);
      this.credit--;
      this.released++;
      this.o.release(next.value, this.epoch);
    }
    if (!this.cursor) return;
    // Wake when a batch's worth (or one object, when slow) has accrued; at least every 20 ms, at most every second.
    const wantMs = ((Math.min(BATCH, Math.max(1, this.rate)) - this.credit) / this.rate) * 1000;
    this.timer = setTimeout(() => this.tick(), Math.min(1000, Math.max(20, wantMs)));
    this.timer.unref();
  }

  private finish(complete: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.cursor = undefined;
    this.o.done?.(this.epoch, this.released, complete);
  }
}
