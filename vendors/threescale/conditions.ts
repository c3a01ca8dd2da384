import type { ConditionInput } from '../../shared/engine/conditions.ts';
import type { ConditionPolicy } from '../../shared/engine/condition-policy.ts';
import type { SyncError } from '../../shared/engine/errors.ts';

/** The condition types besides the success one that the operator's status reconciler of a kind writes. */
export type ThreescaleConditionType = 'Invalid' | 'Orphan' | 'Waiting' | 'Failed';

export interface ThreescaleConditionOptions {
  /** The kind's own types, as its operator status reconciler sets them (default Invalid, Orphan, Failed). */
  types?: ThreescaleConditionType[];
  /** `Failed` only when no other type is True (DeveloperAccount, DeveloperUser); else `Failed` with any error. */
  failedAlone?: boolean;
  /** The `Failed` message, where the operator rewords the error (ApplicationAuth); else the error's message. */
  failedMessage?: (err: SyncError) => string;
}

/**
 * The 3scale operator's capabilities conditions (`Synced` for Backend/Product, `Ready` for the other kinds): the
 * success condition True iff no error; `Invalid` iff the spec must change; `Orphan` iff a reference is missing;
 * `Waiting` iff another resource must act first; `Failed` for any error, or with `failedAlone` only when none of
 * the others is True. Each kind writes only the types its operator writes, so `kubectl wait --for=condition=X`
 * behaves as with the operator; `Ready` is always written too (our addition where the operator has `Synced`).
 */
export function threescaleConditions(successType: 'Synced' | 'Ready', opts: ThreescaleConditionOptions = {}): ConditionPolicy {
  const types = new Set<ThreescaleConditionType>(opts.types ?? ['Invalid', 'Orphan', 'Failed']);
  const ok = (status: 'True' | 'False', reason: string, message: string): ConditionInput[] => {
    const list: ConditionInput[] = [{ type: 'Ready', status, reason, message }];
    if (successType !== 'Ready') list.push({ type: successType, status, reason, message });
    return list;
  };
  const cleared: Record<ThreescaleConditionType, ConditionInput> = {
    Invalid: { type: 'Invalid', status: 'False', reason: 'Valid', message: '' },
    Orphan: { type: 'Orphan', status: 'False', reason: 'ReferencesResolved', message: '' },
    Waiting: { type: 'Waiting', status: 'False', reason: 'NotWaiting', message: '' },
    Failed: { type: 'Failed', status: 'False', reason: 'Synced', message: '' },
  };
  const raised = (err: SyncError): Record<ThreescaleConditionType, boolean> => {
    const r = { Invalid: err.invalid && types.has('Invalid'), Orphan: err.retry === 'reference' && !err.waiting && types.has('Orphan'), Waiting: err.waiting && types.has('Waiting'), Failed: true };
    // The operator's DeveloperAccount/DeveloperUser: "only activate this condition when others are false".
    if (opts.failedAlone) r.Failed = !r.Invalid && !r.Orphan && !r.Waiting;
    return r;
  };
  const pick = (set: (type: ThreescaleConditionType) => ConditionInput) => [...types].map(set);
  return {
    success: () => [...ok('True', 'Synced', 'Synced with 3scale'), ...pick((t) => cleared[t])],
    failure: (err) => {
      const up = raised(err);
      const message = (t: ThreescaleConditionType) => (t === 'Failed' && opts.failedMessage ? opts.failedMessage(err) : err.message);
      return [...ok('False', err.reason, err.message), ...pick((t) => (up[t] ? { type: t, status: 'True', reason: err.reason, message: message(t) } : cleared[t]))];
    },
  };
}
