/** When a failed message is seen again: growing backoff through the queue's visibility timeout. */
export interface RetryPolicy {
  baseSeconds: number;
  maxSeconds: number;
  /** Attempts for a missing reference before the message is acknowledged and the watcher's triggers take over. */
  referenceAttempts: number;
  /**
   * Backoff base while a reference is missing (default 1 s): what it waits for is usually being created alongside it
   * (`kubectl apply -f dir/`), and a FIFO group stays blocked, the watcher's wake-up behind it, while its message waits.
   */
  referenceBaseSeconds?: number;
}

export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);
  return {
    baseSeconds: num(env.RETRY_BASE_SECONDS, 10),
    maxSeconds: num(env.RETRY_MAX_SECONDS, 900),
    referenceAttempts: num(env.REFERENCE_RETRY_ATTEMPTS, 4),
    referenceBaseSeconds: num(env.REFERENCE_RETRY_BASE_SECONDS, 1),
  };
}

/** Exponential with full jitter on the upper half; a vendor's Retry-After is a floor. 43200 s is SQS's limit. */
export function backoffSeconds(policy: RetryPolicy, receiveCount: number, retryAfterSeconds?: number): number {
  const exp = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  const jittered = exp / 2 + Math.random() * (exp / 2);
  return Math.min(43_200, Math.ceil(Math.max(jittered, retryAfterSeconds ?? 0)));
}
