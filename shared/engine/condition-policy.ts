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

/** The Gravitee Kubernetes Operator's conditions: Accepted and ResolvedRefs, plus Ready. */
export const gkoConditions: ConditionPolicy = {
  success: () => [
    { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Successfully reconciled' },
    { type: 'Ready', status: 'True', reason: 'Synced', message: 'Synced with the vendor' },
    { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All References successfully resolved' },
  ],
  failure: (err) => [
    { type: 'Accepted', status: 'False', reason: err.reason, message: err.message },
    { type: 'Ready', status: 'False', reason: err.reason, message: err.message },
    err.retry === 'reference'
      ? { type: 'ResolvedRefs', status: 'False', reason: 'ResolveRefError', message: err.message }
      : { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All References successfully resolved' },
  ],
};

/**
 * The 3scale operator's capabilities conditions (`Synced` for Backend/Product, `Ready` for the other kinds):
 * the success condition True iff no error; `Invalid` iff the spec must change; `Orphan` iff a reference is missing;
 * `Failed` for any error. `Ready` is always written too.
 */
export function threescaleConditions(successType: 'Synced' | 'Ready'): ConditionPolicy {
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
    ],
    failure: (err) => [
      ...ok('False', err.reason, err.message),
      err.invalid
        ? { type: 'Invalid', status: 'True', reason: err.reason, message: err.message }
        : { type: 'Invalid', status: 'False', reason: 'Valid', message: '' },
      err.retry === 'reference'
        ? { type: 'Orphan', status: 'True', reason: err.reason, message: err.message }
        : { type: 'Orphan', status: 'False', reason: 'ReferencesResolved', message: '' },
      { type: 'Failed', status: 'True', reason: err.reason, message: err.message },
    ],
  };
}
