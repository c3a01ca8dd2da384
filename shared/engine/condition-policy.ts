import type { ConditionInput } from './conditions.ts';
import type { SyncError } from './errors.ts';
import type { ExternalStatus } from './kind.ts';

/** What a successful sync saw and produced, for which spec: a kind may word its success message from them. */
export interface SyncOutcome {
  /** The spec synced, as the kind's schema output it. */
  spec: unknown;
  /** The status observe reported before any write (absent when the engine wrote without observing). */
  observed?: ExternalStatus;
  /** The status after the sync. */
  status: ExternalStatus;
  /** What connect and observe noted for the user's eyes (ExternalClient.notes, then Observation.notes). */
  notes?: Record<string, string>;
}

/**
 * Which conditions a kind writes after a sync, as its vendor's operator does, so `kubectl wait --for=condition=X`
 * works unchanged. The engine adds nothing of its own but expects every policy to include `Ready`.
 */
export interface ConditionPolicy {
  success(outcome?: SyncOutcome): ConditionInput[];
  failure(err: SyncError): ConditionInput[];
}
