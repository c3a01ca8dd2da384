import type { ConditionInput } from '../../shared/engine/conditions.ts';
import type { ConditionPolicy } from '../../shared/engine/condition-policy.ts';
import type { SyncError } from '../../shared/engine/errors.ts';

/**
 * The 3scale operator's capabilities conditions (`Synced` for Backend/Product, `Ready` for the other kinds):
 * the success condition True iff no error; `Invalid` iff the spec must change; `Orphan` iff a reference is missing;
 * `Failed` for any error. `Ready` is always written too. With `waiting` (DeveloperAccount), `Waiting` iff another
 * resource must act first (a waiting error is not an Orphan).
 */
export function threescaleConditions(successType: 'Synced' | 'Ready', opts: { waiting?: boolean } = {}): ConditionPolicy {
  const waiting = (err?: SyncError): ConditionInput[] =>
    !opts.waiting ? [] : err?.waiting ? [{ type: 'Waiting', status: 'True', reason: err.reason, message: err.message }] : [{ type: 'Waiting', status: 'False', reason: 'NotWaiting', message: '' }];
  const ok = (status: 'True' | 'False', reason: string, message: string): ConditionInput[] => {
    const list: ConditionInput[] = [{ type: 'Ready', status, reason, message }];
    if (successType !== 'Ready') list.push({ type: successType, status, reason, message });
    return list;
  };
  return {
    success: () => [
      ...ok('True', 'Synced', 'Synced with 3scale'),
      { type: 'Invalid', status: 'False', reason: 'Valid', message: '' },
      { type: 'Orphan', status: 'False', reason: 'ReferencesResolved', message: '' },
      { type: 'Failed', status: 'False', reason: 'Synced', message: '' },
      ...waiting(),
    ],
    failure: (err) => [
      ...ok('False', err.reason, err.message),
      err.invalid
        ? { type: 'Invalid', status: 'True', reason: err.reason, message: err.message }
        : { type: 'Invalid', status: 'False', reason: 'Valid', message: '' },
      err.retry === 'reference' && !err.waiting
        ? { type: 'Orphan', status: 'True', reason: err.reason, message: err.message }
        : { type: 'Orphan', status: 'False', reason: 'ReferencesResolved', message: '' },
      { type: 'Failed', status: 'True', reason: err.reason, message: err.message },
      ...waiting(err),
    ],
  };
}
