/**
 * How a failed sync is retried. The engine maps each class to conditions and to the queue's fate of the message:
 * - permanent: condition False, message acknowledged; nothing changes until the spec (or a referenced object) does.
 * - reference: a referenced object is missing; ResolvedRefs=False, retried a few times, then left to the watcher,
 *   which re-enqueues the object when the reference appears.
 * - transient: retried through the queue's visibility timeout with growing backoff, renewed before the DLQ
 *   (functions/sync/renewal.ts) until it succeeds; only a `defect` (a bug) ends in the DLQ.
 */
export type RetryClass = 'permanent' | 'reference' | 'transient';

export class SyncError extends Error {
  readonly retry: RetryClass;
  /** Condition reason, e.g. ControlPlaneError, InvalidSpec, Unauthorized. */
  readonly reason: string;
  readonly retryAfterSeconds: number | undefined;
  /** Permanent because the spec itself is wrong (the vendor refused fields, or the schema did): 3scale's `Invalid`. */
  readonly invalid: boolean;
  /** A reference class error where another resource must act first (3scale's `Waiting`), not one that is missing. */
  readonly waiting: boolean;
  /**
   * The step of a sync with several that failed, the earlier ones having succeeded (a WSO2 RestApi is on its gateway
   * but its import into APIM failed): a kind's condition policy can then say what did succeed.
   */
  stage: string | undefined;
  /** Unclassified and a programming error (a TypeError…): retrying will not cure it; it ends in the DLQ for inspection. */
  readonly defect: boolean;
  constructor(retry: RetryClass, reason: string, message: string, opts: { retryAfterSeconds?: number; cause?: unknown; invalid?: boolean; waiting?: boolean; stage?: string; defect?: boolean } = {}) {
    super(message, { cause: opts.cause });
    this.retry = retry;
    this.reason = reason;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.invalid = opts.invalid ?? false;
    this.waiting = opts.waiting ?? false;
    this.stage = opts.stage;
    this.defect = opts.defect ?? false;
  }
}

export const permanent = (reason: string, message: string, cause?: unknown) => new SyncError('permanent', reason, message, { cause });
/** The spec must change: a field the schema or the vendor refused (422), named in the message. */
export const invalidSpec = (reason: string, message: string, cause?: unknown) => new SyncError('permanent', reason, message, { cause, invalid: true });
export const transient = (reason: string, message: string, opts: { retryAfterSeconds?: number; cause?: unknown } = {}) =>
  new SyncError('transient', reason, message, opts);
export const missingReference = (message: string) => new SyncError('reference', 'ReconcileFailed', message);
/** Waits for another resource to do its part (a DeveloperAccount for its admin DeveloperUser); re-triggered by the watcher. */
export const waitingFor = (message: string) => new SyncError('reference', 'Waiting', message, { waiting: true });

/**
 * Anything not classified is retried as transient (an SDK's own error, say); a programming error among them (a
 * TypeError, a ReferenceError…) is a defect: retried a few times, then left in the DLQ for inspection.
 */
export function asSyncError(err: unknown): SyncError {
  if (err instanceof SyncError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const defect = err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError;
  return new SyncError('transient', 'ReconcileFailed', message, { cause: err, defect });
}
