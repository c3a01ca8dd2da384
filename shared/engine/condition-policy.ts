import type { ConditionInput } from './conditions.ts';
import type { SyncError } from './errors.ts';

/**
 * Which conditions a kind writes after a sync, as its vendor's operator does, so `kubectl wait --for=condition=X`
 * works unchanged. The engine adds nothing of its own but expects every policy to include `Ready`.
 */
export interface ConditionPolicy {
  success(): ConditionInput[];
  failure(err: SyncError): ConditionInput[];
}
