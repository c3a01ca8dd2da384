/** Exponential backoff with full jitter (between half and all of the current step), capped. */
export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(baseMs = 200, maxMs = 30_000) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  /** The next delay; each call doubles the step up to the cap. */
  next(): number {
    return backoffDelay(this.attempt++, this.baseMs, this.maxMs);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}

/** The delay before retry number `attempt` (0-based): between half and all of base * 2^attempt, capped at max. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/** Resolves after ms, or at once when the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
