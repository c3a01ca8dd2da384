/**
 * Retries of an idempotent GET within one sync, as the AWS SDKs and client-go retry theirs: a vendor's 429 (when its
 * Retry-After is short), 502/503/504 and a connection reset are retried a couple of times after a short jittered
 * wait, a timeout once. What still fails goes back to the queue's backoff. Never a write: its answer may have been
 * lost after the vendor carried it out, and only the next sync's lookup can tell.
 */
export interface GetRetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** The first wait; each retry doubles it, with full jitter on its upper half. */
  baseMs: number;
  /** A Retry-After longer than this is not waited for here: the message's own backoff honours it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_GET_RETRY: GetRetryPolicy = { retries: 2, baseMs: 100, maxRetryAfterMs: 2_000 };

const RETRIED_STATUSES = new Set([429, 502, 503, 504]);
/** The connection was cut (a keep-alive socket the vendor had closed, a proxy dropping it): nothing was answered. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** What an attempt met: an answer's status and Retry-After (in seconds), or a transport failure's code. */
export type AttemptResult = { status: number; retryAfterSeconds?: number } | { code?: string };

/**
 * How long to wait before retrying a GET after its `attempt`-th try (1-based) met `result`, `timeouts` counting the
 * attempts so far that timed out (this one included); undefined: not retried.
 */
export function getRetryDelayMs(policy: GetRetryPolicy, attempt: number, result: AttemptResult, timeouts: number): number | undefined {
  if (attempt > policy.retries) return undefined;
  const backoff = policy.baseMs * 2 ** (attempt - 1);
  const jittered = backoff / 2 + Math.random() * (backoff / 2);
  if ('status' in result) {
    if (!RETRIED_STATUSES.has(result.status)) return undefined;
    const floor = (result.retryAfterSeconds ?? 0) * 1000;
    return floor > policy.maxRetryAfterMs ? undefined : Math.max(jittered, floor);
  }
  if (result.code === 'ETIMEDOUT') return timeouts <= 1 ? jittered : undefined;
  return result.code && RESET_CODES.has(result.code) ? jittered : undefined;
}
